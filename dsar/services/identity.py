"""The requester's identity: the only place that turns it into vault pseudonyms, and
the only place that forgets them."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from compliance.vault import forget, tokenise
from dsar.models import DataSubjectRequest

NAME = "dsar.requester_name"
EMAIL = "dsar.requester_email"
PHONE = "dsar.requester_phone"
ADDRESS = "dsar.requester_address"

PURPOSES = (
    (NAME, "name", _("Name of a person who made a data subject request")),
    (EMAIL, "email", _("E-mail address of a person who made a data subject request")),
    (PHONE, "phone", _("Phone number of a person who made a data subject request")),
    (ADDRESS, "text", _("Postal address of a person who made a data subject request")),
)

# Ticket field -> vault purpose.
FIELDS = {
    "requester_name": NAME,
    "requester_email": EMAIL,
    "requester_phone": PHONE,
    "requester_address": ADDRESS,
}


def pseudonym(value: str, field: str) -> str:
    """The token of a clear value for one requester field; empty for an empty value."""
    return tokenise(value, FIELDS[field]) if value.strip() else ""


def tokens_of(ticket: DataSubjectRequest) -> list[str]:
    return [token for token in (getattr(ticket, field) for field in FIELDS) if token]


def forget_unused(tokens: list[str], *, reason: str) -> list[str]:
    """Crypto-shred each token no remaining ticket still uses (one person may have asked
    more than once, and gets the same pseudonym each time). Returns the tokens forgotten.

    The caller removes its own reference to the tokens first; run inside its transaction."""
    forgotten = []
    for token in dict.fromkeys(tokens):
        in_use = Q()
        for field in FIELDS:
            in_use |= Q(**{field: token})
        if not DataSubjectRequest.objects.filter(in_use).exists():
            forget(token, actor=None, reason=reason)
            forgotten.append(token)
    return forgotten

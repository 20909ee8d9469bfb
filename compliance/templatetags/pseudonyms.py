"""Showing pseudonymised people on pages: the token, never the identity behind it.

Re-identification is a deliberate, logged act (`compliance.vault.reidentify`), so no
filter here decrypts anything.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def pseudonym(token: str | None) -> SafeString:
    """A vault token, marked as a pseudonym: `{{ request.requester_token|pseudonym }}`."""
    if not token:
        return format_html('<span class="pseudonym pseudonym-none">{}</span>', _("none"))
    return format_html(
        '<span class="pseudonym" title="{}">{}</span>',
        _(
            "Pseudonym. The identity behind it is kept in the vault and shown only to people "
            "allowed to re-identify, with a logged reason."
        ),
        token,
    )

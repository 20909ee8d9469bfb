"""Letters to the requester, as PDF: the extension notice and the refusal.

Each letter is rendered by WeasyPrint from `templates/dsar/letters/<kind>.html`, stored
under `dsar/letters/` in the default storage and recorded with its SHA-256, so the ticket
can show exactly what was sent. A letter addresses the requester by the reference only:
their name and address are pseudonymised, and whoever posts the letter re-identifies
them through the vault. Dates are the organisation's local dates.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone

from compliance.models import Organisation
from dsar.models import DataSubjectRequest, Letter, LetterKind


def letter_html(ticket: DataSubjectRequest, kind: str) -> str:
    """The letter as HTML, in the organisation's time zone."""
    organisation = Organisation.current()
    with timezone.override(organisation.time_zone):
        context = {
            "ticket": ticket,
            "organisation": organisation,
            "authority": organisation.supervisory_authority.strip(),
            "received": timezone.localtime(ticket.received_at).date(),
            "today": timezone.localdate(),
        }
        return render_to_string(f"dsar/letters/{LetterKind(kind).value}.html", context)


def letter_create(ticket: DataSubjectRequest, *, kind: str, actor: Any) -> Letter:
    """Render, store and record one letter for a ticket whose fields are already set.

    Runs inside the caller's transaction; if that fails after the file was written, the
    file is removed again here."""
    import weasyprint  # heavy: loaded only when a letter is made

    pdf = weasyprint.HTML(string=letter_html(ticket, kind)).write_pdf()
    assert pdf is not None
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    path = default_storage.save(f"dsar/letters/{ticket.reference}-{kind}-{stamp}.pdf", ContentFile(pdf))
    try:
        return Letter.objects.create(
            request=ticket,
            kind=kind,
            file=path,
            sha256=hashlib.sha256(pdf).hexdigest(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    except Exception:
        default_storage.delete(path)
        raise

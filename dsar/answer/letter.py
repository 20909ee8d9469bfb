"""The cover letter of an answer (Art. 15), as PDF: every item of gdpr-rules.md §2 in its
own headed section, filled from the registers (`dsar.answer.facts`), the review of the
clips and the files of the package.

Rendered by WeasyPrint from `templates/dsar/letters/cover_letter.html` with local fonts
only (like `dsar.letters`), in the organisation's time zone. The requester is addressed
by the reference alone: their name and address are pseudonymised, and whoever sends the
letter re-identifies them through the vault.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone

from compliance.models import Organisation
from dsar.answer import facts
from dsar.answer.manifest import FileEntry
from dsar.answer.records import decision_counts
from dsar.models import DataSubjectRequest, ResponseItem, ResponseReview, ThirdPartyChoice
from media_processing.models import RedactedCopy, RedactionMode, RedactionShape

# Used when the delivery settings do not say otherwise (Art. 12: a reasonable time to fetch it).
DEFAULT_LINK_DAYS = 14


def link_days() -> int:
    return int(getattr(settings, "DSAR_LINK_DAYS", DEFAULT_LINK_DAYS))


def _labels(values: set[str], choices: Any) -> str:
    labels = dict(choices)
    return ", ".join(str(labels.get(value, value)).lower() for value in sorted(values))


def _local_date(moment: datetime | None) -> Any:
    return timezone.localtime(moment).date() if moment else None


def _shown(day: Any) -> str:
    return str(formats.date_format(day, "DATE_FORMAT"))


def _review(ticket: DataSubjectRequest) -> ResponseReview | None:
    return ResponseReview.objects.filter(request=ticket).first()


def letter_context(
    ticket: DataSubjectRequest,
    *,
    items: Sequence[ResponseItem],
    copies: Sequence[RedactedCopy],
    files: Sequence[FileEntry],
    made_at: datetime,
) -> dict[str, Any]:
    """Everything the letter says. Call inside `timezone.override(<organisation zone>)`."""
    organisation = Organisation.current()
    cameras = facts.answer_cameras(ticket, items)
    own_holds, other_holds = facts.holds(ticket, items)
    counts = decision_counts(items)
    review = _review(ticket)
    today = _local_date(made_at)
    received = _local_date(ticket.received_at)
    return {
        "ticket": ticket,
        "organisation": organisation,
        "authority": organisation.supervisory_authority.strip(),
        "today": today,
        "received": received,
        "verified": _local_date(ticket.verified_at),
        "extended_on": _local_date(ticket.extended_at),
        "found": bool(items),
        "cameras": cameras,
        "sites": sorted({camera.site for camera in cameras}, key=lambda site: site.name),
        "categories": facts.categories(items, cameras),
        "recipients": facts.recipients(ticket, items),
        "retention": facts.retention(cameras),
        "own_holds": own_holds,
        "other_holds": other_holds,
        "grace_days": organisation.dsar_hold_grace_days,
        "reviewed_on": _local_date(review.submitted_at) if review else None,
        "approved_on": _local_date(review.approved_at) if review else None,
        "cover_mode": _labels({copy.mode for copy in copies}, RedactionMode.choices),
        "cover_shape": _labels({copy.shape for copy in copies}, RedactionShape.choices),
        "obscured": counts[ThirdPartyChoice.REDACT],
        "consented": counts[ThirdPartyChoice.CONSENTED],
        "reasonable": counts[ThirdPartyChoice.REASONABLE],
        "consultations": facts.consultations(items, copies),
        "searched": facts.searched(ticket, received=received, shown=_shown),
        "files": list(files),
        "link_days": link_days(),
        "link_expires": today + timedelta(days=link_days()),
    }


def letter_html(context: dict[str, Any]) -> str:
    return render_to_string("dsar/letters/cover_letter.html", context)


def letter_pdf(
    ticket: DataSubjectRequest,
    *,
    items: Sequence[ResponseItem],
    copies: Sequence[RedactedCopy],
    files: Sequence[FileEntry],
    made_at: datetime,
) -> bytes:
    """The letter as PDF bytes, dates in the organisation's zone."""
    import weasyprint  # heavy: loaded only when a letter is made

    with timezone.override(Organisation.current().time_zone):
        context = letter_context(ticket, items=items, copies=copies, files=files, made_at=made_at)
        html = letter_html(context)
    pdf = weasyprint.HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)

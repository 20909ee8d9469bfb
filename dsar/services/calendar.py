"""Open requests follow the organisation's calendar: when its country, region, time zone
or identity-clock policy changes, every open request's deadlines are worked out again,
and each request whose dates moved says so on its timeline."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dsar.models import FINAL_STATUSES, DataSubjectRequest, TimelineKind
from dsar.services.clock import DEADLINE_FIELDS
from dsar.services.common import due_text, lock, recompute_deadlines, record_step

CALENDAR_FIELDS = {"country", "subdivision", "time_zone", "identity_clock"}


def recompute_open_deadlines(*, changed: list[str], actor: Any, **_signal: Any) -> int:
    """Receiver of `compliance.organisation.organisation_changed`, inside its transaction.
    Returns how many requests got new dates."""
    fields = sorted(CALENDAR_FIELDS.intersection(changed))
    if not fields:
        return 0
    moved = 0
    for pk in DataSubjectRequest.objects.exclude(status__in=FINAL_STATUSES).values_list("pk", flat=True):
        ticket = lock(DataSubjectRequest(pk=pk))
        if not recompute_deadlines(ticket):
            continue
        ticket.save(update_fields=DEADLINE_FIELDS)
        message = _("Deadlines worked out again after the organisation's %(fields)s changed: %(due)s.") % {
            "fields": ", ".join(fields),
            "due": due_text(ticket),
        }
        record_step(ticket, actor=actor, verb="deadlines_recomputed", kind=TimelineKind.EDITED, message=message)
        moved += 1
    return moved

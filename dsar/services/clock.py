"""Pausing and resuming the statutory clock while the requester is asked for something.

What a pause does to the deadline is the organisation's policy (`identity_clock`): the
clock is suspended and resumes where it stopped, or it starts again from the day the
answer arrived. Both are applied by `dsar.deadlines.clock_deadlines`; every pause and
resume is on the timeline with the due date it leads to.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.models import IdentityClock, Organisation
from dsar.models import ClockPause, DataSubjectRequest, PauseReason, TimelineKind
from dsar.services.common import due_text, local_date, recompute_deadlines, record_step

DEADLINE_FIELDS = ["due_on", "extension_notice_by", "extended_due_on", "updated_at"]


def open_pause(ticket: DataSubjectRequest) -> ClockPause | None:
    return ticket.pauses.filter(ended_at__isnull=True).first()


def clock_pause(
    ticket: DataSubjectRequest, *, actor: Any, reason: str, at: datetime | None = None, ip: str | None = None
) -> ClockPause:
    """Open a pause on a locked ticket, inside the caller's transaction."""
    existing = open_pause(ticket)
    if existing is not None:
        return existing
    pause = ClockPause.objects.create(request=ticket, reason=reason, started_at=at or timezone.now())
    recompute_deadlines(ticket)
    ticket.save(update_fields=DEADLINE_FIELDS)
    if Organisation.current().identity_clock == IdentityClock.RESTART:
        policy = _("the period starts again when the answer arrives")
    else:
        policy = _("the days spent waiting are added to the period when the answer arrives")
    message = _("Clock paused: %(reason)s; %(policy)s. Until then: %(due)s.") % {
        "reason": PauseReason(reason).label.lower(),
        "policy": policy,
        "due": due_text(ticket),
    }
    record_step(ticket, actor=actor, verb="clock_pause", kind=TimelineKind.CLOCK_PAUSED, message=message, ip=ip)
    return pause


def clock_resume(
    ticket: DataSubjectRequest, *, actor: Any, at: datetime | None = None, ip: str | None = None, quiet: bool = False
) -> ClockPause | None:
    """Close the open pause of a locked ticket and move its deadlines; None when the clock
    was running. `quiet` closes it without a timeline step or a new deadline (the ticket
    is ending and its clock no longer matters)."""
    pause = open_pause(ticket)
    if pause is None:
        return None
    pause.ended_at = max(at or timezone.now(), pause.started_at)
    pause.save(update_fields=["ended_at"])
    if quiet:
        return pause
    recompute_deadlines(ticket)
    ticket.save(update_fields=DEADLINE_FIELDS)
    waited = (local_date(pause.ended_at) - local_date(pause.started_at)).days
    message = _("Clock resumed after %(days)s days of waiting; %(due)s.") % {"days": waited, "due": due_text(ticket)}
    record_step(ticket, actor=actor, verb="clock_resume", kind=TimelineKind.CLOCK_RESUMED, message=message, ip=ip)
    return pause

"""What every DSAR service shares: its errors, the ticket lock, the step record (timeline
entry plus access-log entry, always together) and the deadline recomputation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from compliance.access_log import record_access
from compliance.models import Organisation, PendingFileDeletion
from compliance.organisation import local_date, local_today
from compliance.organisation import organisation_zone as zone
from dsar.deadlines import Pause, clock_deadlines
from dsar.models import DataSubjectRequest, Status, TimelineEntry

SYSTEM = "system"


class DsarError(Exception):
    """A request the services refuse; `message` tells the person what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransitionError(DsarError):
    """The step is not allowed from the ticket's current status."""


def lock(ticket: DataSubjectRequest) -> DataSubjectRequest:
    """The ticket's row, locked until the end of the caller's transaction, freshly read."""
    return DataSubjectRequest.objects.select_for_update().get(pk=ticket.pk)


def is_user(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def actor_name(actor: Any) -> str:
    return actor.get_username() if is_user(actor) else SYSTEM


def record_step(
    ticket: DataSubjectRequest,
    *,
    actor: Any,
    verb: str,
    kind: str,
    message: str,
    from_status: str = "",
    to_status: str = "",
    audit: str = "",
    ip: str | None = None,
) -> TimelineEntry:
    """The timeline entry and the access-log entry `dsar.<verb>` of one step.

    `message` is shown on the timeline; `audit` (default: the message) goes into the access
    log after the reference. Neither may hold the requester's identity: pseudonyms only."""
    entry = TimelineEntry.objects.create(
        request=ticket,
        actor=actor if is_user(actor) else None,
        actor_name=actor_name(actor),
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        message=message,
    )
    record_access(
        actor=actor, action=f"dsar.{verb}", target=ticket, reason=f"{ticket.reference}: {audit or message}", ip=ip
    )
    return entry


def show_date(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def show_moment(moment: datetime) -> str:
    return formats.date_format(moment.astimezone(zone()), "DATETIME_FORMAT")


def recompute_deadlines(ticket: DataSubjectRequest, *, now: datetime | None = None) -> bool:
    """Set the three deadline dates from receipt and clock pauses under the organisation's
    policy (not saved). An open pause counts up to today. Returns whether a date changed."""
    organisation = Organisation.current()
    pauses = [
        Pause(start=local_date(pause.started_at), end=local_date(pause.ended_at) if pause.ended_at else None)
        for pause in (ticket.pauses.all() if ticket.pk else ())
    ]
    deadlines = clock_deadlines(
        local_date(ticket.received_at),
        pauses,
        organisation.identity_clock,
        organisation.country,
        organisation.subdivision or None,
        today=local_today(now),
    )
    before = (ticket.due_on, ticket.extension_notice_by, ticket.extended_due_on)
    ticket.due_on = deadlines.due
    ticket.extension_notice_by = deadlines.extension_notice_by
    ticket.extended_due_on = deadlines.extended_due
    return before != (ticket.due_on, ticket.extension_notice_by, ticket.extended_due_on)


def due_text(ticket: DataSubjectRequest) -> str:
    if ticket.is_extended:
        return _("due %(date)s (extended)") % {"date": show_date(ticket.final_due)}
    return _("due %(date)s") % {"date": show_date(ticket.due_on)}


def require_status(ticket: DataSubjectRequest, allowed: tuple[str, ...], *, doing: str) -> None:
    """Refuse a step the ticket's status does not allow, naming the status it is in."""
    if ticket.status in allowed:
        return
    names = ", ".join(str(Status(status).label) for status in allowed)
    raise TransitionError(
        _("%(reference)s cannot be %(doing)s: it is %(status)s, and this is only possible when it is: %(allowed)s.")
        % {"reference": ticket.reference, "doing": doing, "status": ticket.get_status_display(), "allowed": names}
    )


def require_reasons(text: str, *, what: str) -> str:
    text = text.strip()
    if not text:
        raise DsarError(_("Give the reasons for %(what)s; they are kept on the ticket.") % {"what": what})
    return text


def delete_file_after_commit(path: str) -> None:
    """Remove a stored file once the caller's transaction commits. The pending row written
    now means a crash between the commit and the removal leaves nothing untracked: the next
    retention sweep removes it."""
    if not path:
        return
    pending = PendingFileDeletion.objects.create(path=path)

    def remove() -> None:
        try:
            if default_storage.exists(path):
                default_storage.delete(path)
        except OSError:
            return  # the pending row stays; the sweep tries again
        PendingFileDeletion.objects.filter(pk=pending.pk).delete()

    transaction.on_commit(remove)

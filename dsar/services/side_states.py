"""Steps off the main path: extending the deadline, putting a ticket on hold and
resuming it, refusing a request, and its withdrawal by the requester."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dsar.letters import letter_create
from dsar.models import DataSubjectRequest, Decision, LetterKind, Status, TimelineKind
from dsar.services.common import (
    TransitionError,
    local_today,
    lock,
    record_step,
    require_reasons,
    require_status,
    show_date,
)
from dsar.services.preservation import preservation_sync
from dsar.services.workflow import end_work, transition

# Every status in which work is still going on.
OPEN = (
    Status.RECEIVED,
    Status.IDENTITY_PENDING,
    Status.VERIFIED,
    Status.SEARCHING,
    Status.IN_REVIEW,
    Status.APPROVED,
    Status.DELIVERED,
    Status.ON_HOLD,
)
HOLDABLE = tuple(status for status in OPEN if status != Status.ON_HOLD)


def dsar_extend(*, actor: Any, request: DataSubjectRequest, reasons: str, ip: str | None = None) -> DataSubjectRequest:
    """Extend the deadline by two months (Art. 12(3) GDPR) and make the extension letter.

    Allowed once, from any open status, up to the end of the original due date in the
    organisation's time zone: the requester must be told before the original deadline.
    The letter is stored on the ticket and must be sent to the requester; the status does
    not change. The preservation holds are kept until the new date."""
    reasons = require_reasons(reasons, what=_("the extension"))
    with transaction.atomic():
        ticket = lock(request)
        require_status(ticket, OPEN, doing=_("extended"))
        if ticket.is_extended:
            raise TransitionError(
                _("%(reference)s was already extended, to %(date)s; a request can be extended only once.")
                % {"reference": ticket.reference, "date": show_date(ticket.extended_due_on)}
            )
        today = local_today()
        if today > ticket.due_on:
            raise TransitionError(
                _(
                    "%(reference)s can no longer be extended: the requester had to be told before its deadline, "
                    "%(due)s, which has passed. Answer the request as soon as possible."
                )
                % {"reference": ticket.reference, "due": show_date(ticket.due_on)}
            )
        ticket.extended_at = timezone.now()
        ticket.extension_reasons = reasons
        ticket.save(update_fields=["extended_at", "extension_reasons", "updated_at"])
        letter = letter_create(ticket, kind=LetterKind.EXTENSION, actor=actor)
        message = _(
            "Deadline extended from %(old)s to %(new)s. Reasons: %(reasons)s The extension letter was made "
            "(SHA-256 %(hash)s); send it to the requester before %(old)s ends."
        ) % {
            "old": show_date(ticket.due_on),
            "new": show_date(ticket.extended_due_on),
            "reasons": reasons,
            "hash": letter.sha256[:12],
        }
        record_step(ticket, actor=actor, verb="extend", kind=TimelineKind.EXTENDED, message=message, ip=ip)
        preservation_sync(ticket, actor=actor, ip=ip)
    return ticket


def dsar_put_on_hold(
    *, actor: Any, request: DataSubjectRequest, reason: str, ip: str | None = None
) -> DataSubjectRequest:
    """Set the work aside (waiting on a third party, say). On hold does NOT stop the
    statutory clock: the deadlines stay as they are. Only a clock pause (waiting for the
    requester's proof of identity) moves them."""
    reason = require_reasons(reason, what=_("putting the request on hold"))

    def remember(ticket: DataSubjectRequest) -> None:
        ticket.status_before_hold = ticket.status

    return transition(
        request, actor=actor, to=Status.ON_HOLD, allowed=HOLDABLE, verb="hold", doing=_("put on hold"),
        note=_("Reason: %(reason)s The deadline still runs.") % {"reason": reason}, ip=ip, before=remember,
    )  # fmt: skip


def dsar_resume(*, actor: Any, request: DataSubjectRequest, ip: str | None = None) -> DataSubjectRequest:
    """on hold → the status it had before."""
    with transaction.atomic():
        ticket = lock(request)
        require_status(ticket, (Status.ON_HOLD,), doing=_("resumed"))

        def forget_hold(ticket: DataSubjectRequest) -> None:
            ticket.status_before_hold = ""

        return transition(
            ticket, actor=actor, to=ticket.status_before_hold or Status.RECEIVED, allowed=(Status.ON_HOLD,),
            verb="resume", doing=_("resumed"), ip=ip, before=forget_hold,
        )  # fmt: skip


def dsar_refuse(*, actor: Any, request: DataSubjectRequest, reasons: str, ip: str | None = None) -> DataSubjectRequest:
    """Refuse the request (manifestly unfounded or excessive, identity not proven, an
    exemption applies...) from any open status, and make the refusal letter, which states
    the reasons, the right to complain to the supervisory authority and the right to a
    judicial remedy. The work ends here."""
    reasons = require_reasons(reasons, what=_("the refusal"))

    def decide(ticket: DataSubjectRequest) -> None:
        ticket.refusal_reasons = reasons
        ticket.decision = Decision.REFUSED
        ticket.decision_reasons = reasons

    def finish(ticket: DataSubjectRequest) -> None:
        letter = letter_create(ticket, kind=LetterKind.REFUSAL, actor=actor)
        message = _("Refusal letter made (SHA-256 %(hash)s); send it to the requester.") % {"hash": letter.sha256[:12]}
        record_step(ticket, actor=actor, verb="letter", kind=TimelineKind.LETTER, message=message, ip=ip)
        end_work(ticket, actor=actor, ip=ip)

    return transition(
        request, actor=actor, to=Status.REFUSED, allowed=OPEN, verb="refuse", doing=_("refused"),
        note=_("Reasons: %(reasons)s") % {"reasons": reasons}, ip=ip, before=decide, after=finish,
    )  # fmt: skip


def dsar_withdraw(*, actor: Any, request: DataSubjectRequest, reason: str, ip: str | None = None) -> DataSubjectRequest:
    """The requester withdrew the request; the work ends here."""
    reason = require_reasons(reason, what=_("the withdrawal"))

    def record(ticket: DataSubjectRequest) -> None:
        ticket.withdrawal_reason = reason

    def finish(ticket: DataSubjectRequest) -> None:
        end_work(ticket, actor=actor, ip=ip)

    return transition(
        request, actor=actor, to=Status.WITHDRAWN, allowed=OPEN, verb="withdraw", doing=_("withdrawn"),
        note=_("Reason: %(reason)s") % {"reason": reason}, ip=ip, before=record, after=finish,
    )  # fmt: skip

"""The main path of a request, one function per step:

received → identity pending → verified → searching → in review → approved → delivered → closed

(received → verified directly when the requester's identity is already clear). Each step
locks the ticket, checks the step is allowed from its status (TransitionError if not),
and writes the timeline entry and the access-log entry `dsar.<verb>` in one transaction.
`actor=None` is an automatic step, shown as "system".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dsar.models import (
    DataSubjectRequest,
    PauseReason,
    RequestKind,
    ResponseItem,
    ResponseReview,
    Status,
    TimelineKind,
)
from dsar.services.clock import clock_pause, clock_resume
from dsar.services.common import DsarError, TransitionError, is_user, lock, record_step, require_status
from dsar.services.photo import drop_photo

Before = Callable[[DataSubjectRequest], None]
APPROVE_PERMISSION = "dsar.approve_dsar_response"


def transition(
    request: DataSubjectRequest,
    *,
    actor: Any,
    to: str,
    allowed: tuple[str, ...],
    verb: str,
    doing: str,
    note: str = "",
    ip: str | None = None,
    before: Before | None = None,
    after: Before | None = None,
    kind: str = TimelineKind.STATUS,
) -> DataSubjectRequest:
    """Move a ticket to `to` from one of `allowed`. `before` runs on the locked ticket while
    it still has its old status (to set fields saved with the new one), `after` once the
    step is recorded."""
    with transaction.atomic():
        ticket = lock(request)
        require_status(ticket, allowed, doing=doing)
        old = ticket.status
        if before is not None:
            before(ticket)
        ticket.status = to
        ticket.save()
        message = _("%(old)s → %(new)s.") % {"old": Status(old).label, "new": Status(to).label}
        if note.strip():
            message = f"{message} {note.strip()}"
        record_step(ticket, actor=actor, verb=verb, kind=kind, message=message,
                    from_status=old, to_status=to, ip=ip)  # fmt: skip
        if after is not None:
            after(ticket)
    return ticket


def end_work(ticket: DataSubjectRequest, *, actor: Any, ip: str | None) -> None:
    """What every ending does (close, refusal, withdrawal) on the locked ticket: the time
    it ended (from which the preservation grace period runs), no clock left paused, and
    the requester's photo deleted."""
    ticket.closed_at = timezone.now()
    ticket.save(update_fields=["closed_at", "updated_at"])
    clock_resume(ticket, actor=actor, quiet=True)
    drop_photo(
        ticket,
        actor=actor,
        why=_("Photo of the requester deleted: the request is %(status)s.") % {"status": ticket.get_status_display()},
        ip=ip,
    )


def dsar_await_identity(
    *, actor: Any, request: DataSubjectRequest, note: str = "", ip: str | None = None
) -> DataSubjectRequest:
    """Ask the requester for proof of identity: received → identity pending. The clock
    pauses from now (see `dsar.services.clock`)."""

    def pause(ticket: DataSubjectRequest) -> None:
        clock_pause(ticket, actor=actor, reason=PauseReason.IDENTITY, ip=ip)

    return transition(
        request, actor=actor, to=Status.IDENTITY_PENDING, allowed=(Status.RECEIVED,), verb="await_identity",
        doing=_("set to wait for proof of identity"), note=note, ip=ip, after=pause,
    )  # fmt: skip


def dsar_verify_identity(
    *, actor: Any, request: DataSubjectRequest, note: str = "", ip: str | None = None
) -> DataSubjectRequest:
    """The requester's identity is established: received or identity pending → verified.
    A paused clock resumes, and the deadlines move under the organisation's policy."""

    def stamp(ticket: DataSubjectRequest) -> None:
        ticket.verified_at = timezone.now()

    def resume(ticket: DataSubjectRequest) -> None:
        clock_resume(ticket, actor=actor, ip=ip)

    return transition(
        request, actor=actor, to=Status.VERIFIED, allowed=(Status.RECEIVED, Status.IDENTITY_PENDING),
        verb="verify_identity", doing=_("marked as verified"), note=note, ip=ip, before=stamp, after=resume,
    )  # fmt: skip


def dsar_start_search(*, actor: Any, request: DataSubjectRequest, ip: str | None = None) -> DataSubjectRequest:
    """verified → searching: the footage search starts."""
    return transition(
        request, actor=actor, to=Status.SEARCHING, allowed=(Status.VERIFIED,), verb="start_search",
        doing=_("searched"), ip=ip,
    )  # fmt: skip


def dsar_send_to_review(*, actor: Any, request: DataSubjectRequest, ip: str | None = None) -> DataSubjectRequest:
    """searching → in review: what was found goes to a reviewer."""
    return transition(
        request, actor=actor, to=Status.IN_REVIEW, allowed=(Status.SEARCHING,), verb="send_to_review",
        doing=_("sent to review"), ip=ip,
    )  # fmt: skip


def dsar_approve(*, actor: Any, request: DataSubjectRequest, ip: str | None = None) -> DataSubjectRequest:
    """in review → approved, for access requests. Erasure, objection and restriction
    requests are approved by recording the decision (`dsar_decide`). An answer with
    footage is approved under the four-eyes rule (`four_eyes_refusal`), whichever way
    this is called; `dsar.answer.approval.answer_approve` is the way that records it."""
    if request.kind != RequestKind.ACCESS:
        raise TransitionError(
            _("%(reference)s is a request for %(kind)s: record the decision and its reasons instead of approving it.")
            % {"reference": request.reference, "kind": request.get_kind_display().lower()}
        )

    def four_eyes(ticket: DataSubjectRequest) -> None:
        refusal = four_eyes_refusal(ticket, actor)
        if refusal:
            raise DsarError(refusal)

    return transition(
        request, actor=actor, to=Status.APPROVED, allowed=(Status.IN_REVIEW,), verb="approve",
        doing=_("approved"), ip=ip, before=four_eyes,
    )  # fmt: skip


def four_eyes_refusal(ticket: DataSubjectRequest, actor: Any) -> str | None:
    """Why `actor` may not approve the footage answer of `ticket`, or None if they may.

    An answer with footage is approved only once its review was submitted, by someone
    with the right to approve answers who neither submitted the review nor reviewed any
    of its clips. A request answered without footage has nothing to redact, so no rule."""
    review = ResponseReview.objects.filter(request=ticket).select_related("submitted_by").first()
    items = ResponseItem.objects.filter(request=ticket, included=True)
    if review is None:
        if not items.exists():
            return None
        return _("Submit the review of the footage first; another person then approves it (four-eyes rule).")
    if not (is_user(actor) and actor.has_perm(APPROVE_PERMISSION)):
        return _("Approving a footage answer needs the right to approve answers; ask a DPO or a DSAR handler.")
    if review.submitted_by_id == actor.pk:
        return _("You submitted this review, so another person must approve it (four-eyes rule).")
    if items.filter(reviewed_by=actor).exists():
        return _("You reviewed clips of this answer, so another person must approve it (four-eyes rule).")
    return None


def dsar_deliver(
    *, actor: Any, request: DataSubjectRequest, note: str = "", ip: str | None = None
) -> DataSubjectRequest:
    """approved → delivered: the answer went out."""

    def stamp(ticket: DataSubjectRequest) -> None:
        ticket.delivered_at = timezone.now()

    return transition(
        request, actor=actor, to=Status.DELIVERED, allowed=(Status.APPROVED,), verb="deliver",
        doing=_("marked as delivered"), note=note, ip=ip, before=stamp,
    )  # fmt: skip


def dsar_close(*, actor: Any, request: DataSubjectRequest, note: str = "", ip: str | None = None) -> DataSubjectRequest:
    """delivered → closed. The requester's photo is deleted; the preservation holds stay
    for the organisation's grace period (`release_preservation_holds`)."""

    def finish(ticket: DataSubjectRequest) -> None:
        end_work(ticket, actor=actor, ip=ip)

    return transition(
        request, actor=actor, to=Status.CLOSED, allowed=(Status.DELIVERED,), verb="close", doing=_("closed"),
        note=note, ip=ip, after=finish,
    )  # fmt: skip

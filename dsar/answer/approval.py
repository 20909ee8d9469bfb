"""The four-eyes step of a footage answer: the reviewer submits the review once every
clip is ready, and another person with the right to approve answers approves it.

The rule itself (who may approve) is `dsar.services.workflow.four_eyes_refusal`, which
the plain approval step applies too, so no path skips it. A change to the review after
it was submitted withdraws the submission (`answer.review.withdraw_submission`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dsar.answer.review import EDITABLE, item_label, item_problems
from dsar.models import DataSubjectRequest, ResponseItem, ResponseReview, Status, TimelineKind
from dsar.services.common import DsarError, actor_name, is_user, lock, record_step, require_status
from dsar.services.workflow import dsar_approve, dsar_send_to_review, four_eyes_refusal


@dataclass(frozen=True)
class Problem:
    item: ResponseItem
    text: str


def included_items(ticket: DataSubjectRequest) -> list[ResponseItem]:
    query = ResponseItem.objects.filter(request=ticket, included=True)
    return list(query.select_related("clip__camera", "track_set", "reviewed_by").prefetch_related("decisions"))


def answer_problems(ticket: DataSubjectRequest) -> list[Problem]:
    """What still stops the review from being submitted, clip by clip."""
    return [Problem(item, text) for item in included_items(ticket) for text in item_problems(item)]


def answer_review(ticket: DataSubjectRequest) -> ResponseReview | None:
    return ResponseReview.objects.filter(request=ticket).select_related("submitted_by", "approved_by").first()


def approval_refusal(*, actor: Any, request: DataSubjectRequest) -> str | None:
    """Why `actor` cannot approve the answer now, or None if they can."""
    review = answer_review(request)
    if review is None:
        return _("The review has not been submitted for approval yet.")
    if review.approved_at is not None:
        return _("This answer is already approved.")
    if request.status != Status.IN_REVIEW:
        return _("Only a request in review can be approved; this one is %(status)s.") % {
            "status": request.get_status_display().lower()
        }
    return four_eyes_refusal(request, actor)


def answer_submit(*, actor: Any, request: DataSubjectRequest, ip: str | None = None) -> ResponseReview:
    """Submit the review for approval once every included clip has its detections and a
    decision for every third party; the ticket goes to "in review" if it is not there yet."""
    with transaction.atomic():
        ticket = lock(request)
        require_status(ticket, EDITABLE, doing=_("submitted for approval"))
        if ResponseReview.objects.filter(request=ticket).exists():
            raise DsarError(_("The review is already submitted; it now waits for another person's approval."))
        problems = answer_problems(ticket)
        if problems:
            lines = "; ".join(f"{item_label(problem.item)}: {problem.text}" for problem in problems)
            raise DsarError(_("The review cannot be submitted yet. %(problems)s") % {"problems": lines})
        review = ResponseReview.objects.create(
            request=ticket, submitted_by=actor if is_user(actor) else None, submitted_at=timezone.now()
        )
        count = len(included_items(ticket))
        message = ngettext(
            "Review of the footage answer (%(count)d clip) submitted for approval by %(user)s; "
            "another person must approve it.",
            "Review of the footage answer (%(count)d clips) submitted for approval by %(user)s; "
            "another person must approve it.",
            count,
        ) % {"count": count, "user": actor_name(actor)}
        record_step(ticket, actor=actor, verb="answer_submit", kind=TimelineKind.DECISION, message=message, ip=ip)
        if ticket.status == Status.SEARCHING:
            dsar_send_to_review(actor=actor, request=ticket, ip=ip)
    return review


def answer_approve(*, actor: Any, request: DataSubjectRequest, note: str = "", ip: str | None = None) -> ResponseReview:
    """Approve the submitted review as the second person: records who and when, moves
    the ticket to "approved" and says so on the timeline."""
    with transaction.atomic():
        ticket = lock(request)
        refusal = approval_refusal(actor=actor, request=ticket)
        if refusal:
            raise DsarError(refusal)
        problems = answer_problems(ticket)
        if problems:
            raise DsarError(
                _("A clip of the answer changed and is not ready; it must be reviewed and submitted again.")
            )
        review = ResponseReview.objects.select_for_update().get(request=ticket)
        review.approved_by = actor
        review.approved_at = timezone.now()
        review.note = note.strip()
        review.save()
        dsar_approve(actor=actor, request=ticket, ip=ip)
        submitter = review.submitted_by.get_username() if review.submitted_by else _("a former user")
        message = _("Footage answer approved by %(approver)s (four-eyes); submitted by %(submitter)s.") % {
            "approver": actor_name(actor),
            "submitter": submitter,
        }
        if review.note:
            message = f"{message} {review.note}"
        record_step(ticket, actor=actor, verb="answer_approve", kind=TimelineKind.DECISION, message=message, ip=ip)
    return review

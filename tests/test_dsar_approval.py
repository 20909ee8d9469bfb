"""The four-eyes approval of a footage answer: submission once every clip is ready, the
refusals (the submitter, a reviewer of a clip, someone without the right), the approval
that moves the ticket and says so on the timeline, and the plain approval step of the
ticket page, which follows the same rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from compliance.users import user_create
from dsar.answer.approval import answer_approve, answer_submit, approval_refusal
from dsar.answer.review import review_mark_requester, review_save_boxes
from dsar.models import DataSubjectRequest, ResponseItem, ResponseReview, Status
from dsar.services import DsarError, dsar_approve, dsar_send_to_review
from tests.conftest import PASSWORD
from tests.support.dsar import steps
from tests.support.footage import logged_in
from tests.support.review import box, decide_all, make_clip, make_item, searching_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]


def ready_item(actor: Any) -> ResponseItem:
    """A clip whose requester is marked and every other person decided."""
    item = review_mark_requester(actor=actor, item=make_item(searching_ticket(actor)), tracks=[1])
    return decide_all(item, actor)


def submitted(actor: Any) -> DataSubjectRequest:
    item = ready_item(actor)
    answer_submit(actor=actor, request=item.request)
    return DataSubjectRequest.objects.get(pk=item.request_id)


def status_of(ticket: DataSubjectRequest) -> str:
    return DataSubjectRequest.objects.get(pk=ticket.pk).status


def test_submission_needs_every_clip_ready_and_moves_the_ticket_to_review(handler: Any) -> None:
    item = review_mark_requester(actor=handler, item=make_item(searching_ticket(handler)), tracks=[1])
    bare = make_item(item.request, track_set=False, clip=make_clip(item.request, camera="Yard"))
    with pytest.raises(DsarError) as refused:
        answer_submit(actor=handler, request=item.request)
    assert "No decision saved yet for: Track 2 (face)." in refused.value.message
    assert "have not been found yet" in refused.value.message
    assert status_of(item.request) == Status.SEARCHING and not ResponseReview.objects.exists()

    ResponseItem.objects.filter(pk=bare.pk).update(included=False, drop_reason="Nobody in it")
    decide_all(item, handler)
    review = answer_submit(actor=handler, request=item.request, ip="10.0.0.9")
    assert review.submitted_by == handler and review.submitted_at is not None and review.approved_at is None
    assert status_of(item.request) == Status.IN_REVIEW
    messages = [entry.message for entry in steps(item.request)]
    assert any("submitted for approval by hans-handler" in message for message in messages)
    assert messages[-1] == "Searching footage → In review."
    with pytest.raises(DsarError, match="already submitted"):
        answer_submit(actor=handler, request=item.request)


def test_the_submitter_cannot_approve_their_own_review(handler: Any) -> None:
    ticket = submitted(handler)
    with pytest.raises(DsarError, match="You submitted this review, so another person must approve it"):
        answer_approve(actor=handler, request=ticket)
    # Nor through the plain step, whatever calls it.
    with pytest.raises(DsarError, match="You submitted this review"):
        dsar_approve(actor=handler, request=ticket)
    assert status_of(ticket) == Status.IN_REVIEW
    assert ResponseReview.objects.get(request=ticket).approved_by is None


def test_someone_without_the_right_to_approve_is_refused(handler: Any) -> None:
    ticket = submitted(handler)
    clerk, _password = user_create(username="cleo-clerk", role=None, password=PASSWORD)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=("view_dsar", "handle_dsar")))
    clerk = type(clerk).objects.get(pk=clerk.pk)  # a fresh permission cache
    assert clerk.has_perm("dsar.handle_dsar") and not clerk.has_perm("dsar.approve_dsar_response")
    with pytest.raises(DsarError, match="needs the right to approve answers"):
        answer_approve(actor=clerk, request=ticket)
    assert status_of(ticket) == Status.IN_REVIEW


def test_a_reviewer_of_a_clip_cannot_approve_either(handler: Any, dpo: Any) -> None:
    ticket = submitted(handler)
    item = ticket.items.get()
    item = review_save_boxes(actor=dpo, item=item, boxes=[box((2, 10, 10, 30, 30))])  # the DPO changes the clip...
    assert not ResponseReview.objects.filter(request=ticket).exists()  # ...which withdraws the submission
    decide_all(item, dpo)
    answer_submit(actor=handler, request=ticket)  # the handler submits the DPO's work
    with pytest.raises(DsarError, match="You reviewed clips of this answer"):
        answer_approve(actor=dpo, request=ticket)


def test_a_second_person_approves_and_the_timeline_says_so(handler: Any, dpo: Any) -> None:
    ticket = submitted(handler)
    assert approval_refusal(actor=dpo, request=ticket) is None
    review = answer_approve(actor=dpo, request=ticket, note="  Checked every frame.  ", ip="10.0.0.3")
    assert (review.approved_by, review.note) == (dpo, "Checked every frame.") and review.approved_at is not None
    assert status_of(ticket) == Status.APPROVED
    last_two = [entry.message for entry in steps(ticket)[-2:]]
    assert last_two == [
        "In review → Approved.",
        "Footage answer approved by dora-dpo (four-eyes); submitted by hans-handler. Checked every frame.",
    ]
    assert steps(ticket)[-1].actor == dpo
    with pytest.raises(DsarError, match="already approved"):
        answer_approve(actor=dpo, request=ticket)
    # Approved, the review is closed to changes.
    with pytest.raises(DsarError, match="cannot be changed"):
        review_mark_requester(actor=handler, item=ticket.items.get(), tracks=[1, 2])


def test_an_answer_with_footage_is_not_approved_without_a_submitted_review(handler: Any, dpo: Any) -> None:
    item = ready_item(handler)
    ticket = dsar_send_to_review(actor=handler, request=item.request)
    with pytest.raises(DsarError, match="Submit the review of the footage first"):
        dsar_approve(actor=dpo, request=ticket)
    with pytest.raises(DsarError, match="not been submitted"):
        answer_approve(actor=dpo, request=ticket)
    # A request answered without footage has nothing to redact: the plain step approves it.
    ResponseItem.objects.filter(pk=item.pk).update(included=False, drop_reason="Not the requester")
    assert dsar_approve(actor=handler, request=ticket).status == Status.APPROVED


def test_the_ticket_page_approve_button_follows_the_rule(handler: Any, dpo: Any, client: Client) -> None:
    ticket = submitted(handler)
    approve = reverse("dsar:ticket_action", args=[ticket.pk, "approve"])
    logged_in(client, handler)
    page = client.get(client.post(approve)["Location"]).content.decode()
    assert "You submitted this review" in page and status_of(ticket) == Status.IN_REVIEW

    logged_in(client, dpo)
    client.post(approve)
    assert status_of(ticket) == Status.APPROVED
    assert ResponseReview.objects.get(request=ticket).approved_by == dpo


def test_the_review_page_offers_approval_only_to_someone_who_may(handler: Any, dpo: Any, client: Client) -> None:
    item = ready_item(handler)
    url = reverse("dsar:answer_review", args=[item.request_id])
    logged_in(client, handler)
    page = client.get(url).content.decode()
    assert "Ready for approval." in page and "Submit for approval" in page
    response = client.post(reverse("dsar:answer_submit", args=[item.request_id]))
    assert response["Location"] == f"{url}#approval"
    page = client.get(url).content.decode()
    assert "by hans-handler." in page and "Submitted for approval on" in page and "Approve the answer" not in page
    assert "You submitted this review" in page

    logged_in(client, dpo)
    page = client.get(url).content.decode()
    assert "Approve the answer" in page
    client.post(reverse("dsar:answer_approve", args=[item.request_id]), {"note": "Fine"})
    page = client.get(url).content.decode()
    assert "by dora-dpo." in page and "Approved on" in page and status_of(item.request) == Status.APPROVED

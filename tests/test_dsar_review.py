"""The review of a footage answer's clips through the services: the requester's tracks,
the boxes drawn by hand and their validation, the decision on every other person, and
when the review may change."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dsar.answer.review import (
    DEFAULT_REASON,
    item_problems,
    item_rendering,
    review_mark_requester,
    review_save_boxes,
    review_save_decisions,
)
from dsar.models import DataSubjectRequest, ResponseItem, ResponseReview, Status, ThirdPartyDecision
from dsar.services import DsarError
from tests.support.dsar import steps
from tests.support.footage import events, logged_in
from tests.support.review import (
    box,
    decide_all,
    make_item,
    review_url,
    searching_ticket,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]


# The requester and the decisions ----------------------------------------------------------


def test_marking_the_requester_leaves_every_other_track_to_decide(handler: Any) -> None:
    item = make_item(searching_ticket(handler))
    assert item_problems(item) == ["No decision saved yet for: Track 1 (face), Track 2 (face)."]

    item = review_mark_requester(actor=handler, item=item, tracks=[1], ip="10.0.0.7")
    assert item.requester_tracks == [1]
    assert (item.reviewed_by, item.reviewed_at is not None) == (handler, True)
    assert item_problems(item) == ["No decision saved yet for: Track 2 (face)."]
    entry = steps(item.request)[-1]
    assert entry.actor == handler and "the requester's tracks are now: 1" in entry.message
    assert "Jane" not in entry.message  # never the requester's identity
    assert [event.action for event in events("dsar.answer_requester", item.request)] == ["dsar.answer_requester"]

    with pytest.raises(DsarError, match="Track 7 is not among the tracks"):
        review_mark_requester(actor=handler, item=item, tracks=[1, 7])


def test_every_other_person_needs_a_decision_with_a_reason(handler: Any) -> None:
    item = review_mark_requester(actor=handler, item=make_item(searching_ticket(handler)), tracks=[1])
    with pytest.raises(DsarError, match=r"Choose a decision for Track 2 \(face\)"):
        review_save_decisions(actor=handler, item=item, decisions={}, keep_audio=False)
    with pytest.raises(DsarError, match="Give the reason for the decision on Track 2"):
        review_save_decisions(actor=handler, item=item, decisions={2: ("redact", "  ")}, keep_audio=False)
    with pytest.raises(DsarError, match="Choose a decision"):
        review_save_decisions(actor=handler, item=item, decisions={2: ("maybe", "Why not")}, keep_audio=False)
    with pytest.raises(DsarError, match="Reload the page"):
        review_save_decisions(actor=handler, item=item, decisions={2: ("redact", "x"), 1: ("redact", "x")},
                              keep_audio=False)  # fmt: skip

    item = review_save_decisions(
        actor=handler, item=item, decisions={2: ("consented", "Her colleague agreed in writing")}, keep_audio=True
    )
    (decision,) = ThirdPartyDecision.objects.filter(item=item)
    assert (decision.track_id, decision.decision, decision.decided_by) == (2, "consented", handler)
    assert item.keep_audio and item_problems(item) == []
    # A third party shown with consent stays visible in the copy, with the requester.
    rendering = item_rendering(item, mode="blur", shape="ellipse")
    assert rendering.keep_tracks == {1, 2} and rendering.keep_audio

    # Marked as the requester later, the track is no longer a third party: its decision goes.
    item = review_mark_requester(actor=handler, item=item, tracks=[1, 2])
    assert not ThirdPartyDecision.objects.filter(item=item).exists()


def test_the_proposed_default_covers_with_a_reason_the_reviewer_accepts(handler: Any, client: Client) -> None:
    item = review_mark_requester(actor=handler, item=make_item(searching_ticket(handler)), tracks=[1])
    logged_in(client, handler)
    page = client.get(review_url(item)).content.decode()
    assert 'name="decision-t2"' in page and "proposed, not saved" in page
    assert str(DEFAULT_REASON) in page

    response = client.post(
        review_url(item, "answer_item_decisions"),
        {"decision-t2": "redact", "reason-t2": str(DEFAULT_REASON), "t": "1.5"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{review_url(item)}?item={item.pk}&t=1.500#item-{item.pk}"
    assert ThirdPartyDecision.objects.get(item=item, track_id=2).reason == DEFAULT_REASON
    assert "proposed, not saved" not in client.get(review_url(item)).content.decode()


# Boxes drawn by hand ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("boxes", "message"),
    [
        ({"keyframes": []}, "must be a list of boxes"),
        ([{"keyframes": []}], "Box 1 has no keyframe"),
        ([box((0, 380, 10, 40, 40))], r"Box 1 goes outside the picture at frame 0 \(400 by 400 pixels\)"),
        ([box((0, -5, 10, 40, 40))], "goes outside the picture"),
        ([box((60, 10, 10, 40, 40))], r"keyframe at frame 60, outside the clip \(frames 0 to 59\)"),
        ([box((-1, 10, 10, 40, 40))], "outside the clip"),
        ([box((5, 10, 10, 2, 40))], "too small"),
        ([box((9, 10, 10, 40, 40), (3, 10, 10, 40, 40))], "must be in time order, one per frame"),
        ([box((3, 10, 10, 40, 40), (3, 20, 10, 40, 40))], "must be in time order, one per frame"),
        ([{"keyframes": [{"frame": 2, "x": 1, "y": 1, "w": 40}]}], "incomplete"),
        ([{"keyframes": [{"frame": 2, "x": "1", "y": 1, "w": 40, "h": 40}]}], "incomplete"),
    ],
)
def test_boxes_drawn_by_hand_are_checked(handler: Any, boxes: Any, message: str) -> None:
    item = make_item(searching_ticket(handler))
    with pytest.raises(DsarError, match=message):
        review_save_boxes(actor=handler, item=item, boxes=boxes)
    item.refresh_from_db()
    assert item.manual_boxes == [] and item.reviewed_by is None


def test_keyframes_are_kept_in_order_and_reach_the_rendering(handler: Any) -> None:
    item = make_item(searching_ticket(handler))
    item = review_save_boxes(
        actor=handler, item=item, boxes=[box((10, 20, 30, 40.04, 50), (30, 120, 30, 60, 70)), box((5, 0, 0, 400, 8))]
    )
    assert item.manual_boxes[0] == {
        "keyframes": [
            {"frame": 10, "x": 20.0, "y": 30.0, "w": 40.0, "h": 50.0},
            {"frame": 30, "x": 120.0, "y": 30.0, "w": 60.0, "h": 70.0},
        ],
        "note": "",
    }
    assert item_problems(item) == [
        "No decision saved yet for: Track 1 (face), Track 2 (face), Box 1 drawn by hand, Box 2 drawn by hand."
    ]
    rendering = item_rendering(item, start_s=0.5, end_s=5.5, mode="blur", shape="box")
    assert rendering.manual == (
        ((10, 20.0, 30.0, 40.0, 50.0), (30, 120.0, 30.0, 60.0, 70.0)),
        ((5, 0.0, 0.0, 400.0, 8.0),),
    )
    assert rendering.manual_as_json()[1] == {"keyframes": [{"frame": 5, "x": 0.0, "y": 0.0, "w": 400.0, "h": 8.0}]}


def test_a_decision_follows_its_box_when_an_earlier_box_is_deleted(handler: Any) -> None:
    item = make_item(searching_ticket(handler))
    item = review_mark_requester(actor=handler, item=item, tracks=[1, 2])
    item = review_save_boxes(actor=handler, item=item, boxes=[box((1, 0, 0, 10, 10)), box((2, 50, 50, 10, 10))])
    item = review_save_decisions(
        actor=handler, item=item, keep_audio=False,
        decisions={-1: ("redact", "A passer-by"), -2: ("reasonable", "A police officer on duty")},
    )  # fmt: skip
    assert item_rendering(item, mode="blur", shape="box").manual == (((1, 0.0, 0.0, 10.0, 10.0),),)

    item = review_save_boxes(actor=handler, item=item, boxes=[box((2, 50, 50, 10, 10), was=2)])
    (decision,) = ThirdPartyDecision.objects.filter(item=item)
    assert (decision.track_id, decision.decision) == (-1, "reasonable")
    assert item_rendering(item, mode="blur", shape="box").manual == ()  # shown: not covered
    assert item_problems(item) == []


# The review can change only in review, and a change withdraws the submission ---------------


def test_a_change_after_submission_withdraws_it(handler: Any) -> None:
    from dsar.answer.approval import answer_submit

    item = decide_all(review_mark_requester(actor=handler, item=make_item(searching_ticket(handler)), tracks=[1]),
                      handler)  # fmt: skip
    answer_submit(actor=handler, request=item.request)
    assert ResponseReview.objects.filter(request=item.request).exists()

    review_save_boxes(actor=handler, item=item, boxes=[box((4, 10, 10, 30, 30))])
    assert not ResponseReview.objects.filter(request=item.request).exists()
    assert "Submission for approval withdrawn" in steps(item.request)[-1].message
    # Saving the same thing again changes nothing and writes nothing.
    count = len(steps(item.request))
    review_save_boxes(actor=handler, item=item, boxes=[box((4, 10, 10, 30, 30))])
    assert len(steps(item.request)) == count


def test_an_approved_answer_cannot_be_changed(handler: Any, client: Client) -> None:
    item = make_item(searching_ticket(handler))
    DataSubjectRequest.objects.filter(pk=item.request_id).update(status=Status.APPROVED)
    with pytest.raises(DsarError, match="cannot be changed: it is Approved"):
        review_mark_requester(actor=handler, item=item, tracks=[1])
    logged_in(client, handler)
    response = client.post(review_url(item, "answer_item_requester"), {"requester": ["1"]}, follow=True)
    assert "cannot be changed: it is Approved" in response.content.decode()
    assert "The request is approved: the review can be changed only while" in response.content.decode()


def test_a_clip_left_out_is_not_reviewed(handler: Any) -> None:
    item = make_item(searching_ticket(handler))
    ResponseItem.objects.filter(pk=item.pk).update(included=False, drop_reason="Wrong camera")
    with pytest.raises(DsarError, match="left out of the answer"):
        review_mark_requester(actor=handler, item=item, tracks=[1])

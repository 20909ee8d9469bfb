"""The review of a footage answer's clips through the services and the pages: the
requester's tracks, the boxes drawn by hand and their validation, the decision on every
other person, the track boxes the player draws, the quick preview (a short redacted copy
in which a box drawn by hand really covers a face), the missed-face check, and who may
see what. Real ffmpeg and the real face model where footage is involved."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image

from compliance.jobs import execute
from compliance.models import JobRun, JobStatus
from dsar.answer.preview import review_preview
from dsar.answer.review import (
    DEFAULT_REASON,
    item_problems,
    item_rendering,
    review_mark_requester,
    review_save_boxes,
    review_save_decisions,
    third_parties,
)
from dsar.models import DataSubjectRequest, ResponseItem, ResponseReview, Status, ThirdPartyDecision
from dsar.services import DsarError, dsar_start_search, dsar_verify_identity
from media_processing.engine import Limits, Tools
from media_processing.engine.detection import video_frames
from media_processing.engine.detection.base import Box
from media_processing.engine.detection.centerface import CenterFace
from media_processing.engine.track_store import TrackStore
from media_processing.models import Clip, ClipStatus, RedactedCopy, TrackSet
from media_processing.services.redaction import redaction_detect_request
from tests.support.dsar import make_request, steps
from tests.support.footage import events, logged_in, make_camera
from tests.support.media import count_frames, make_face_video

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]
T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SECONDS, RATE = 6, 10  # the face video: 60 frames, 400 x 400


# Building tickets, clips and items -------------------------------------------------------


def searching_ticket(actor: Any) -> DataSubjectRequest:
    ticket = dsar_verify_identity(actor=actor, request=make_request(actor))
    return dsar_start_search(actor=actor, request=ticket)


def make_clip(ticket: DataSubjectRequest, source: Path | None = None, camera: str = "Entrance") -> Clip:
    """A ready clip whose file is `source` (some bytes that are no video without it)."""
    relative = f"clips/{ticket.pk}-{camera}.mp4"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes() if source is not None else b"video bytes")
    return Clip.objects.create(
        camera=make_camera(camera), requested_start=T0, requested_end=T0 + timedelta(seconds=SECONDS),
        reason="Access request", reference=ticket.reference, file=relative, status=ClipStatus.READY,
        duration_seconds=SECONDS,
    )  # fmt: skip


def fake_track_set(clip: Clip, tracks: tuple[int, ...] = (1, 2)) -> TrackSet:
    """A detection store row whose file is not needed (the review reads its summaries)."""
    frames = SECONDS * RATE
    summaries = [
        {"track_id": track, "label": "face", "first_frame": 0, "last_frame": frames - 1, "first_s": 0.0,
         "last_s": (frames - 1) / RATE, "best_frame": 0, "best_box": {"x": 10, "y": 10, "w": 50, "h": 50}}
        for track in tracks
    ]  # fmt: skip
    return TrackSet.objects.create(
        clip=clip, file="tracks/x.npz", sha256="0" * 64, size=1, frame_count=frames, fps=float(RATE), width=400,
        height=400, track_count=len(tracks), detection_count=len(tracks), tracks=summaries,
    )  # fmt: skip


def make_item(ticket: DataSubjectRequest, *, clip: Clip | None = None, track_set: bool = True) -> ResponseItem:
    clip = clip or make_clip(ticket)
    return ResponseItem.objects.create(
        request=ticket, clip=clip, position=1, track_set=fake_track_set(clip) if track_set else None
    )


def box(*keyframes: tuple[int, float, float, float, float], was: int | None = None) -> dict[str, Any]:
    keys = [dict(zip(("frame", "x", "y", "w", "h"), key, strict=True)) for key in keyframes]
    return {"keyframes": keys, "note": "", **({"was": was} if was is not None else {})}


def decide_all(item: ResponseItem, actor: Any, choice: str = "redact") -> ResponseItem:
    decisions = {party.key: (choice, "Not the requester") for party in third_parties(item)}
    return review_save_decisions(actor=actor, item=item, decisions=decisions, keep_audio=False)


def detected(clip: Clip, user: Any) -> TrackSet:
    job = redaction_detect_request(footage=clip, user=user, ip=None)
    execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return TrackSet.objects.get(job_id=job.pk)


@pytest.fixture(scope="module")
def face_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_face_video(tmp_path_factory.mktemp("video") / "astronaut.mp4", seconds=SECONDS, rate=RATE)


@pytest.fixture
def real_item(handler: Any, face_video: Path) -> ResponseItem:
    """A clip of the face video with its faces found by the real detection job."""
    ticket = searching_ticket(handler)
    clip = make_clip(ticket, face_video)
    return ResponseItem.objects.create(request=ticket, clip=clip, position=1, track_set=detected(clip, handler))


def track_set_of(item: ResponseItem) -> TrackSet:
    assert item.track_set is not None
    return item.track_set


def store_of(item: ResponseItem) -> TrackStore:
    return TrackStore.load(Path(track_set_of(item).file.path))


def review_url(item: ResponseItem, name: str = "answer_review", *extra: int) -> str:
    if name in ("answer_review", "answer_submit", "answer_approve"):
        return reverse(f"dsar:{name}", args=[item.request_id])
    return reverse(f"dsar:{name}", args=[item.request_id, item.pk, *extra])


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


# The pages ----------------------------------------------------------------------------------


def test_the_page_forms_save_through_the_services(handler: Any, client: Client) -> None:
    item = make_item(searching_ticket(handler))
    logged_in(client, handler)
    client.post(review_url(item, "answer_item_requester"), {"requester": ["2"]})
    item.refresh_from_db()
    assert item.requester_tracks == [2]

    response = client.post(review_url(item, "answer_item_boxes"), {"boxes": "[{not json"})
    assert "The boxes are not valid JSON" in client.get(response["Location"]).content.decode()
    response = client.post(review_url(item, "answer_item_boxes"), {"boxes": '[{"keyframes": [{"frame": 99}]}]'})
    assert "is incomplete" in client.get(response["Location"]).content.decode()
    client.post(review_url(item, "answer_item_boxes"), {"boxes": '[{"keyframes": [{"frame": 3, "x": 1, "y": 2, '
                                                                  '"w": 30, "h": 40}], "was": null}]'})  # fmt: skip
    item.refresh_from_db()
    assert item.manual_boxes == [{"keyframes": [{"frame": 3, "x": 1.0, "y": 2.0, "w": 30.0, "h": 40.0}], "note": ""}]

    response = client.post(review_url(item, "answer_item_requester"), {"requester": ["x"]})
    assert "not valid" in client.get(response["Location"]).content.decode()


def test_who_may_open_the_review(handler: Any, dpo: Any, auditor: Any, outsider: Any, client: Client) -> None:
    item = make_item(searching_ticket(handler))
    other = make_item(searching_ticket(handler), clip=make_clip(item.request, camera="Yard"))
    for user, status in ((auditor, 403), (outsider, 403), (dpo, 200), (handler, 200)):
        logged_in(client, user)
        assert client.get(review_url(item)).status_code == status
    # A clip of another request is not found through this one.
    wrong = reverse("dsar:answer_item_tracks", args=[item.request_id, other.pk])
    assert client.get(wrong).status_code == 404
    assert client.post(reverse("dsar:answer_item_requester", args=[item.request_id, other.pk])).status_code == 404


def test_the_clip_plays_under_a_logged_view_with_the_reference(
    real_item: ResponseItem, handler: Any, client: Client
) -> None:
    logged_in(client, handler)
    page = client.get(review_url(real_item)).content.decode()
    clip = real_item.clip
    (view,) = events("footage.view", clip)
    assert view.actor_id == handler.pk and view.reason == f"DSAR answer review [{real_item.request.reference}]"
    track = track_set_of(real_item).tracks[0]["track_id"]
    assert reverse("media_processing:track_thumbnail", args=[real_item.track_set_id, track]) in page
    assert (
        client.get(reverse("media_processing:track_thumbnail", args=[real_item.track_set_id, track])).status_code == 200
    )

    response = client.get(review_url(real_item, "answer_item_clip"), HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206 and len(b"".join(response.streaming_content)) == 100  # type: ignore[attr-defined]
    assert len(events("footage.view", clip)) == 1  # the player's requests ride on the logged grant


def test_the_track_boxes_endpoint_serves_every_box_of_the_store(
    real_item: ResponseItem, handler: Any, client: Client
) -> None:
    logged_in(client, handler)
    data = client.get(review_url(real_item, "answer_item_tracks")).json()
    store = store_of(real_item)
    assert (data["fps"], data["width"], data["height"], data["frames"]) == (10.0, 400, 400, SECONDS * RATE)
    assert len(data["boxes"]) == len(store) > SECONDS * RATE * 0.8  # the face is on (nearly) every frame
    row = data["boxes"][0]
    first = store.observations(0, 0)[0]
    assert row[:2] == [first.frame, first.track_id]
    assert all(abs(a - b) <= 0.05 for a, b in zip(row[2:], (first.x, first.y, first.w, first.h), strict=True))
    assert {row["id"] for row in data["tracks"]} == set(store.labels)

    # The file changed under the row: refused rather than drawn wrong.
    Path(track_set_of(real_item).file.path).write_bytes(b"not the store")
    response = client.get(review_url(real_item, "answer_item_tracks"))
    assert response.status_code == 404 and "were changed" in response.json()["error"]


def test_without_detections_the_page_says_what_to_do(handler: Any, client: Client) -> None:
    item = make_item(searching_ticket(handler), track_set=False)
    logged_in(client, handler)
    page = client.get(review_url(item)).content.decode()
    assert "have not been found yet" in page
    assert client.get(review_url(item, "answer_item_tracks")).status_code == 404


# Previews and the missed-face check ---------------------------------------------------------


def run_preview(item: ResponseItem, user: Any, at_s: float | None) -> RedactedCopy:
    job = review_preview(actor=user, item=item, at_s=at_s)
    execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return RedactedCopy.objects.get(job_id=job.pk)


def face_boxes(path: Path, faces: CenterFace) -> list[list[Box]]:
    return [faces.detect(frame.image) for frame in video_frames(path, tools=Tools(), limits=Limits())]


def around(store: TrackStore, frame: int) -> tuple[int, float, float, float, float]:
    """A keyframe covering every box of `frame` with a margin."""
    found = list(store.covers_at(frame).values())
    left, top = min(b.x for b in found), min(b.y for b in found)
    right, bottom = max(b.x + b.w for b in found), max(b.y + b.h for b in found)
    pad = 0.3 * max(right - left, bottom - top)
    left, top = max(0.0, left - pad), max(0.0, top - pad)
    right, bottom = min(400.0, right + pad), min(400.0, bottom + pad)
    return frame, left, top, right - left, bottom - top


def seen(before: list[Box], after: list[Box]) -> bool:
    return any(face.iou(box) >= 0.3 for face in before for box in after)


def test_a_quick_preview_is_short_and_a_box_drawn_by_hand_covers_the_face(
    real_item: ResponseItem, handler: Any
) -> None:
    store = store_of(real_item)
    everyone = sorted(store.labels)
    # The face is the requester, so only the box drawn by hand (clip frames 10 to 30) covers it.
    item = review_mark_requester(actor=handler, item=real_item, tracks=everyone)
    item = review_save_boxes(actor=handler, item=item, boxes=[box(around(store, 10), around(store, 30))])

    copy = run_preview(item, handler, at_s=0.5)
    output = Path(copy.file.path)
    assert (copy.start_s, copy.end_s) == (0.5, 5.5) and count_frames(output) == 50
    job = JobRun.objects.get(kind="footage.redact")
    assert copy.job_id == job.pk and copy.keep_tracks == everyone
    assert job.arguments["manual_boxes"][0]["keyframes"][0]["frame"] == 10  # frames of the whole clip
    assert copy.record["manual_boxes"][0]["keyframes"][0]["frame"] == 5  # counted from the preview's start

    faces = CenterFace()
    original = face_boxes(Path(item.clip.file.path), faces)[5:55]
    after = face_boxes(output, faces)
    assert all(original[5:26]) and all(original[35:])  # the test means something
    assert not any(seen(original[index], after[index]) for index in range(5, 26))  # clip frames 10..30: covered
    assert all(seen(original[index], after[index]) for index in range(35, 50))  # after the box: the requester


def test_the_preview_is_refused_with_a_reason_while_one_is_made(real_item: ResponseItem, handler: Any) -> None:
    review_preview(actor=handler, item=real_item, at_s=1.0)
    with pytest.raises(DsarError, match="already waiting or running"):
        review_preview(actor=handler, item=real_item, at_s=2.0)
    with pytest.raises(DsarError, match="Choose a moment"):
        review_preview(actor=handler, item=real_item, at_s=float("nan"))


def test_the_missed_face_check_shows_frames_of_the_whole_preview(
    real_item: ResponseItem, handler: Any, client: Client
) -> None:
    logged_in(client, handler)
    check = review_url(real_item, "answer_item_check")
    assert "no preview of the whole clip yet" in client.get(check).content.decode()

    response = client.post(review_url(real_item, "answer_item_preview"), {"whole": "1", "t": "2.0"})
    assert response.status_code == 302
    fragment = client.get(review_url(real_item, "answer_item_previews")).content.decode()
    assert 'hx-trigger="every 2s"' in fragment  # follows the job until it ends
    job = JobRun.objects.get(kind="footage.redact")
    assert (job.arguments["start_s"], job.arguments["end_s"]) == (None, None)
    assert not RedactedCopy.objects.exists()
    execute(job.pk)
    copy = RedactedCopy.objects.get(job_id=job.pk)
    fragment = client.get(review_url(real_item, "answer_item_previews")).content.decode()
    assert "every 2s" not in fragment and "Preview of the whole clip" in fragment
    assert reverse("dsar:answer_preview_video", args=[real_item.request_id, real_item.pk, copy.pk]) in fragment

    page = client.get(check).content.decode()
    sources = [
        reverse("dsar:answer_check_frame", args=[real_item.request_id, real_item.pk, copy.pk, i]) for i in range(3)
    ]
    assert all(src in page for src in sources)  # every 2 s of a 6-second clip
    assert page.count("<img ") == 3
    assert f"?item={real_item.pk}&amp;t=4.000#item-{real_item.pk}" in page  # jumps the player there
    frame = client.get(sources[2])
    assert frame["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(frame.content)) as picture:
        assert picture.size == (400, 400)
    beyond = reverse("dsar:answer_check_frame", args=[real_item.request_id, real_item.pk, copy.pk, 3])
    assert client.get(beyond).status_code == 404
    video = client.get(reverse("dsar:answer_preview_video", args=[real_item.request_id, real_item.pk, copy.pk]))
    assert video.status_code == 200 and video["Content-Type"] == "video/mp4"
    assert len(events("footage.view", real_item.clip)) == 1


def test_a_detection_finished_since_the_search_page_is_picked_up_by_the_review(
    real_item: ResponseItem, handler: Any, client: Client
) -> None:
    linked = real_item.track_set
    assert linked is not None
    Clip.objects.filter(pk=real_item.clip_id).update(sha256=linked.source_sha256)  # as the cut leaves it
    ResponseItem.objects.filter(pk=real_item.pk).update(track_set=None)
    logged_in(client, handler)
    page = client.get(review_url(real_item)).content.decode()
    real_item.refresh_from_db()
    assert real_item.track_set == linked
    assert "have not been found yet" not in page

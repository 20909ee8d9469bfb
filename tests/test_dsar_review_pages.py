"""The review pages: the forms, who may open them, the clip and track boxes the player
uses, the quick preview (a short redacted copy in which a box drawn by hand really covers
a face) and the missed-face check. Real ffmpeg and the real face model."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from compliance.jobs import execute
from compliance.models import JobRun, JobStatus
from dsar.answer.preview import review_preview
from dsar.answer.review import (
    review_mark_requester,
    review_save_boxes,
)
from dsar.models import ResponseItem
from dsar.services import DsarError
from media_processing.engine import Limits, Tools
from media_processing.engine.detection import video_frames
from media_processing.engine.detection.base import Box
from media_processing.engine.detection.centerface import CenterFace
from media_processing.engine.track_store import TrackStore
from media_processing.models import Clip, RedactedCopy
from tests.support.footage import events, logged_in
from tests.support.media import count_frames, make_face_video
from tests.support.review import (
    RATE,
    SECONDS,
    box,
    detected,
    make_clip,
    make_item,
    review_url,
    searching_ticket,
    store_of,
    track_set_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]


@pytest.fixture(scope="module")
def face_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_face_video(tmp_path_factory.mktemp("video") / "astronaut.mp4", seconds=SECONDS, rate=RATE)


@pytest.fixture
def real_item(handler: Any, face_video: Path) -> ResponseItem:
    """A clip of the face video with its faces found by the real detection job."""
    ticket = searching_ticket(handler)
    clip = make_clip(ticket, face_video)
    return ResponseItem.objects.create(request=ticket, clip=clip, position=1, track_set=detected(clip, handler))


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

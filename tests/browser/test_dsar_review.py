"""The review of a footage answer in a real browser: the clip plays with the detected
tracks drawn over it, a click on a track marks the requester, a box is drawn with the
mouse on a paused frame and saved, the proposed decisions are accepted, and the review is
submitted for approval, all under the Content-Security-Policy without a script error."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from compliance.jobs import execute
from compliance.models import JobStatus
from dsar.models import DataSubjectRequest, ResponseItem, ResponseReview, Status, ThirdPartyDecision
from dsar.services import dsar_start_search, dsar_verify_identity
from media_processing.engine.track_store import TrackStore
from media_processing.models import Clip, ClipStatus, TrackSet
from media_processing.services.redaction import redaction_detect_request
from tests.browser.conftest import Login, watch_for_errors
from tests.support.dsar import make_request
from tests.support.footage import events, make_camera
from tests.support.media import make_face_video

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("vault_key", "redis_db"),
]
T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def prepared_item(handler: Any, source: Path) -> ResponseItem:
    """A request being searched with one clip whose faces the real detection job found."""
    ticket = dsar_verify_identity(actor=handler, request=make_request(handler))
    ticket = dsar_start_search(actor=handler, request=ticket)
    relative = f"clips/{ticket.pk}.mp4"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())
    clip = Clip.objects.create(
        camera=make_camera(), requested_start=T0, requested_end=T0 + timedelta(seconds=3), reason="Access request",
        reference=ticket.reference, file=relative, status=ClipStatus.READY, duration_seconds=3,
    )  # fmt: skip
    job = redaction_detect_request(footage=clip, user=handler, ip=None)
    execute(job.pk)  # the real detection job, run here rather than by a worker
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return ResponseItem.objects.create(request=ticket, clip=clip, track_set=TrackSet.objects.get(job_id=job.pk))


def test_a_handler_marks_the_requester_draws_a_box_and_submits(
    page: Page, handler: Any, login: Login, data_dir: Path, tmp_path: Path
) -> None:
    item = prepared_item(handler, make_face_video(tmp_path / "astronaut.mp4", seconds=3, rate=10))
    assert item.track_set is not None
    track = item.track_set.tracks[0]["track_id"]
    problems = watch_for_errors(page)

    login(page, handler)
    with page.expect_response(re.compile(r"/tracks\.json$")) as boxes:
        page.goto(f"/dsar/{item.request_id}/answer/review/")
    assert boxes.value.ok
    expect(page.get_by_role("heading", level=1, name=re.compile("Review of the footage answer"))).to_be_visible()
    # The player is ready and the overlay has the tracks once the script has read them.
    page.wait_for_function("() => document.querySelector('.review-video').readyState >= 2")
    expect(page.get_by_role("button", name="Draw a box")).to_be_visible()
    expect(page.locator(".review-overlay")).to_be_visible()
    assert len(events("footage.view", item.clip)) == 1

    # A click on the track's box over the first frame marks the requester.
    face = TrackStore.load(Path(item.track_set.file.path)).covers_at(0)[track]
    overlay = page.locator(".review-overlay")
    overlay.scroll_into_view_if_needed()
    area = overlay.bounding_box()
    assert area is not None and area["width"] > 100
    scale = area["width"] / item.track_set.width
    overlay.click(position={"x": (face.x + face.w / 2) * scale, "y": (face.y + face.h / 2) * scale})
    expect(page.get_by_text("The requester's tracks are saved.")).to_be_visible()
    expect(page.get_by_label(f"Track {track} is the requester")).to_be_checked()
    expect(page.get_by_role("button", name=f"Track {track} (face): mark or unmark as the requester")).to_be_visible()
    item.refresh_from_db()
    assert item.requester_tracks == [track]

    # A box drawn with the mouse on a paused frame, at about a fifth of the picture.
    page.wait_for_function("() => document.querySelector('.review-video').readyState >= 2")
    page.get_by_role("button", name="Next frame").click()
    page.get_by_role("button", name="Draw a box").click()
    overlay.scroll_into_view_if_needed()
    area = overlay.bounding_box()
    assert area is not None
    page.mouse.move(area["x"] + 0.1 * area["width"], area["y"] + 0.1 * area["height"])
    page.mouse.down()
    page.mouse.move(area["x"] + 0.3 * area["width"], area["y"] + 0.35 * area["height"], steps=5)
    page.mouse.up()
    expect(page.get_by_role("status").filter(has_text="Box 1: keyframe at")).to_be_visible()
    page.get_by_role("button", name="Save the boxes").click()
    expect(page.get_by_text("The boxes drawn by hand are saved.")).to_be_visible()
    item.refresh_from_db()
    ((key,),) = [manual["keyframes"] for manual in item.manual_boxes]
    assert key["frame"] == 1  # the frame the player was paused on
    for value, expected in ((key["x"], 40), (key["y"], 40), (key["w"], 80), (key["h"], 100)):
        assert abs(value - expected) <= 4, item.manual_boxes

    # The proposed decisions (cover, with the default reason) accepted, then submitted.
    expect(page.get_by_text("Box 1 drawn by hand").first).to_be_visible()
    page.get_by_role("button", name="Save the decisions").click()
    expect(page.get_by_text("The decisions are saved.")).to_be_visible()
    assert ThirdPartyDecision.objects.filter(item=item, track_id=-1, decision="redact").exists()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("The review is submitted. Another person must now approve it.")).to_be_visible()
    expect(page.get_by_text("You submitted this review, so another person must approve it")).to_be_visible()

    review = ResponseReview.objects.get(request=item.request)
    assert review.submitted_by == handler and review.approved_at is None
    assert DataSubjectRequest.objects.get(pk=item.request_id).status == Status.IN_REVIEW
    assert problems == []

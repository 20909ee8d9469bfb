"""The footage library in a real browser, end to end: an admin uploads a generated MP4,
a real RQ worker runs the real ingestion pipeline (ffmpeg), the upload row reaches
"Ready", and the camera's day shows the recording on its time line."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from media_processing.models import Recording, RecordingStatus
from tests.browser.conftest import Login, watch_for_errors
from tests.support.footage import make_camera, make_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

INGEST_TIMEOUT_MS = 90_000


def test_admin_uploads_footage_and_sees_it_on_the_camera_time_line(
    page: Page, admin_role: Any, login: Login, worker: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    camera = make_camera(name="Front gate", time_zone="Europe/Brussels")
    video = make_video(tmp_path / "front-gate.mp4", seconds=3)
    problems = watch_for_errors(page)

    login(page, admin_role)
    page.goto("/footage/")
    page.get_by_role("link", name="Upload footage").click()
    expect(page.get_by_role("heading", level=1, name="Upload footage")).to_be_visible()
    page.get_by_label("Camera", exact=True).select_option(label=str(camera))
    page.get_by_label("Start time (camera's local time)").fill("2024-03-05T10:00:00")
    page.get_by_label("Files").set_input_files(str(video))
    page.get_by_role("button", name="Upload", exact=True).click()

    row = page.locator(".upload-row", has_text="front-gate.mp4")
    ready = row.get_by_role("link", name="Ready — view recording")
    expect(ready).to_be_visible(timeout=INGEST_TIMEOUT_MS)

    recording = Recording.objects.get(camera=camera)
    assert recording.status == RecordingStatus.READY
    assert recording.duration_seconds is not None and 2.5 < recording.duration_seconds < 3.5
    ready.click()
    expect(page.get_by_role("heading", level=1, name="Recording front-gate.mp4")).to_be_visible()

    # Playing raw footage asks for a reason first; then the player seeks by range requests.
    page.get_by_role("link", name="Play").click()
    page.get_by_label("Reason").fill("Checking the new camera's picture")
    page.get_by_role("button", name="Play").click()
    player = page.locator("video.player")
    expect(player).to_be_visible()
    page.wait_for_function("document.querySelector('video.player').readyState >= 1")
    assert 2.5 < player.evaluate("video => video.duration") < 3.5

    page.goto(f"/footage/cameras/{camera.pk}/?view=day&date=2024-03-05")
    span = page.locator(f'svg.timeline a[href="/footage/recordings/{recording.pk}/"] rect.span')
    expect(span).to_have_count(1)
    expect(span).to_be_visible()
    assert "10:00:00" in (
        page.locator(f'svg.timeline a[href="/footage/recordings/{recording.pk}/"] title').text_content() or ""
    )
    expect(page.get_by_role("cell", name="front-gate.mp4")).to_be_visible()
    assert problems == []


def test_admin_draws_a_privacy_mask_with_the_mouse(page: Page, admin_role: Any, login: Login) -> None:
    camera = make_camera(name="Car park")
    problems = watch_for_errors(page)

    login(page, admin_role)
    page.goto(f"/footage/cameras/{camera.pk}/")
    page.get_by_role("link", name="Privacy masks").click()
    expect(page.get_by_text("Masks apply to footage ingested from now on")).to_be_visible()
    # The drawing tools appear once the editor's script has run; clicks before that are lost.
    expect(page.get_by_role("button", name="Close polygon")).to_be_visible()
    box = page.locator("#mask-overlay").bounding_box()
    assert box is not None
    for x, y in ((0.1, 0.1), (0.5, 0.1), (0.5, 0.5)):
        page.mouse.click(box["x"] + x * box["width"], box["y"] + y * box["height"])
    page.get_by_role("button", name="Close polygon").click()

    expect(page.get_by_label("Polygon", exact=True)).to_have_value("mask:0")
    expect(page.locator("#mask-shapes polygon.mask")).to_have_count(1)
    page.get_by_role("button", name="Save masks").click()

    expect(page.get_by_text("The privacy masks of Car park were saved.")).to_be_visible()
    camera.refresh_from_db()
    (mask,) = camera.privacy_masks
    assert [[round(x, 1), round(y, 1)] for x, y in mask] == [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5]]
    assert problems == []

"""Redaction in a real browser with a real RQ worker and the real face model: the
section follows the detection job, the track pictures appear after a logged reason,
the requester is kept visible with the keyboard, and the copy appears when made."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from media_processing.models import RedactedCopy, TrackSet
from tests.browser.conftest import Login, watch_for_errors
from tests.support.footage import events, make_camera, make_recording
from tests.support.media import make_face_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

JOB_TIMEOUT_MS = 90_000


def test_a_handler_keeps_the_requester_visible_in_a_redacted_copy(
    page: Page, handler: Any, login: Login, worker: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    video = make_face_video(tmp_path / "astronaut.mp4")
    recording = make_recording(
        make_camera(), datetime(2026, 6, 1, 12, tzinfo=UTC), 1.0, source_file=video, width=400, height=400, fps=10.0
    )
    problems = watch_for_errors(page)

    login(page, handler)
    page.goto(f"/footage/recordings/{recording.pk}/")
    page.get_by_role("button", name="Find faces and plates").click()
    keep = page.get_by_role("checkbox", name=re.compile(r"Keep track \d+ visible"))
    expect(keep.first).to_be_visible(timeout=JOB_TIMEOUT_MS)  # the section refreshed itself
    track_set = TrackSet.objects.get(recording=recording)
    face = next(track["track_id"] for track in track_set.tracks if track["label"] == "face")

    page.get_by_role("link", name="Show the pictures of the tracks").click()
    page.get_by_label("Reason").fill("DSAR 12: which track is the requester?")
    page.get_by_role("button", name="Show the pictures").click()
    picture = page.get_by_role("img", name=re.compile(f"Track {face}, Face"))
    expect(picture).to_be_visible()
    page.wait_for_function(
        "name => [...document.images].some(image => image.alt.startsWith(name) && image.naturalWidth === 160)",
        arg=f"Track {face},",
    )
    assert len(events("footage.view", recording)) == 1

    requester = page.get_by_label(f"Keep track {face} visible")
    requester.focus()
    page.keyboard.press("Space")
    expect(requester).to_be_checked()
    page.get_by_role("button", name="Make a redacted copy").click()
    download = page.get_by_role("link", name="Download the redacted copy")
    expect(download).to_be_visible(timeout=JOB_TIMEOUT_MS)  # the list refreshed itself

    copy = RedactedCopy.objects.get(recording=recording)
    assert copy.keep_tracks == [face] and copy.record["tracks_source"] == "stored"
    assert Path(copy.file.path).is_file()
    assert problems == []

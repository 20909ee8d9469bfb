"""Privacy masks, region of interest and anonymise-at-ingest, through the pipeline."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from compliance.models import JobStatus
from media_processing.models import Camera, Recording, RecordingSource, RecordingStatus
from media_processing.services.ingest import recording_ingest_now, recording_receive
from tests.support.footage import ffprobe, make_camera, make_white_video

pytestmark = pytest.mark.django_db
START = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def ingest(camera: Camera, path: Path) -> Recording:
    recording = recording_receive(
        camera=camera, source=RecordingSource.UPLOAD, path=path, original_name=path.name, take=True,
        requested_start=START,
    )  # fmt: skip
    recording_ingest_now(recording=recording)
    recording.refresh_from_db()
    return recording


def first_frame(path: Path, tmp_path: Path) -> np.ndarray:
    png = tmp_path / "frame.png"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(path), "-frames:v", "1", str(png)], check=True)
    return np.asarray(Image.open(png).convert("L"))


def test_masks_are_filled_black_in_every_stored_frame(media_dirs: Path, tmp_path: Path) -> None:
    camera = make_camera("Shop", privacy_masks=[[[0, 0], [0.5, 0], [0.5, 0.5], [0, 0.5]]])
    recording = ingest(camera, make_white_video(tmp_path / "white.mp4"))
    assert recording.status == RecordingStatus.READY, recording.error
    assert recording.masks_applied
    frame = first_frame(Path(recording.file.path), tmp_path)
    assert frame.shape == (240, 320)
    assert frame[10:110, 10:150].max() < 30  # inside the mask
    assert frame[130:230, 170:310].min() > 220  # outside it


def test_the_region_of_interest_crops_the_picture(media_dirs: Path, tmp_path: Path) -> None:
    camera = make_camera("Till", region_of_interest=[[0.5, 0.5], [1, 0.5], [1, 1], [0.5, 1]])
    recording = ingest(camera, make_white_video(tmp_path / "white.mp4"))
    assert recording.status == RecordingStatus.READY, recording.error
    assert (recording.width, recording.height) == (160, 120) and recording.cropped
    video = next(s for s in ffprobe(Path(recording.file.path))["streams"] if s["codec_type"] == "video")
    assert (video["width"], video["height"]) == (160, 120)


def test_a_masked_still_image(media_dirs: Path, tmp_path: Path) -> None:
    camera = make_camera("Lobby", privacy_masks=[[[0.5, 0], [1, 0], [1, 1], [0.5, 1]]])
    still = tmp_path / "lobby.png"
    Image.new("RGB", (200, 100), (255, 255, 255)).save(still)
    recording = ingest(camera, still)
    assert recording.status == RecordingStatus.READY, recording.error
    pixels = np.asarray(Image.open(recording.file.path).convert("L"))
    assert pixels[:, 110:].max() < 30 and pixels[:, :90].min() > 220
    assert recording.kind == "image" and recording.start == recording.end == START


def test_anonymise_at_ingest_never_stores_an_unredacted_copy(media_dirs: Path, tmp_path: Path) -> None:
    camera = make_camera("Street", anonymise_at_ingest=True)
    recording = recording_receive(
        camera=camera, source=RecordingSource.UPLOAD, path=make_white_video(tmp_path / "w.mp4"),
        original_name="w.mp4", take=True, requested_start=START,
    )  # fmt: skip
    job = recording_ingest_now(recording=recording)
    recording.refresh_from_db()
    assert job.status == JobStatus.FAILED and "anonymise" in job.error
    assert recording.status == RecordingStatus.FAILED and Path(recording.quarantine_path).is_file()
    assert not list((media_dirs / "media").rglob("*.mp4"))


def test_the_same_file_twice_is_refused(media_dirs: Path, tmp_path: Path) -> None:
    camera = make_camera("Twice")
    video = make_white_video(tmp_path / "a.mp4")
    copy = tmp_path / "b.mp4"
    copy.write_bytes(video.read_bytes())
    assert ingest(camera, video).status == RecordingStatus.READY
    second = ingest(camera, copy)
    assert second.status == RecordingStatus.FAILED and "already ingested" in second.error

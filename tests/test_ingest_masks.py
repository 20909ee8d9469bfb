"""Privacy masks, region of interest and anonymise-at-ingest, through the pipeline."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from media_processing.engine import Limits, Tools
from media_processing.engine.detection import load_picture, video_frames
from media_processing.engine.detection.centerface import CenterFace
from media_processing.models import Camera, Recording, RecordingSource, RecordingStatus
from media_processing.services.ingest import recording_ingest_now, recording_receive
from tests.support.footage import ffprobe, make_camera, make_white_video
from tests.support.media import ffmpeg, shared_folder

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


def test_anonymise_at_ingest_keeps_only_the_redacted_copy(media_dirs: Path, tmp_path: Path) -> None:
    camera = make_camera("Street", anonymise_at_ingest=True)
    source = shared_folder("faces/nogt") / "astronaut.png"
    video = tmp_path / "street.mp4"
    ffmpeg(
        *("-loop", "1", "-framerate", "10", "-i", str(source), "-t", "1", "-r", "10"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(video)),
    )
    faces = CenterFace()
    [face] = faces.detect(load_picture(source, limits=Limits()))
    recording = ingest(camera, video)
    assert recording.status == RecordingStatus.READY, recording.error
    assert recording.redaction is not None and recording.redaction["detections"] >= 10
    assert any("redacted" in item for item in recording.metadata_removed)
    stored = Path(recording.file.path)
    for frame in video_frames(stored, tools=Tools(), limits=Limits()):
        assert not any(box.iou(face) >= 0.3 for box in faces.detect(frame.image))
    # Nothing unredacted is kept anywhere: the original and every scratch file are gone.
    assert [path for path in (media_dirs / "media").rglob("*") if path.is_file()] == [stored]
    assert not any((media_dirs / "data" / "incoming").rglob("*.*"))


def test_an_anonymised_still(media_dirs: Path) -> None:
    camera = make_camera("Square", anonymise_at_ingest=True)
    source = shared_folder("faces/nogt") / "astronaut.png"
    copy = media_dirs / "astronaut.png"
    copy.write_bytes(source.read_bytes())
    [face] = CenterFace().detect(load_picture(source, limits=Limits()))
    recording = ingest(camera, copy)
    assert recording.status == RecordingStatus.READY, recording.error
    after = CenterFace().detect(load_picture(Path(recording.file.path), limits=Limits()))
    assert not any(box.iou(face) >= 0.3 for box in after)


def test_the_same_file_twice_is_refused(media_dirs: Path, tmp_path: Path) -> None:
    camera = make_camera("Twice")
    video = make_white_video(tmp_path / "a.mp4")
    copy = tmp_path / "b.mp4"
    copy.write_bytes(video.read_bytes())
    assert ingest(camera, video).status == RecordingStatus.READY
    second = ingest(camera, copy)
    assert second.status == RecordingStatus.FAILED and "already ingested" in second.error

"""Fixtures for the media engine: real ffmpeg, real files, no database.

Small fixtures are generated with ffmpeg's lavfi sources (tests/support/media.py) and
Pillow; the shared real-world corpus is read in place from ../shared/testdata (never copied).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from media_processing.engine import Limits, Tools
from media_processing.engine.detection.base import Box, Detector
from media_processing.engine.detection.frames import video_frames
from tests.support.media import (  # noqa: F401 (the engine tests import these from here)
    TESTDATA,
    corpus_files,
    corpus_params,
    count_frames,
    exiftool,
    ffmpeg,
    ffprobe,
    make_face_video,
    make_video,
    shared_folder,
)


@pytest.fixture
def tools() -> Tools:
    return Tools(probe_timeout_s=30, memory_bytes=2 * 1024**3)


@pytest.fixture
def limits() -> Limits:
    return Limits()


def leftovers(folder: Path) -> list[str]:
    """Names in `folder` other than finished results (temporary files start with a dot)."""
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def boxes_per_frame(path: Path, faces: Detector) -> list[list[Box]]:
    return [faces.detect(frame.image) for frame in video_frames(path, tools=Tools(), limits=Limits())]


def found_again(original: list[list[Box]], redacted: list[list[Box]]) -> list[int]:
    """Frames where the detector still finds a face where there was one: a box of the
    redacted frame overlapping the original face (IoU >= 0.3) or centred inside it."""
    frames = []
    for index, (before, after) in enumerate(zip(original, redacted, strict=True)):
        for face in before:
            for box in after:
                centre_x, centre_y = box.x + box.w / 2, box.y + box.h / 2
                inside = face.x <= centre_x <= face.x + face.w and face.y <= centre_y <= face.y + face.h
                if face.iou(box) >= 0.3 or inside:
                    frames.append(index)
    return frames

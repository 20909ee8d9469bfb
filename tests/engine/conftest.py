"""Fixtures for the media engine: real ffmpeg, real files, no database.

Small fixtures are generated with ffmpeg's lavfi sources (tests/support/media.py) and
Pillow; the shared real-world corpus is read in place from ../shared/testdata (never copied).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from media_processing.engine import Limits, Tools
from tests.support.media import (  # noqa: F401 (the engine tests import these from here)
    TESTDATA,
    corpus_files,
    corpus_params,
    count_frames,
    exiftool,
    ffmpeg,
    ffprobe,
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

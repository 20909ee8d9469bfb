"""Hostile and broken files: a clear MediaError or a clean result, quickly, every time.

Every file of shared/testdata/malformed (bombs, truncated and fuzzed pictures and
videos, payloads in metadata, a 1x1 video with a name starting with "-") goes probe ->
validate -> strip under a wall-clock bound, with the engine's memory limit on every tool.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from media_processing.engine import Limits, MediaError, StripResult, Tools, probe, strip_image, strip_video, validate
from media_processing.engine.errors import CODES

from .conftest import TESTDATA, corpus_params, count_frames, ffprobe, shared_folder

PAYLOADS = (b"<?php", b"phpinfo")


def _ingest(path: Path, out: Path, tools: Tools, limits: Limits) -> StripResult:
    info = probe(path, tools=tools, limits=limits)
    validate(path, info, tools=tools, limits=limits)
    if info.kind == "image":
        return strip_image(path, out, info=info, limits=limits)
    return strip_video(path, out, info=info, keep_audio=True, tools=tools, limits=limits)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("path", corpus_params("malformed"))
def test_bad_input_ends_cleanly(path: Path, tmp_path: Path, tools: Tools) -> None:
    out = tmp_path / "out"
    out.mkdir()
    try:
        result = _ingest(path, out, tools, Limits())
    except MediaError as error:
        assert error.code in CODES
        assert len(error.message) > 20 and error.message.endswith(".")
        assert str(path) not in error.message  # no paths or tool output for users
        assert list(out.iterdir()) == [], "a failed step left a file behind"
        return
    assert [entry.name for entry in out.iterdir()] == [result.path.name], "temporary files left behind"
    _assert_rereadable(result)
    content = result.path.read_bytes()
    assert not [payload for payload in PAYLOADS if payload in content], "metadata payload survived"


def _assert_rereadable(result: StripResult) -> None:
    if result.format in ("mp4", "mkv", "webm"):
        assert ffprobe(result.path)["streams"][0]["codec_type"] == "video"
        assert count_frames(result.path) >= 1
        return
    with Image.open(result.path) as stored:
        stored.load()
        assert min(stored.size) >= Limits().min_side


@pytest.mark.parametrize(
    ("relative", "code"),
    [
        ("fuzzdb/attack/file-upload/malicious-images/lottapixel.jpg", "too-many-pixels"),
        ("Pillow/Tests/images/decompression_bomb.gif", "too-many-pixels"),
        ("jpeg-decoder/tests/crashtest/images/max_size.jpg", "too-many-pixels"),
        ("jpeg-decoder/tests/crashtest/images/empty.jpg", "empty"),
        ("Pillow/Tests/images/truncated_jpeg.jpg", "decode-failed"),
        ("moviepy/media/test_video.mp4", "too-small"),
        ("exif-samples/jpg/invalid/README", "unsupported"),
    ],
)
def test_known_cases(relative: str, code: str, tmp_path: Path, tools: Tools) -> None:
    path = shared_folder("malformed") / relative
    with pytest.raises(MediaError) as caught:
        _ingest(path, tmp_path, tools, Limits())
    assert caught.value.code == code


def test_name_starting_with_a_dash_is_only_a_name(tmp_path: Path, tools: Tools) -> None:
    # The file is the same 1x1 video as test_video.mp4: rejected for its size, never for its name.
    path = shared_folder("malformed") / "moviepy/media/-video-with-dash-.mp4"
    with pytest.raises(MediaError) as caught:
        _ingest(path, tmp_path, tools, Limits())
    assert caught.value.code == "too-small"
    result = _ingest(path, tmp_path, tools, Limits(min_side=1))
    assert count_frames(result.path) == 5


def test_corpus_is_where_the_readme_says() -> None:
    folder = shared_folder("malformed")
    assert folder == TESTDATA / "malformed"
    assert len([path for path in folder.rglob("*") if path.is_file()]) >= 250

"""validate: footage we can work with, or a clear reason why not."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from media_processing.engine import Limits, MediaError, Tools, probe, validate

from .conftest import ffmpeg, make_video


def _check(path: Path, tools: Tools, limits: Limits) -> None:
    validate(path, probe(path, tools=tools, limits=limits), tools=tools, limits=limits)


def _code(path: Path, tools: Tools, limits: Limits) -> str:
    with pytest.raises(MediaError) as caught:
        _check(path, tools, limits)
    assert caught.value.message
    return caught.value.code


def test_good_video_and_picture_pass(tmp_path: Path, tools: Tools, limits: Limits) -> None:
    _check(make_video(tmp_path / "clip.mp4"), tools, limits)
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (64, 48), "white").save(photo)
    _check(photo, tools, limits)


def test_sound_only_has_no_video_stream(tmp_path: Path, tools: Tools, limits: Limits) -> None:
    sound = tmp_path / "voice.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", str(sound))
    assert _code(sound, tools, limits) == "no-video-stream"


def test_one_pixel_video_is_too_small(tmp_path: Path, tools: Tools, limits: Limits) -> None:
    tiny = make_video(tmp_path / "tiny.mp4", size="2x2", audio=False)
    assert _code(tiny, tools, limits) == "too-small"


def test_too_long(tmp_path: Path, tools: Tools) -> None:
    video = make_video(tmp_path / "clip.mp4", audio=False)
    assert _code(video, tools, Limits(max_duration_s=1)) == "too-long"
    assert _code(video, tools, Limits(max_frames=10)) == "too-long"


def test_truncated_picture_fails_the_decode_test(tmp_path: Path, tools: Tools, limits: Limits) -> None:
    photo = tmp_path / "photo.jpg"
    Image.effect_noise((256, 256), 64).convert("RGB").save(photo, quality=90)
    data = photo.read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[: len(data) // 2])
    assert _code(cut, tools, limits) == "decode-failed"


def test_a_library_that_tolerates_truncated_pictures_does_not_weaken_the_test(
    tmp_path: Path, tools: Tools, limits: Limits
) -> None:
    """WeasyPrint switches Pillow's global tolerance on when it is imported (for a PDF);
    the decode test must still refuse a cut picture, and leave the switch as it was."""
    from PIL import ImageFile

    photo = tmp_path / "photo.jpg"
    Image.effect_noise((256, 256), 64).convert("RGB").save(photo, quality=90)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(photo.read_bytes()[: photo.stat().st_size // 2])
    before = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        ImageFile.LOAD_TRUNCATED_IMAGES = True
        assert _code(cut, tools, limits) == "decode-failed"
        assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def test_video_whose_pictures_cannot_be_decoded(tmp_path: Path, tools: Tools, limits: Limits) -> None:
    video = make_video(tmp_path / "clip.mkv", audio=False)
    header = video.read_bytes()[:1200]  # the headers (duration included), but no picture data
    broken = tmp_path / "broken.mkv"
    broken.write_bytes(header)
    assert probe(broken, tools=tools, limits=limits).duration_s
    assert _code(broken, tools, limits) == "decode-failed"


def test_animated_webp_is_decoded_with_pillow(tmp_path: Path, tools: Tools, limits: Limits) -> None:
    frames = [Image.new("RGB", (64, 48), (value, 0, 0)) for value in (0, 120, 240)]
    path = tmp_path / "anim.webp"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    _check(path, tools, limits)

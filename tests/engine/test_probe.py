"""probe: what a file is, without decoding it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image

from media_processing.engine import Limits, MediaError, Tools, probe

from .conftest import ffmpeg, make_video


def _jpeg_with_exif(path: Path, *, size: tuple[int, int] = (64, 48), **tags: object) -> Path:
    exif = Image.Exif()
    sub = exif.get_ifd(0x8769)
    for name, value in tags.items():
        if name == "Orientation":
            exif[0x0112] = value
        else:
            sub[{"DateTimeOriginal": 0x9003, "OffsetTimeOriginal": 0x9011}[name]] = value
    Image.new("RGB", size, (200, 30, 30)).save(path, exif=exif)
    return path


def test_video_facts(tmp_path: Path, tools: Tools, limits: Limits) -> None:
    video = make_video(tmp_path / "clip.mp4", extra=("-metadata", "creation_time=2024-05-01T10:00:00Z"))
    info = probe(video, tools=tools, limits=limits)
    assert (info.kind, info.format, info.width, info.height) == ("video", "mp4", 320, 240)
    assert info.duration_s == pytest.approx(2.0, abs=0.1)
    assert info.fps == pytest.approx(25)
    assert (info.video_codec, info.audio_codec, info.has_audio) == ("h264", "aac", True)
    assert [stream.kind for stream in info.streams] == ["video", "audio"]
    assert info.creation_time == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def test_rotated_video_reports_the_displayed_size(tmp_path: Path, tools: Tools, limits: Limits) -> None:
    plain = make_video(tmp_path / "plain.mp4", audio=False)
    rotated = tmp_path / "rotated.mp4"
    ffmpeg("-i", str(plain), "-c", "copy", "-metadata:s:v", "rotate=90", str(rotated))
    info = probe(rotated, tools=tools, limits=limits)
    assert (info.width, info.height) == (240, 320)


def test_exif_time_without_offset_is_naive_camera_time(tmp_path: Path, tools: Tools, limits: Limits) -> None:
    photo = _jpeg_with_exif(tmp_path / "local.jpg", DateTimeOriginal="2023:07:14 09:30:00")
    info = probe(photo, tools=tools, limits=limits)
    assert (info.kind, info.format) == ("image", "jpeg")
    assert info.creation_time == datetime(2023, 7, 14, 9, 30)
    assert info.creation_time.tzinfo is None


def test_exif_time_with_offset_is_aware(tmp_path: Path, tools: Tools, limits: Limits) -> None:
    photo = _jpeg_with_exif(tmp_path / "zoned.jpg", DateTimeOriginal="2023:07:14 09:30:00", OffsetTimeOriginal="+02:00")
    moment = probe(photo, tools=tools, limits=limits).creation_time
    assert moment == datetime(2023, 7, 14, 9, 30, tzinfo=timezone(timedelta(hours=2)))


def test_exif_orientation_swaps_the_displayed_size(tmp_path: Path, tools: Tools, limits: Limits) -> None:
    photo = _jpeg_with_exif(tmp_path / "turned.jpg", size=(64, 48), Orientation=6)
    info = probe(photo, tools=tools, limits=limits)
    assert (info.width, info.height) == (48, 64)


def test_animated_gif_and_webp_are_videos(tmp_path: Path, tools: Tools, limits: Limits) -> None:
    frames = [Image.new("RGB", (64, 48), (value, 0, 0)) for value in (0, 80, 160, 240)]
    for suffix in ("gif", "webp"):
        path = tmp_path / f"anim.{suffix}"
        frames[0].save(path, save_all=True, append_images=frames[1:], duration=250, loop=0)
        info = probe(path, tools=tools, limits=limits)
        assert (info.kind, info.format, info.animated) == ("video", suffix, True)
        assert info.duration_s == pytest.approx(1.0, abs=0.05)


def test_file_name_starting_with_dash_and_containing_colon(tmp_path: Path, tools: Tools, limits: Limits) -> None:
    hostile = make_video(tmp_path / "plain.mp4", audio=False).rename(tmp_path / "-i concat:x.mp4")
    assert probe(hostile, tools=tools, limits=limits).kind == "video"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.mp4", b"", "empty"),
        ("notes.txt", b"just some notes, not a picture\n" * 10, "unsupported"),
        # A playlist would make ffmpeg open other files (or URLs): refused before any demuxer runs.
        (
            "playlist.m3u8",
            b"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n",
            "unsupported",
        ),
        ("cut-short.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, "unreadable"),
    ],
    ids=["empty", "text", "hls-playlist", "truncated-mp4"],
)
def test_bad_files_give_a_clear_error(tmp_path: Path, tools: Tools, name: str, content: bytes, code: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(MediaError) as caught:
        probe(path, tools=tools, limits=Limits())
    assert caught.value.code == code
    assert caught.value.message.endswith(".")


def test_size_is_checked_before_reading(tmp_path: Path, tools: Tools) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * 2048)
    with pytest.raises(MediaError) as caught:
        probe(path, tools=Tools(ffprobe="/nonexistent"), limits=Limits(max_file_bytes=1024))
    assert caught.value.code == "too-large"


def test_picture_over_the_pixel_limit(tmp_path: Path, tools: Tools) -> None:
    path = tmp_path / "wide.png"
    Image.new("L", (400, 300)).save(path)
    for limit in (100_000, 50_000):  # over the limit, and over twice the limit (Pillow's own error)
        with pytest.raises(MediaError) as caught:
            probe(path, tools=tools, limits=Limits(max_pixels=limit))
        assert caught.value.code == "too-many-pixels"


def test_video_over_the_pixel_limit(tmp_path: Path, tools: Tools) -> None:
    video = make_video(tmp_path / "clip.mp4", audio=False)
    with pytest.raises(MediaError) as caught:
        probe(video, tools=tools, limits=Limits(max_pixels=320 * 240 - 1))
    assert caught.value.code == "too-many-pixels"


def test_duration_is_measured_when_the_header_has_none(tmp_path: Path, tools: Tools, limits: Limits) -> None:
    # A WebM written live (as browsers do) has no duration in its header.
    video = make_video(tmp_path / "live.webm", audio=False, codec=("-c:v", "libvpx", "-deadline", "realtime"))
    live = tmp_path / "live-noduration.webm"
    ffmpeg("-i", str(video), "-c", "copy", "-live", "1", "-f", "webm", str(live))
    info = probe(live, tools=tools, limits=limits)
    assert info.format == "webm"
    assert info.duration_s == pytest.approx(2.0, abs=0.2)

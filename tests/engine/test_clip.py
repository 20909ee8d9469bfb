"""cut_clip: joining stretches of consecutive recordings by stream copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from media_processing.engine import MediaError, Segment, Tools, cut_clip
from media_processing.engine.clip import concat_listing

from .conftest import count_frames, ffprobe, leftovers, make_video

GOP_S = 1.0  # keyframe every 25 frames at 25 fps


@pytest.fixture
def recordings(tmp_path: Path) -> list[Path]:
    """Three consecutive 4-second recordings of one camera, a keyframe every second."""
    codec = ("-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast", "-g", "25")
    return [make_video(tmp_path / f"cam1-{index}.mp4", seconds=4, codec=codec) for index in range(3)]


def test_clip_across_two_recordings(recordings: list[Path], tmp_path: Path, tools: Tools) -> None:
    dst = tmp_path / "clips" / "request-7.mp4"
    dst.parent.mkdir()
    seen: list[float] = []
    segments = [Segment(recordings[0], 2.5, 4.0), Segment(recordings[1], 0.0, 1.5)]

    result = cut_clip(segments, dst, tools=tools, progress=seen.append)

    assert result.path == dst
    assert 3.0 - 0.05 <= result.duration_s <= 3.0 + GOP_S + 0.15
    frames = count_frames(dst)
    assert 3.0 * 25 - 2 <= frames <= (3.0 + GOP_S) * 25 + 3
    data = ffprobe(dst)
    assert [s["codec_type"] for s in data["streams"]] == ["video", "audio"]
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert leftovers(dst.parent) == []


def test_recordings_with_different_settings_cannot_be_joined(
    recordings: list[Path], tmp_path: Path, tools: Tools
) -> None:
    other = make_video(tmp_path / "cam2.mp4", seconds=2, size="640x480")
    dst = tmp_path / "clip.mp4"
    with pytest.raises(MediaError) as caught:
        cut_clip([Segment(recordings[0], 0, 1), Segment(other, 0, 1)], dst, tools=tools)
    assert caught.value.code == "unsupported"
    assert "different video settings" in caught.value.message
    assert not dst.exists()


def test_missing_recording(recordings: list[Path], tmp_path: Path, tools: Tools) -> None:
    dst = tmp_path / "clip.mp4"
    with pytest.raises(MediaError) as caught:
        cut_clip([Segment(recordings[0], 0, 1), Segment(tmp_path / "gone.mp4", 0, 1)], dst, tools=tools)
    assert caught.value.code == "unreadable"
    assert not dst.exists()
    assert leftovers(tmp_path) == []


def test_failure_while_cutting_leaves_nothing(recordings: list[Path], tmp_path: Path, tools: Tools) -> None:
    damaged = tmp_path / "damaged.mp4"
    damaged.write_bytes(recordings[0].read_bytes()[:3000])
    dst = tmp_path / "clip.mp4"
    with pytest.raises(MediaError):
        cut_clip([Segment(damaged, 0, 1)], dst, tools=tools)
    assert not dst.exists()
    assert leftovers(tmp_path) == []


def test_invalid_times_are_refused(recordings: list[Path], tmp_path: Path, tools: Tools) -> None:
    for segments in ([], [Segment(recordings[0], 2, 1)], [Segment(recordings[0], -1, 1)]):
        with pytest.raises(ValueError):
            cut_clip(segments, tmp_path / "clip.mp4", tools=tools)


def test_odd_file_names_are_quoted_in_the_list(tmp_path: Path) -> None:
    listing = concat_listing([Segment(tmp_path / "it's -x.mp4", 1, 2)])
    assert f"file 'file:{tmp_path}/it'\\''s -x.mp4'" in listing
    assert "inpoint 1.000000\noutpoint 2.000000" in listing


def test_quoted_names_work_end_to_end(recordings: list[Path], tmp_path: Path, tools: Tools) -> None:
    odd = recordings[0].rename(tmp_path / "-cam 1's:recording.mp4")
    result = cut_clip([Segment(odd, 0, 2)], tmp_path / "clip.mp4", tools=tools)
    assert result.duration_s == pytest.approx(2.0, abs=0.15)

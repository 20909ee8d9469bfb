"""apply_masks: masked areas are black in every frame, the ROI crop has the right size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from media_processing.engine import Limits, Tools, apply_masks, probe, validate_polygon
from media_processing.engine.masks import crop_box

from .conftest import ffmpeg, ffprobe, leftovers

CENTRE = [(0.25, 0.25), (0.75, 0.25), (0.75, 0.75), (0.25, 0.75)]
RIGHT_HALF_TOP = [(0.5, 0.0), (1.0, 0.0), (1.0, 0.5), (0.5, 0.5)]


def _white_video(path: Path, *, size: str = "320x240", seconds: int = 2) -> Path:
    ffmpeg(
        *("-f", "lavfi", "-i", f"color=c=white:s={size}:r=25:d={seconds}"),
        *("-f", "lavfi", "-i", f"sine=d={seconds}"),
        *("-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast", "-c:a", "aac", str(path)),
    )
    return path


def _frames(path: Path, tmp_path: Path) -> list[np.ndarray]:
    """Grey-level pixels of the frames at 0.2 s, 1.0 s and 1.8 s."""
    frames = []
    for index, at in enumerate(("0.2", "1.0", "1.8")):
        still = tmp_path / f"frame{index}.png"
        ffmpeg("-ss", at, "-i", str(path), "-frames:v", "1", str(still))
        with Image.open(still) as image:
            frames.append(np.asarray(image.convert("L"), dtype=np.float64))
    return frames


def test_video_mask_is_black_in_every_frame(tmp_path: Path, tools: Tools) -> None:
    source = _white_video(tmp_path / "white.mp4")
    seen: list[float] = []
    out = apply_masks(
        source,
        tmp_path,
        info=probe(source, tools=tools, limits=Limits()),
        masks=[CENTRE],
        roi=None,
        tools=tools,
        limits=Limits(),
        progress=seen.append,
    )
    assert out.name == "masked.mp4"
    for frame in _frames(out, tmp_path):
        assert frame.shape == (240, 320)
        assert frame[70:170, 90:230].max() < 30  # inside the mask (a few pixels' margin)
        assert frame[:50, :].min() > 220 and frame[:, :70].min() > 220  # outside stays white
    streams = ffprobe(out)["streams"]
    assert [s["codec_type"] for s in streams] == ["video", "audio"]
    assert streams[0]["codec_name"] == "h264"
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)
    assert leftovers(tmp_path) == []


def test_video_roi_is_cropped_and_outside_is_black(tmp_path: Path, tools: Tools) -> None:
    source = _white_video(tmp_path / "white.mp4")
    triangle = [(0.5, 0.0), (1.0, 0.0), (1.0, 0.5)]  # bounding box: top-right quarter
    out = apply_masks(
        source,
        tmp_path,
        info=probe(source, tools=tools, limits=Limits()),
        masks=[],
        roi=triangle,
        tools=tools,
        limits=Limits(),
    )
    stream = ffprobe(out)["streams"][0]
    assert (stream["width"], stream["height"]) == (160, 120)
    for frame in _frames(out, tmp_path):
        assert frame[100:120, 0:20].max() < 30  # bottom-left of the box lies outside the triangle
        assert frame[0:20, 140:160].min() > 220  # top-right corner is inside


def test_odd_roi_gives_even_video_sides(tmp_path: Path, tools: Tools) -> None:
    source = _white_video(tmp_path / "white.mp4", size="322x242", seconds=1)
    roi = [(0.1, 0.1), (0.433, 0.1), (0.433, 0.377), (0.1, 0.377)]
    out = apply_masks(
        source,
        tmp_path,
        info=probe(source, tools=tools, limits=Limits()),
        masks=[],
        roi=roi,
        tools=tools,
        limits=Limits(),
    )
    stream = ffprobe(out)["streams"][0]
    assert stream["width"] % 2 == 0 and stream["height"] % 2 == 0


@pytest.mark.parametrize("suffix", ["png", "jpg"])
def test_picture_mask_and_roi(tmp_path: Path, tools: Tools, suffix: str) -> None:
    source = tmp_path / f"stripped.{suffix}"
    Image.new("RGB", (200, 100), "white").save(source)
    out = apply_masks(
        source,
        tmp_path,
        info=probe(source, tools=tools, limits=Limits()),
        masks=[[(0.5, 0.0), (0.75, 0.0), (0.75, 0.5), (0.5, 0.5)]],
        roi=RIGHT_HALF_TOP,
        tools=tools,
        limits=Limits(),
    )
    assert out.name == f"masked.{suffix}"
    with Image.open(out) as masked:
        assert masked.size == (100, 50)
        pixels = np.asarray(masked.convert("L"), dtype=np.float64)
    assert pixels[5:45, 5:45].max() < 30  # the mask, now at the left of the crop
    assert pixels[5:45, 55:95].min() > 220


def test_polygons_are_checked() -> None:
    assert validate_polygon([[0, 0], [1, 0], (0.5, 1)]) == [(0.0, 0.0), (1.0, 0.0), (0.5, 1.0)]
    for bad, message in [
        ([[0, 0], [1, 1]], "at least 3"),
        ([[0, 0], [1.2, 0], [0, 1]], "outside"),
        ([[0, 0], [True, 0], [0, 1]], "two numbers"),
        ([[0, 0], ["1", 0], [0, 1]], "two numbers"),
        ([[0, 0, 0], [1, 0], [0, 1]], "pair"),
        ("0,0 1,0 0,1", "list"),
        ([[0, 0], [float("nan"), 0], [0, 1]], "two numbers"),
    ]:
        with pytest.raises(ValueError, match=message):
            validate_polygon(bad)


def test_crop_box_even_and_inside_the_frame() -> None:
    assert crop_box(RIGHT_HALF_TOP, 320, 240, even=True) == (160, 0, 160, 120)
    left, top, width, height = crop_box([(0.999, 0.999), (1, 0.999), (1, 1)], 321, 241, even=True)
    assert width == 2 and height == 2 and left + width <= 320 and top + height <= 240
    assert left % 2 == 0 and top % 2 == 0


def test_invalid_mask_is_refused_before_any_work(tmp_path: Path, tools: Tools) -> None:
    source = tmp_path / "stripped.png"
    Image.new("RGB", (20, 20)).save(source)
    with pytest.raises(ValueError):
        apply_masks(
            source,
            tmp_path,
            info=probe(source, tools=tools, limits=Limits()),
            masks=[[(0, 0), (1, 1)]],
            roi=None,
            tools=tools,
            limits=Limits(),
        )
    assert not (tmp_path / "masked.png").exists()

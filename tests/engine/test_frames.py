"""extract_frame: one JPEG still, from a video or a picture."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from media_processing.engine import MediaError, Tools, extract_frame

from .conftest import exiftool, leftovers, make_video


def test_still_from_a_video_is_scaled_down(tmp_path: Path, tools: Tools) -> None:
    video = make_video(tmp_path / "clip.mp4", size="640x360", audio=False)
    dst = extract_frame(video, 1.0, tmp_path / "still.jpg", tools=tools, max_width=320)
    with Image.open(dst) as still:
        assert (still.format, still.size) == ("JPEG", (320, 180))
    assert leftovers(tmp_path) == []


def test_still_past_the_end(tmp_path: Path, tools: Tools) -> None:
    video = make_video(tmp_path / "clip.mp4", audio=False)
    with pytest.raises(MediaError) as caught:
        extract_frame(video, 60.0, tmp_path / "still.jpg", tools=tools)
    assert caught.value.code == "decode-failed"
    assert not (tmp_path / "still.jpg").exists()
    assert leftovers(tmp_path) == []


def test_picture_copy_is_upright_small_and_clean(tmp_path: Path, tools: Tools) -> None:
    photo = tmp_path / "photo.png"
    exif = Image.Exif()
    exif[0x0112], exif[0x010F] = 6, "Acme"
    Image.new("RGBA", (3000, 1000), (0, 0, 255, 255)).save(photo, exif=exif)
    dst = extract_frame(photo, 0, tmp_path / "preview.jpg", tools=tools, max_width=500)
    with Image.open(dst) as preview:
        assert preview.size == (500, 1500)  # upright (orientation 6), then scaled to the width
    assert not [key for key in exiftool(dst) if key.startswith("EXIF:")]


def test_small_picture_is_not_enlarged(tmp_path: Path, tools: Tools) -> None:
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (100, 50)).save(photo)
    with Image.open(extract_frame(photo, 0, tmp_path / "p.jpg", tools=tools)) as preview:
        assert preview.size == (100, 50)

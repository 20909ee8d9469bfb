"""`python -m media_processing.engine detect`: JSON lines for pictures and video frames, errors as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.support.media import REPO

from .conftest import ffmpeg, shared_folder

# Eyes and mouth of the astronaut, as displayed (see test_detection.py).
FACE_POINTS = ((205, 102), (245, 102), (225, 145))


def detect(*args: str | Path) -> tuple[int, list[dict[str, Any]], str]:
    result = subprocess.run(
        [sys.executable, "-m", "media_processing.engine", "detect", "--json", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.returncode, [json.loads(line) for line in result.stdout.splitlines()], result.stderr


def on_face(box: dict[str, Any]) -> bool:
    return all(box["x"] <= x <= box["x"] + box["w"] and box["y"] <= y <= box["y"] + box["h"] for x, y in FACE_POINTS)


@pytest.fixture
def astronaut() -> Path:
    return shared_folder("faces/nogt") / "astronaut.png"


def test_picture_boxes_are_in_displayed_orientation(tmp_path: Path, astronaut: Path) -> None:
    # Stored rotated a quarter turn anticlockwise with Orientation 6 ("turn it clockwise
    # to view"), as a phone held upright writes it; displayed, it is the 512x400 crop.
    photo = tmp_path / "rotated.jpg"
    with Image.open(astronaut) as image:
        upright = image.convert("RGB").crop((0, 0, 512, 400))
    exif = Image.Exif()
    exif[0x0112] = 6
    upright.transpose(Image.Transpose.ROTATE_90).save(photo, exif=exif, quality=95)
    with Image.open(photo) as stored:
        assert stored.size == (400, 512)

    status, lines, stderr = detect(photo, "--no-plates")
    assert status == 0, stderr
    (line,) = lines
    assert (line["file"], line["width"], line["height"]) == (str(photo), 512, 400)
    (box,) = line["boxes"]
    assert set(box) == {"x", "y", "w", "h", "score", "label"}
    assert box["label"] == "face" and 0.5 < box["score"] <= 1
    assert on_face(box)


def test_video_gives_one_line_per_frame(tmp_path: Path, astronaut: Path) -> None:
    video = tmp_path / "two frames.mp4"
    ffmpeg(
        "-loop",
        "1",
        "-i",
        str(astronaut),
        "-frames:v",
        "2",
        "-r",
        "25",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        str(video),
    )
    status, lines, stderr = detect(video)
    assert status == 0, stderr
    assert [(line["frame"], line["time"], line["width"], line["height"]) for line in lines] == [
        (0, 0.0, 512, 512),
        (1, 0.04, 512, 512),
    ]
    for line in lines:
        assert line["file"] == str(video)
        faces = [box for box in line["boxes"] if box["label"] == "face"]
        assert len(faces) == 1 and on_face(faces[0])


def test_bad_files_give_a_json_error_and_status_1(tmp_path: Path, astronaut: Path) -> None:
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8)
    status, lines, stderr = detect(corrupt, tmp_path / "missing.jpg", astronaut)
    assert status == 1
    assert "Traceback" not in stderr
    first, second, third = lines
    assert first["file"] == str(corrupt) and first["error"] and "boxes" not in first
    assert second["file"] == str(tmp_path / "missing.jpg") and second["error"]
    assert third["file"] == str(astronaut) and third["boxes"]  # the good file is still analysed

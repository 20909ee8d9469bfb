"""Licence plates with OpenCV's Haar cascade for (Russian) plates, which finds EU plates too.

A cheap baseline that needs no extra model: fast and free, but it misses plates that
are small, slanted or seen at an angle. A site with a stronger model configures it
through `OnnxObjectDetector`.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import cv2
import numpy as np

from ..errors import MediaError
from .base import PLATE, Box, check_frame, nms

CASCADE = "haarcascade_russian_plate_number.xml"
# Strips of a large frame overlap by this many pixels; wider plates are found at half size.
_STRIP_OVERLAP = 256
_MERGE_IOU = 0.3


def default_cascade_path() -> Path:
    """The cascade file as the installed opencv-python package ships it."""
    return Path(cv2.data.haarcascades) / CASCADE  # type: ignore[attr-defined]  # missing from the stubs


class HaarPlates:
    """Plate detector. Defaults measured on the EU plates of the shared test corpus
    (see docs/architecture.md): `scale_factor` is the step between detection scales,
    `min_neighbors` how many overlapping hits make a plate, `min_size` the smallest
    plate (width, height) in pixels of the analysed frame; the cascade was trained on
    60x20 windows, so smaller plates are not found. Frames wider than `max_width` are
    analysed at that width: the cost grows with the pixel count, while every plate
    scaled below 60 pixels is lost, so full HD is analysed as it is.

    `score` is the cascade's level weight squashed to 0..1; it ranks detections but
    is not a probability.
    """

    name: str = "haar-plates"
    labels: tuple[str, ...] = (PLATE,)
    model_sha256: str | None

    def __init__(
        self,
        cascade_path: Path | None = None,
        *,
        scale_factor: float = 1.1,
        min_neighbors: int = 2,
        min_size: tuple[int, int] = (60, 20),
        max_width: int | None = 1920,
        max_pixels: int | None = 1280 * 736,
    ) -> None:
        self.cascade_path = cascade_path or default_cascade_path()
        try:
            data = self.cascade_path.read_bytes()
        except OSError as exc:
            raise _missing(self.cascade_path, exc) from exc
        self.model_sha256 = hashlib.sha256(data).hexdigest()
        self._cascade = cv2.CascadeClassifier(str(self.cascade_path))
        if self._cascade.empty():
            raise _missing(self.cascade_path, "OpenCV could not load the cascade")
        self.scale_factor = scale_factor
        self.min_neighbors = min_neighbors
        self.min_size = min_size
        self.max_width = max_width
        self.max_pixels = max_pixels

    def detect(self, frame: np.ndarray) -> list[Box]:
        height, width = check_frame(frame)
        factor = 1.0
        if self.max_width is not None and width > self.max_width:
            factor = self.max_width / width
            frame = cv2.resize(frame, (self.max_width, max(1, round(height * factor))), interpolation=cv2.INTER_AREA)
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        if self.max_pixels is not None and gray.size > self.max_pixels:
            found = self._in_strips(gray)
        else:
            found = self._run(gray, self.min_size, None)
        return [Box(x, y, w, h, score, PLATE).scaled(1 / factor).clipped(width, height) for x, y, w, h, score in found]

    def _run(
        self, gray: np.ndarray, min_size: tuple[int, int], max_size: tuple[int, int] | None
    ) -> list[tuple[float, float, float, float, float]]:
        found, _levels, weights = self._cascade.detectMultiScale3(
            gray,
            scaleFactor=self.scale_factor,
            minNeighbors=self.min_neighbors,
            minSize=min_size,
            maxSize=max_size or (0, 0),
            outputRejectLevels=True,
        )
        return [
            (float(x), float(y), float(w), float(h), _squash(float(weight)))
            for (x, y, w, h), weight in zip(
                np.asarray(found).reshape(-1, 4), np.asarray(weights).reshape(-1), strict=True
            )
        ]

    def _in_strips(self, gray: np.ndarray) -> list[tuple[float, float, float, float, float]]:
        """A large frame in overlapping vertical strips (plates up to the overlap wide,
        at full resolution) plus the whole frame at half resolution (plates at least
        twice the smallest size): the cascade's working memory grows with the pixels of
        one call, about 180 MB for a full HD frame in one piece."""
        height, width = gray.shape
        strips = math.ceil(gray.size / self.max_pixels) if self.max_pixels else 1
        step = math.ceil(width / strips)
        largest = (_STRIP_OVERLAP, round(_STRIP_OVERLAP * self.min_size[1] / self.min_size[0]))
        found = []
        for number in range(strips):
            left = max(0, number * step - _STRIP_OVERLAP // 2)
            right = min(width, (number + 1) * step + _STRIP_OVERLAP // 2)
            for x, y, w, h, score in self._run(gray[:, left:right], self.min_size, largest):
                found.append((x + left, y, w, h, score))
        half = cv2.resize(gray, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
        found.extend((x * 2, y * 2, w * 2, h * 2, score) for x, y, w, h, score in self._run(half, self.min_size, None))
        if len(found) < 2:
            return found
        corners = np.array([[x, y, x + w, y + h] for x, y, w, h, _ in found], np.float32)
        keep = nms(corners, np.array([score for *_, score in found], np.float32), _MERGE_IOU)
        return [found[index] for index in keep]


def _squash(weight: float) -> float:
    # The last stage's weight sum is unbounded; a logistic keeps scores comparable to the others.
    return float(1 / (1 + np.exp(-weight)))


def _missing(path: Path, reason: object) -> MediaError:
    return MediaError(
        "The licence plate detection model could not be read, so nothing can be detected. "
        "Ask your administrator to check the OpenCV installation.",
        "model-invalid",
        detail=f"{path}: {reason}",
    )

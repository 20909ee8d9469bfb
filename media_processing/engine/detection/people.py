"""Whole people with OpenCV's HOG + linear SVM pedestrian detector (Dalal & Triggs).

Off by default: it is slow on large frames, finds upright people of at least 64x128
pixels only, and redacting whole bodies is a site's choice, not the default. A site
that needs it reliably configures a stronger model through `OnnxObjectDetector`.
"""

from __future__ import annotations

import cv2
import numpy as np

from .base import PERSON, Box, boxes_from_corners, check_frame, nms


class HogPeople:
    """Person detector. Frames wider than `max_width` are analysed at that width.
    `threshold` is the minimum SVM margin (0 accepts everything the SVM calls a person);
    `score` is that margin squashed to 0..1. Overlapping windows are merged by NMS."""

    name: str = "hog-people"
    labels: tuple[str, ...] = (PERSON,)
    model_sha256: str | None = None  # the model is compiled into OpenCV

    def __init__(self, *, threshold: float = 0.3, scale: float = 1.05, max_width: int | None = 1280) -> None:
        self.threshold = threshold
        self.scale = scale
        self.max_width = max_width
        self._hog = cv2.HOGDescriptor()
        self._hog.setSVMDetector(np.asarray(cv2.HOGDescriptor.getDefaultPeopleDetector(), dtype=np.float32))

    def detect(self, frame: np.ndarray) -> list[Box]:
        height, width = check_frame(frame)
        factor = 1.0
        if self.max_width is not None and width > self.max_width:
            factor = self.max_width / width
            frame = cv2.resize(frame, (self.max_width, max(1, round(height * factor))), interpolation=cv2.INTER_AREA)
        found, weights = self._hog.detectMultiScale(
            frame, hitThreshold=self.threshold, winStride=(8, 8), padding=(8, 8), scale=self.scale
        )
        rects = np.asarray(found, dtype=np.float32).reshape(-1, 4)
        if rects.size == 0:
            return []
        corners = np.concatenate([rects[:, :2], rects[:, :2] + rects[:, 2:]], axis=1) / factor
        margins = np.asarray(weights, dtype=np.float32).reshape(-1)
        scores = 1 / (1 + np.exp(-margins))
        keep = nms(corners, scores, 0.5)
        return boxes_from_corners(corners[keep], scores[keep], [PERSON] * len(keep), width=width, height=height)

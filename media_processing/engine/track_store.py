"""The detection store: where each anonymous track was, frame by frame.

One row per (track, frame) observation: the track id, the frame index, the box in
pixels, the detector's score, and whether the box was detected or carried by the
tracker. Nothing else is kept — no picture content, no face crop, no embedding or any
other biometric template — so the store can be kept alongside the recording without
becoming a face database. Saved as a compressed NumPy archive (no pickles) of a few
bytes per observation; a review screen overlays it and a re-render with another keep
list reuses it instead of running the detectors again.
"""

from __future__ import annotations

import json
import zipfile
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .atomic import atomic_output
from .detection.base import Box
from .errors import MediaError

FORMAT = "obscura-tracks/1"


@dataclass(frozen=True)
class Observation:
    """One track's box on one frame."""

    track_id: int
    frame: int
    x: float
    y: float
    w: float
    h: float
    score: float
    detected: bool


@dataclass(frozen=True)
class TrackSummary:
    """A track at a glance: its span, how often it was detected, and its most confident box."""

    track_id: int
    label: str
    first_frame: int
    last_frame: int
    frames: int
    detections: int
    best_frame: int
    best_box: tuple[float, float, float, float]
    best_score: float

    def as_dict(self, fps: float, *, offset: int = 0) -> dict[str, Any]:
        """JSON-ready fields; `offset` is added to every frame index (and time), for a
        store of a part counted from the start of the whole footage."""
        x, y, w, h = self.best_box
        return {
            "track_id": self.track_id,
            "label": self.label,
            "first_frame": self.first_frame + offset,
            "last_frame": self.last_frame + offset,
            "first_s": round((self.first_frame + offset) / fps, 3),
            "last_s": round((self.last_frame + offset) / fps, 3),
            "frames": self.frames,
            "detections": self.detections,
            "best_frame": self.best_frame + offset,
            "best_box": {"x": round(x, 1), "y": round(y, 1), "w": round(w, 1), "h": round(h, 1)},
            "best_score": round(self.best_score, 4),
        }


@dataclass
class TrackStore:
    """Every observation of one video, sorted by frame then track.

    `frame_count` frames of `width` x `height` at `fps`; `start_frame` is the index, in
    the whole recording, of this store's frame 0 (non-zero when only part was analysed).
    `labels` maps each track id to 'face', 'plate', 'person' or a site's own label;
    `detectors` and `settings` say how the tracks were found.
    """

    width: int
    height: int
    fps: float
    frame_count: int
    start_frame: int = 0
    labels: dict[int, str] = field(default_factory=dict)
    detectors: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    track_ids: np.ndarray = field(default_factory=lambda: np.empty((0,), np.int32))
    frames: np.ndarray = field(default_factory=lambda: np.empty((0,), np.int32))
    boxes: np.ndarray = field(default_factory=lambda: np.empty((0, 4), np.float32))
    scores: np.ndarray = field(default_factory=lambda: np.empty((0,), np.float16))
    detected: np.ndarray = field(default_factory=lambda: np.empty((0,), np.bool_))

    def __post_init__(self) -> None:
        order = np.lexsort((self.track_ids, self.frames))
        self.track_ids = np.asarray(self.track_ids, np.int32)[order]
        self.frames = np.asarray(self.frames, np.int32)[order]
        self.boxes = np.asarray(self.boxes, np.float32).reshape(-1, 4)[order]
        self.scores = np.asarray(self.scores, np.float16)[order]
        self.detected = np.asarray(self.detected, np.bool_)[order]

    def __len__(self) -> int:
        return int(self.frames.size)

    @property
    def detections(self) -> int:
        return int(self.detected.sum())

    def covers_at(self, frame: int) -> dict[int, Box]:
        """The box of every track present on `frame` (an index in this store's frames)."""
        low, high = np.searchsorted(self.frames, [frame, frame + 1])
        return {
            int(self.track_ids[row]): Box(
                *self._box(row),
                float(self.scores[row]),
                self.labels.get(int(self.track_ids[row]), "unknown"),
            )
            for row in range(int(low), int(high))
        }

    def observations(self, first: int = 0, last: int | None = None) -> list[Observation]:
        """The observations of frames `first`..`last` (inclusive), in frame order."""
        low = int(np.searchsorted(self.frames, first))
        high = int(np.searchsorted(self.frames, last + 1)) if last is not None else len(self)
        return [
            Observation(
                int(self.track_ids[row]),
                int(self.frames[row]),
                *self._box(row),
                float(self.scores[row]),
                bool(self.detected[row]),
            )
            for row in range(low, high)
        ]

    def _box(self, row: int) -> tuple[float, float, float, float]:
        x, y, w, h = (float(value) for value in self.boxes[row])
        return x, y, w, h

    def summaries(self) -> list[TrackSummary]:
        """One summary per track, ordered by first appearance."""
        result = []
        for track_id in np.unique(self.track_ids):
            rows = np.nonzero(self.track_ids == track_id)[0]
            scores = np.where(self.detected[rows], self.scores[rows].astype(np.float32), -1.0)
            best = int(rows[int(np.argmax(scores))])
            result.append(
                TrackSummary(
                    track_id=int(track_id),
                    label=self.labels.get(int(track_id), "unknown"),
                    first_frame=int(self.frames[rows].min()),
                    last_frame=int(self.frames[rows].max()),
                    frames=int(rows.size),
                    detections=int(self.detected[rows].sum()),
                    best_frame=int(self.frames[best]),
                    best_box=tuple(float(value) for value in self.boxes[best]),  # type: ignore[arg-type]
                    best_score=float(self.scores[best]),
                )
            )
        return sorted(result, key=lambda summary: (summary.first_frame, summary.track_id))

    def meta(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "width": self.width,
            "height": self.height,
            "fps": self.fps,
            "frame_count": self.frame_count,
            "start_frame": self.start_frame,
            "labels": {str(track_id): label for track_id, label in sorted(self.labels.items())},
            "detectors": self.detectors,
            "settings": self.settings,
        }

    def save(self, path: Path) -> None:
        """Write the store to `path` (a `.npz` file), complete or not at all."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(path) as temporary, temporary.open("wb") as handle:
            np.savez_compressed(
                handle,
                meta=np.frombuffer(json.dumps(self.meta()).encode(), dtype=np.uint8),
                track_ids=self.track_ids,
                frames=self.frames,
                boxes=self.boxes,
                scores=self.scores,
                detected=self.detected,
            )

    @classmethod
    def load(cls, path: Path) -> TrackStore:
        """Read a store written by `save`; MediaError `tracks-invalid` if it is not one."""
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(bytes(data["meta"]).decode())
                if meta.get("format") != FORMAT:
                    raise ValueError(f"unknown format {meta.get('format')!r}")
                arrays = {name: data[name] for name in ("track_ids", "frames", "boxes", "scores", "detected")}
        except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as exc:
            raise MediaError(
                "The saved detections cannot be read; run the detection again.", "tracks-invalid", detail=str(exc)
            ) from exc
        return cls(
            width=int(meta["width"]),
            height=int(meta["height"]),
            fps=float(meta["fps"]),
            frame_count=int(meta["frame_count"]),
            start_frame=int(meta.get("start_frame", 0)),
            labels={int(track_id): str(label) for track_id, label in meta["labels"].items()},
            detectors=list(meta.get("detectors", [])),
            settings=dict(meta.get("settings", {})),
            **arrays,
        )


class TrackStoreBuilder:
    """Collects observations as they stream past, a few bytes each (no object per row)."""

    def __init__(self) -> None:
        self._track_ids = array("i")
        self._frames = array("i")
        self._boxes = array("f")
        self._scores = array("f")
        self._detected = array("b")

    def add(
        self, frame: int, track_id: int, box: tuple[float, float, float, float], score: float, detected: bool
    ) -> None:
        self._track_ids.append(track_id)
        self._frames.append(frame)
        self._boxes.extend(box)
        self._scores.append(score)
        self._detected.append(1 if detected else 0)

    def build(
        self,
        *,
        width: int,
        height: int,
        fps: float,
        frame_count: int,
        labels: dict[int, str],
        start_frame: int = 0,
        detectors: Sequence[dict[str, Any]] = (),
        settings: dict[str, Any] | None = None,
    ) -> TrackStore:
        return TrackStore(
            width=width,
            height=height,
            fps=fps,
            frame_count=frame_count,
            start_frame=start_frame,
            labels=dict(labels),
            detectors=list(detectors),
            settings=dict(settings or {}),
            track_ids=np.frombuffer(self._track_ids, np.int32),
            frames=np.frombuffer(self._frames, np.int32),
            boxes=np.frombuffer(self._boxes, np.float32).reshape(-1, 4),
            scores=np.frombuffer(self._scores, np.float32),
            detected=np.frombuffer(self._detected, np.int8).astype(np.bool_),
        )

"""Manual boxes: a reviewer draws a box on a few keyframes; frames in between get a box
moved and resized linearly between its neighbours."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True)
class Keyframe:
    frame: int
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class ManualBox:
    x: float
    y: float
    w: float
    h: float
    label: str = "manual"


class ManualTrack:
    """Keyframes of one manual box; `box_at(frame)` is None before the first and after
    the last keyframe, and linear in between. Frames count from the first frame of the
    redacted part (after trimming)."""

    def __init__(self, keyframes: list[Keyframe]) -> None:
        if not keyframes:
            raise ValueError("a manual box needs at least one keyframe")
        ordered = sorted(keyframes, key=lambda key: key.frame)
        if len({key.frame for key in ordered}) != len(ordered):
            raise ValueError("two keyframes of one manual box are on the same frame")
        if any(key.w <= 0 or key.h <= 0 for key in ordered):
            raise ValueError("a manual box must have a positive width and height")
        self.keyframes = ordered
        self._frames = [key.frame for key in ordered]

    @property
    def first_frame(self) -> int:
        return self._frames[0]

    @property
    def last_frame(self) -> int:
        return self._frames[-1]

    def as_dict(self) -> dict[str, list[dict[str, float]]]:
        return {
            "keyframes": [
                {
                    "frame": key.frame,
                    "x": round(key.x, 1),
                    "y": round(key.y, 1),
                    "w": round(key.w, 1),
                    "h": round(key.h, 1),
                }
                for key in self.keyframes
            ]
        }

    def box_at(self, frame: int) -> ManualBox | None:
        if frame < self.first_frame or frame > self.last_frame:
            return None
        index = bisect_right(self._frames, frame) - 1
        before = self.keyframes[index]
        if before.frame == frame or index + 1 == len(self.keyframes):
            return ManualBox(before.x, before.y, before.w, before.h)
        after = self.keyframes[index + 1]
        t = (frame - before.frame) / (after.frame - before.frame)
        return ManualBox(
            before.x + t * (after.x - before.x),
            before.y + t * (after.y - before.y),
            before.w + t * (after.w - before.w),
            before.h + t * (after.h - before.h),
        )

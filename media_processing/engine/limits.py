"""Upper and lower bounds on what ingestion accepts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Bounds checked by `probe` and `validate`.

    `max_pixels` applies to one picture or one video frame; it also bounds the memory a
    picture decode can take (about 4 bytes a pixel). `min_side` rejects slivers such as
    1x1 "videos" that carry no footage. `max_frames` bounds duration x frame rate.
    """

    max_file_bytes: int = 20 * 1024**3
    max_pixels: int = 40_000_000
    max_duration_s: float = 24 * 3600
    min_side: int = 16
    max_frames: int = 10_000_000

"""Animated WebP as input ffmpeg can read: one PNG per frame plus an ffconcat list.

ffmpeg 5.1 has no animated-WebP decoder, so Pillow decodes the frames one at a time
(constant memory) and the concat demuxer plays them with their own durations.
"""

from __future__ import annotations

from pathlib import Path

from .images import open_picture
from .limits import Limits
from .tools import concat_quote

_DEFAULT_FRAME_MS = 100


def webp_concat_list(src: Path, work: Path, *, limits: Limits | None = None) -> Path:
    """Write the frames of an animated WebP into `work` and return the ffconcat list."""
    lines = ["ffconcat version 1.0"]
    with open_picture(src, limits or Limits()) as image:
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            frame_path = work / f"frame-{index:06d}.png"
            image.convert("RGBA").save(frame_path, format="PNG", compress_level=1)
            lines += [f"file {concat_quote(frame_path)}", f"duration {_seconds(image.info.get('duration'))}"]
    listing = work / "frames.ffconcat"
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return listing


def _seconds(duration_ms: object) -> str:
    millis = duration_ms if isinstance(duration_ms, int | float) and duration_ms > 10 else _DEFAULT_FRAME_MS
    return f"{millis / 1000:.3f}"

"""Reading WebP's RIFF chunk list: lossless or lossy, and how long an animation lasts.

ffmpeg 5.1 cannot decode animated WebP and Pillow does not report lossless-ness, so the
engine reads the few header fields it needs itself.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

# Browsers show frames with a delay of 10 ms or less for 100 ms; do the same.
_MIN_FRAME_MS = 11
_DEFAULT_FRAME_MS = 100
_MAX_CHUNKS = 1_000_000


@dataclass(frozen=True)
class WebPLayout:
    lossless: bool
    frame_durations_ms: tuple[int, ...]

    @property
    def duration_s(self) -> float:
        return sum(self.frame_durations_ms) / 1000


def read_layout(path: Path) -> WebPLayout:
    """Walk the top-level chunks of a WebP file; a truncated list just ends early."""
    lossless = False
    durations: list[int] = []
    with path.open("rb") as handle:
        header = handle.read(12)
        if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WEBP":
            return WebPLayout(False, ())
        for _ in range(_MAX_CHUNKS):
            chunk = handle.read(8)
            if len(chunk) < 8:
                break
            fourcc, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            payload_start = handle.tell()
            lossless = lossless or fourcc == b"VP8L"
            if fourcc == b"ANMF":
                durations.append(_frame_duration(handle.read(16)))
            handle.seek(payload_start + size + (size & 1))
    return WebPLayout(lossless, tuple(durations))


def _frame_duration(frame_header: bytes) -> int:
    if len(frame_header) < 15:
        return _DEFAULT_FRAME_MS
    millis = int.from_bytes(frame_header[12:15], "little")
    return _DEFAULT_FRAME_MS if millis < _MIN_FRAME_MS else millis

"""Cutting a clip out of one or more consecutive recordings, without re-encoding."""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .atomic import atomic_output
from .errors import MediaError
from .ffprobe import ffprobe_json
from .tools import (
    PROGRESS_ARGS,
    VIDEO_DEMUXERS,
    FfmpegProgress,
    Tools,
    concat_quote,
    ffmpeg_command,
    run_tool,
    tool_path,
)


@dataclass(frozen=True)
class Segment:
    """A stretch of one recording: seconds from the start of that file."""

    path: Path
    start_s: float
    end_s: float


@dataclass(frozen=True)
class ClipResult:
    path: Path
    duration_s: float


def cut_clip(
    segments: list[Segment],
    dst: Path,
    *,
    tools: Tools,
    progress: Callable[[float], None] | None = None,
    signatures_checked: bool = False,
) -> ClipResult:
    """Join the segments, in order, into one MP4 at `dst` by stream copy (no re-encode).

    Fast and lossless, but cuts fall on keyframes: each part may begin up to one GOP
    (keyframe interval) before its `start_s`. The segments must come from recordings with
    the same codec parameters (one camera); otherwise MediaError `unsupported`. A missing
    file gives MediaError `unreadable`; a failed run leaves nothing at `dst`. No metadata
    is copied. Returns the clip's duration as measured by ffprobe.
    Raises ValueError for an empty list or times that are not 0 <= start < end.
    With `signatures_checked`, the caller vouches that every file has the same
    `media_signature` (recorded at ingestion), which saves probing each file again.
    """
    _check_times(segments)
    _require_files(segments)
    if not signatures_checked:
        _require_same_parameters(segments, tools)
    expected = sum(segment.end_s - segment.start_s for segment in segments)
    report = progress or (lambda _fraction: None)
    report(0.0)
    with tempfile.TemporaryDirectory(prefix=".clip-", dir=dst.parent) as work, atomic_output(dst) as temporary:
        listing = Path(work) / "segments.ffconcat"
        listing.write_text(concat_listing(segments), encoding="utf-8")
        run_tool(
            _command(listing, temporary, tools),
            timeout=60 + expected,
            memory_bytes=tools.memory_bytes,
            what="cutting the clip",
            on_stdout_line=FfmpegProgress(expected, report),
        )
        duration = _measured_duration(temporary, tools)
    report(1.0)
    return ClipResult(dst, duration)


def _check_times(segments: list[Segment]) -> None:
    if not segments:
        raise ValueError("A clip needs at least one segment.")
    for segment in segments:
        start, end = segment.start_s, segment.end_s
        if not (math.isfinite(start) and math.isfinite(end) and 0 <= start < end):
            raise ValueError(
                f"Segment times must satisfy 0 <= start < end; got {start}..{end} for {segment.path.name}."
            )


def _require_files(segments: list[Segment]) -> None:
    for segment in segments:
        if not segment.path.is_file():
            raise MediaError(
                f"The recording {segment.path.name} needed for this clip is missing from storage. "
                "Ask your administrator to restore it, or choose another time range.",
                "unreadable",
                detail=str(segment.path),
            )


def _require_same_parameters(segments: list[Segment], tools: Tools) -> None:
    paths = list(dict.fromkeys(segment.path for segment in segments))
    signatures = {path: stream_signature(ffprobe_json(path, tools=tools)) for path in paths}
    if len(set(signatures.values())) > 1:
        raise MediaError(
            "These recordings were made with different video settings (format or picture size), so they cannot "
            "be joined into one clip. Request a separate clip from each recording.",
            "unsupported",
            detail="; ".join(f"{path.name}: {signature}" for path, signature in signatures.items()),
        )


def media_signature(path: Path, *, tools: Tools) -> str:
    """`stream_signature` of a file as a short string, to store beside a recording."""
    return json.dumps(stream_signature(ffprobe_json(path, tools=tools)), separators=(",", ":"))


def stream_signature(data: dict[str, Any]) -> tuple[object, ...]:
    """What must match for stream-copy concatenation: codec, size and pixel format of the
    first video stream, and codec, rate and channels of the first audio stream."""
    streams = [s for s in data.get("streams") or [] if isinstance(s, dict)]
    video = next((s for s in streams if s.get("codec_type") == "video" and not _attached(s)), {})
    audio = next((s for s in streams if s.get("codec_type") == "audio"), {})
    return (
        *(video.get(key) for key in ("codec_name", "width", "height", "pix_fmt")),
        *(audio.get(key) for key in ("codec_name", "sample_rate", "channels")),
    )


def _attached(stream: dict[str, Any]) -> bool:
    disposition = stream.get("disposition")
    return isinstance(disposition, dict) and disposition.get("attached_pic") == 1


def concat_listing(segments: list[Segment]) -> str:
    """An ffconcat list with one entry (file, inpoint, outpoint) per segment."""
    lines = ["ffconcat version 1.0"]
    for segment in segments:
        lines += [
            f"file {concat_quote(segment.path)}",
            f"inpoint {segment.start_s:.6f}",
            f"outpoint {segment.end_s:.6f}",
        ]
    return "\n".join(lines) + "\n"


def _command(listing: Path, output: Path, tools: Tools) -> list[str]:
    return ffmpeg_command(
        tools,
        # The whitelists are inherited by every file the list opens.
        *("-f", "concat", "-safe", "0", "-format_whitelist", f"concat,{VIDEO_DEMUXERS}"),
        *("-protocol_whitelist", "file", "-i", tool_path(listing)),
        # 0:V, not 0:v: cover pictures are not footage.
        *("-map", "0:V", "-map", "0:a?", "-c", "copy", "-map_metadata", "-1", "-map_chapters", "-1"),
        # No +faststart: moving the index to the front rewrites the whole file, and an
        # evidence copy is downloaded (or played with range requests, which fetch the index).
        *("-fflags", "+bitexact", "-avoid_negative_ts", "make_zero"),
        *("-f", "mp4", "-y", tool_path(output)),
        *PROGRESS_ARGS,
    )


def _measured_duration(path: Path, tools: Tools) -> float:
    container = ffprobe_json(path, tools=tools, what="checking the clip").get("format")
    try:
        duration = float(container.get("duration", 0)) if isinstance(container, dict) else 0.0
    except (TypeError, ValueError):
        duration = 0.0
    if not math.isfinite(duration) or duration <= 0:
        raise MediaError(
            "The clip came out empty: the requested times may lie outside the recordings. Check the time range.",
            "decode-failed",
        )
    return duration

"""Running ffprobe on accepted containers and reading its JSON defensively."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import MediaError
from .tools import PROGRESS_ARGS, FfmpegProgress, Tools, ffmpeg_command, media_input, run_tool


def ffprobe_json(path: Path, *, tools: Tools, what: str = "reading the video") -> dict[str, Any]:
    """Run `ffprobe -show_format -show_streams -show_chapters -of json` on an accepted container.

    Raises MediaError `unsupported` when ffprobe does not recognise an accepted
    container, `unreadable` when it recognises one but cannot read it.
    """
    args = [
        tools.ffprobe,
        *("-v", "error", "-hide_banner"),
        *("-show_format", "-show_streams", "-show_chapters", "-of", "json"),
        *media_input(path),
    ]
    try:
        result = run_tool(args, timeout=tools.probe_timeout_s, memory_bytes=tools.memory_bytes, what=what)
    except MediaError as exc:
        raise _classify_probe_failure(exc) from exc
    try:
        data = json.loads(result.stdout.decode("utf-8", "replace"))
    except ValueError as exc:
        raise _unreadable("ffprobe printed invalid JSON") from exc
    if not isinstance(data, dict):
        raise _unreadable("ffprobe printed no object")
    return data


def _classify_probe_failure(exc: MediaError) -> MediaError:
    if exc.code != "tool-failed":
        return exc
    # "Invalid data" after a demuxer complained (say, "moov atom not found") means a
    # damaged video; on its own it means ffprobe recognised nothing.
    recognised_but_broken = exc.output.count("\n") > 1 and "not on whitelist" not in exc.output
    if ("Invalid data found" in exc.detail and not recognised_but_broken) or "not on whitelist" in exc.output:
        return MediaError(
            "This file is not a picture or video in a format we accept. Upload a photo (JPEG, PNG, HEIC, "
            "WebP, TIFF, AVIF) or a video (MP4, MOV, MKV, WebM, AVI).",
            "unsupported",
            detail=exc.detail,
        )
    return _unreadable(exc.detail)


def _unreadable(detail: str) -> MediaError:
    return MediaError(
        "This video is damaged or incomplete, so it cannot be read. Export it again from the recorder "
        "and upload it again.",
        "unreadable",
        detail=detail,
    )


def rotation(stream: dict[str, Any]) -> int:
    """Clockwise display rotation of an ffprobe stream in degrees: 0, 90, 180 or 270."""
    degrees: float = 0
    for side in as_list(stream.get("side_data_list")):
        if isinstance(side, dict) and isinstance(side.get("rotation"), int | float):
            degrees = float(side["rotation"])
    if not degrees:
        degrees = as_float(tags_of(stream.get("tags")).get("rotate")) or 0
    return int(round(-degrees / 90) * 90) % 360


def measure_duration(path: Path, *, tools: Tools) -> float | None:
    """Duration of the first video stream found by reading every packet (no decoding).

    For files whose header does not say, such as WebM written by a browser. None when
    even that fails.
    """
    progress = FfmpegProgress()
    args = ffmpeg_command(
        tools, *media_input(path), *("-map", "0:V:0", "-c", "copy", "-f", "null", "-"), *PROGRESS_ARGS
    )
    try:
        run_tool(
            args,
            timeout=tools.probe_timeout_s,
            memory_bytes=tools.memory_bytes,
            what="measuring the video's length",
            on_stdout_line=progress,
        )
    except MediaError:
        return None
    return positive(progress.seconds)


def parse_rate(text: str) -> float | None:
    """Parse ffprobe's "30000/1001"; None for "0/0" and nonsense."""
    numerator, _, denominator = text.partition("/")
    try:
        rate = float(numerator) / float(denominator or 1)
    except (ValueError, ZeroDivisionError):
        return None
    return rate if math.isfinite(rate) and rate > 0 else None


def parse_container_time(text: str | None) -> datetime | None:
    """Parse an ISO 8601 container time; a time without zone is UTC. None before 1971."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # Recorders with a flat clock battery write the epoch; that says nothing.
    return moment if moment.year >= 1971 else None


def tags_of(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(key): str(item) for key, item in value.items()}


def as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def as_str(value: object) -> str:
    return value if isinstance(value, str) else ""


def as_int(value: object) -> int:
    return value if isinstance(value, int) and value > 0 else 0


def as_float(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def positive(value: object) -> float | None:
    number = as_float(value)
    return number if number > 0 else None

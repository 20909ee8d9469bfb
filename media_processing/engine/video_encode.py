"""ffmpeg output settings shared by stripping and masking, and the check that no metadata survived."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .errors import MediaError
from .ffprobe import ffprobe_json
from .tools import Tools

MP4_VIDEO = frozenset({"h264", "hevc", "mpeg4", "av1"})
MP4_AUDIO = frozenset({"aac", "mp3", "alac", "opus"})
WEBM_VIDEO = frozenset({"vp8", "vp9", "av1"})
WEBM_AUDIO = frozenset({"vorbis", "opus"})

X264 = ("-c:v", "libx264", "-crf", "18", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-fps_mode", "vfr")
AAC = ("-c:a", "aac", "-b:a", "192k")
# yuv420p needs even sides; drop the odd last row/column rather than stretch the picture.
EVEN_CROP = "crop=trunc(iw/2)*2:trunc(ih/2)*2"
# No global, stream or chapter metadata; bitexact stops ffmpeg writing its version or
# random identifiers.
NO_METADATA = (
    *("-map_metadata", "-1", "-map_chapters", "-1"),
    *("-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"),
    *("-max_muxing_queue_size", "4096"),
)
FASTSTART = ("-movflags", "+faststart")

# What muxers write by themselves. Anything else in a stored file is a leak.
_ALLOWED_FORMAT_TAGS = {"major_brand": None, "minor_version": None, "compatible_brands": None, "encoder": "Lavf"}
_ALLOWED_STREAM_TAGS = {
    "language": "und",
    "handler_name": ("VideoHandler", "SoundHandler"),
    "vendor_id": "[0][0][0][0]",
    "encoder": "Lavc",
    "DURATION": None,
}


def verify_clean(path: Path, *, tools: Tools) -> None:
    """Raise MediaError unless `path` holds one video and at most one audio stream, and
    no tags beyond those muxers write on their own (generic handler names, "Lavf")."""
    data = ffprobe_json(path, tools=tools, what="checking the cleaned video")
    leftovers = _leftover_streams(data) + _leftover_tags(data)
    if leftovers:
        raise MediaError(
            "The video's hidden information could not be removed completely, so it was not stored. "
            "Please report this file to your administrator.",
            "tool-failed",
            detail="; ".join(leftovers),
        )


def _leftover_streams(data: dict[str, object]) -> list[str]:
    streams = data.get("streams")
    kinds = [s.get("codec_type") for s in streams if isinstance(s, dict)] if isinstance(streams, list) else []
    problems = [f"stream of kind {kind}" for kind in kinds if kind not in ("video", "audio")]
    if kinds.count("video") != 1 or kinds.count("audio") > 1:
        problems.append(f"streams {kinds}")
    return problems


def _leftover_tags(data: dict[str, object]) -> list[str]:
    container = data.get("format")
    problems = _unexpected(container.get("tags") if isinstance(container, dict) else None, _ALLOWED_FORMAT_TAGS)
    streams = data.get("streams")
    for stream in streams if isinstance(streams, list) else []:
        if isinstance(stream, dict):
            problems += _unexpected(stream.get("tags"), _ALLOWED_STREAM_TAGS)
    return problems


def _unexpected(tags: object, allowed: Mapping[str, object]) -> list[str]:
    if not isinstance(tags, dict):
        return []
    return [f"tag {key}" for key, value in tags.items() if not _is_allowed(str(key), str(value), allowed)]


def _is_allowed(key: str, value: str, allowed: Mapping[str, object]) -> bool:
    if key not in allowed:
        return False
    expected = allowed[key]
    if expected is None:
        return True
    if isinstance(expected, tuple):
        return value in expected
    return isinstance(expected, str) and value.startswith(expected)

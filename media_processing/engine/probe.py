"""What a file is: picture or video, size, duration, streams and when it was recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image

from . import webp
from .errors import MediaError
from .ffprobe import (
    as_int,
    as_list,
    as_str,
    ffprobe_json,
    measure_duration,
    parse_container_time,
    parse_rate,
    positive,
    rotation,
    tags_of,
)
from .images import (
    ANIMATED_FORMATS,
    DECODE_ERRORS,
    SHORT_FORMAT,
    NotAPicture,
    displayed_size,
    exif_creation_time,
    frame_count,
    open_picture,
    too_many_pixels,
)
from .limits import Limits
from .tools import Tools

_WEBM_CODECS = frozenset({"vp8", "vp9", "av1", "opus", "vorbis", "webvtt"})
_STREAM_KINDS = frozenset({"video", "audio", "data", "subtitle", "attachment"})
_NAMELESS_CODECS = frozenset({"", "unknown", "none", "bin_data"})


@dataclass(frozen=True)
class StreamInfo:
    """One stream of a container. `kind` is video, audio, data, subtitle, attachment or other.

    Attached pictures (cover art, thumbnails) are video streams to ffmpeg; here they are
    `attachment`, since they are not footage. `codec` is ffmpeg's codec name, or the
    four-character tag (such as `gpmd` or `tmcd`) when ffmpeg has no decoder for it.
    """

    index: int
    kind: str
    codec: str
    tags: dict[str, str]


@dataclass(frozen=True)
class MediaInfo:
    """The facts ingestion needs about a file.

    `width` and `height` are as displayed: after the EXIF orientation of a picture or the
    rotation of a video, so they match extracted frames and mask coordinates.
    `creation_time` is aware when the file states the zone (container tags are UTC;
    EXIF with an offset) and naive when the file gives only the camera's wall-clock time.
    `animated` marks animated GIF/WebP, which are handled as videos. `tags` holds the
    container-level tags and `chapters` the number of chapters, to report what stripping
    removed.
    """

    kind: str
    format: str
    width: int
    height: int
    duration_s: float | None
    fps: float | None
    video_codec: str
    audio_codec: str | None
    has_audio: bool
    streams: tuple[StreamInfo, ...]
    creation_time: datetime | None
    animated: bool = False
    tags: dict[str, str] = field(default_factory=dict)
    chapters: int = 0


def probe(path: Path, *, tools: Tools, limits: Limits) -> MediaInfo:
    """Identify a picture or video without decoding its content.

    Size is checked first (`empty`, `too-large`). Pictures are identified by Pillow;
    animated GIF and WebP, and everything Pillow does not know, become videos via
    ffprobe. Raises only MediaError for bad input: `unsupported` when the file is not a
    picture or video we accept, `unreadable` when it is one but broken, `too-many-pixels`
    for decompression bombs, `timeout`/`out-of-memory` when ffprobe had to be stopped.
    A video without a video stream is returned as is; `validate` rejects it.
    """
    check_size(path, limits)
    try:
        with open_picture(path, limits) as image:
            picture = _picture_info(path, image, limits)
            animated_gif = picture is None
    except NotAPicture:
        picture, animated_gif = None, False
    if picture is not None:
        return picture
    return _container_info(path, tools=tools, limits=limits, animated=animated_gif)


def check_size(path: Path, limits: Limits) -> None:
    """Reject missing, empty and oversized files before anything reads them."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise MediaError("The file could not be found or opened. Upload it again.", "unreadable") from exc
    if not path.is_file():
        raise MediaError("This is not a file. Upload a picture or video file.", "unsupported")
    if size == 0:
        raise MediaError("The file is empty (0 bytes). Check that the upload finished and try again.", "empty")
    if size > limits.max_file_bytes:
        raise MediaError(
            f"The file is larger than the {_gib(limits.max_file_bytes)} limit. "
            "Upload a shorter recording or split it into parts.",
            "too-large",
        )


def _picture_info(path: Path, image: Image.Image, limits: Limits) -> MediaInfo | None:
    """MediaInfo for a still or animated WebP; None for an animated GIF (ffprobe reads those)."""
    try:
        animated = image.format in ANIMATED_FORMATS and frame_count(image) > 1
        if animated and image.format == "GIF":
            return None
        width, height = displayed_size(image)
        check_pixels(width, height, limits)
        if animated:
            return _animated_webp_info(path, image, width, height)
        return _still_info(image, width, height)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many_pixels(str(exc)) from exc
    except DECODE_ERRORS as exc:
        raise MediaError(
            "This picture is damaged, so it cannot be read. Export or copy it again from the source.",
            "unreadable",
            detail=repr(exc),
        ) from exc


def check_pixels(width: int, height: int, limits: Limits) -> None:
    if width * height > limits.max_pixels:
        raise too_many_pixels(f"{width}x{height} > {limits.max_pixels} pixels")


def _still_info(image: Image.Image, width: int, height: int) -> MediaInfo:
    short = SHORT_FORMAT.get(image.format or "", (image.format or "unknown").lower())
    return MediaInfo(
        kind="image",
        format=short,
        width=width,
        height=height,
        duration_s=None,
        fps=None,
        video_codec=short,
        audio_codec=None,
        has_audio=False,
        streams=(StreamInfo(0, "video", short, {}),),
        creation_time=exif_creation_time(image),
    )


def _animated_webp_info(path: Path, image: Image.Image, width: int, height: int) -> MediaInfo:
    frames = frame_count(image)
    duration = webp.read_layout(path).duration_s or frames * 0.1
    return MediaInfo(
        kind="video",
        format="webp",
        width=width,
        height=height,
        duration_s=duration,
        fps=frames / duration,
        video_codec="webp",
        audio_codec=None,
        has_audio=False,
        streams=(StreamInfo(0, "video", "webp", {}),),
        creation_time=exif_creation_time(image),
        animated=True,
    )


def _container_info(path: Path, *, tools: Tools, limits: Limits, animated: bool) -> MediaInfo:
    data = ffprobe_json(path, tools=tools)
    raw_streams = [s for s in as_list(data.get("streams")) if isinstance(s, dict)]
    streams = tuple(_stream_info(position, raw) for position, raw in enumerate(raw_streams))
    container = data.get("format") if isinstance(data.get("format"), dict) else {}
    assert isinstance(container, dict)
    tags = tags_of(container.get("tags"))
    main = next((raw for raw, info in zip(raw_streams, streams, strict=True) if info.kind == "video"), None)
    audio = next((info for info in streams if info.kind == "audio"), None)
    width, height = _displayed_dimensions(main)
    if main is not None:
        check_pixels(width, height, limits)
    return MediaInfo(
        kind="video",
        format=_short_format(as_str(container.get("format_name")), tags, streams),
        width=width,
        height=height,
        duration_s=_duration(path, container, main, tools),
        fps=_frame_rate(main),
        video_codec=_codec_name(main) if main is not None else "",
        audio_codec=audio.codec if audio else None,
        has_audio=audio is not None,
        streams=streams,
        creation_time=_container_creation_time(tags, main),
        animated=animated,
        tags=tags,
        chapters=len(as_list(data.get("chapters"))),
    )


def _stream_info(position: int, raw: dict[str, Any]) -> StreamInfo:
    kind = as_str(raw.get("codec_type"))
    disposition = raw.get("disposition") if isinstance(raw.get("disposition"), dict) else {}
    assert isinstance(disposition, dict)
    if kind == "video" and disposition.get("attached_pic") == 1:
        kind = "attachment"
    elif kind not in _STREAM_KINDS:
        kind = "other"
    index = raw.get("index")
    return StreamInfo(
        index=index if isinstance(index, int) else position,
        kind=kind,
        codec=_codec_name(raw),
        tags=tags_of(raw.get("tags")),
    )


def _codec_name(raw: dict[str, Any]) -> str:
    name = as_str(raw.get("codec_name"))
    if name not in _NAMELESS_CODECS:
        return name
    tag = as_str(raw.get("codec_tag_string")).strip()
    # ffprobe prints unprintable tag bytes as "[0]"; such a tag names nothing.
    if tag and "[" not in tag:
        return tag
    return name or "unknown"


def _displayed_dimensions(main: dict[str, Any] | None) -> tuple[int, int]:
    if main is None:
        return 0, 0
    width, height = as_int(main.get("width")), as_int(main.get("height"))
    if rotation(main) % 180 == 90:
        return height, width
    return width, height


def _duration(path: Path, container: dict[str, Any], main: dict[str, Any] | None, tools: Tools) -> float | None:
    stated = positive(container.get("duration")) or (positive(main.get("duration")) if main else None)
    if stated is not None or main is None:
        return stated
    return measure_duration(path, tools=tools)


def _frame_rate(main: dict[str, Any] | None) -> float | None:
    if main is None:
        return None
    for key in ("avg_frame_rate", "r_frame_rate"):
        rate = parse_rate(as_str(main.get(key)))
        if rate:
            return rate
    return None


def _short_format(format_name: str, tags: dict[str, str], streams: tuple[StreamInfo, ...]) -> str:
    first = format_name.split(",")[0] or "unknown"
    if first == "mov":
        # Old QuickTime files have no brand at all.
        return "mov" if tags.get("major_brand", "").strip() in ("", "qt") else "mp4"
    if first == "matroska":
        codecs = {s.codec for s in streams if s.kind in ("video", "audio", "subtitle")}
        return "webm" if codecs and codecs <= _WEBM_CODECS else "matroska"
    return first


def _container_creation_time(tags: dict[str, str], main: dict[str, Any] | None) -> datetime | None:
    # Apple's key keeps the local offset; the generic one is UTC.
    candidates = [tags.get("com.apple.quicktime.creationdate"), tags.get("creation_time")]
    if main is not None:
        candidates.append(tags_of(main.get("tags")).get("creation_time"))
    for text in candidates:
        moment = parse_container_time(text)
        if moment is not None:
            return moment
    return None


def _gib(size: int) -> str:
    return f"{size / 1024**3:g} GiB" if size >= 1024**3 else f"{size / 1024**2:g} MiB"

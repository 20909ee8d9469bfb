"""Removing every piece of metadata from a validated picture or video.

The stored copy keeps only pixels (and, for video, the first video and optionally the
first audio stream). What was removed is reported in words for the audit record.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from . import webp
from .animation import webp_concat_list
from .atomic import atomic_output
from .errors import MediaError
from .images import DECODE_ERRORS, NotAPicture, open_picture, too_many_pixels
from .limits import Limits
from .picture_save import PictureFormat, clean_pixels, jpeg_subsampling, output_format, save_picture
from .probe import MediaInfo
from .removed import picture_metadata, video_parts
from .tools import PROGRESS_ARGS, FfmpegProgress, Tools, ffmpeg_command, media_input, run_tool, tool_path
from .video_encode import (
    AAC,
    EVEN_CROP,
    FASTSTART,
    MP4_AUDIO,
    MP4_VIDEO,
    NO_METADATA,
    WEBM_AUDIO,
    WEBM_VIDEO,
    X264,
    verify_clean,
)

Progress = Callable[[float], None]


@dataclass(frozen=True)
class StripResult:
    """The stored file (`stripped.<format>` in the destination folder), its extension
    without the dot, and a human summary of what was removed."""

    path: Path
    format: str
    removed: tuple[str, ...]


def strip_image(src: Path, dst_dir: Path, *, info: MediaInfo, limits: Limits) -> StripResult:
    """Save the picture's pixels, upright and in sRGB, with no metadata at all.

    The EXIF orientation is applied to the pixels and an embedded colour profile is
    converted to sRGB; then only raw pixels are saved: no EXIF, XMP, IPTC, comments, maker
    notes, PNG text chunks, profiles or thumbnails. JPEG stays JPEG (quality 95, the
    source's chroma subsampling), PNG stays PNG, WebP stays WebP (lossless if the source
    is), TIFF stays TIFF (deflate), AVIF stays AVIF. HEIC/HEIF becomes JPEG because
    browsers cannot show HEIC. A static GIF and any other format become PNG. Of a
    multi-page TIFF (or MPO) only the first picture is kept, and `removed` says so.
    Raises MediaError (`decode-failed`, `too-many-pixels`, `tool-failed`).
    """
    target = output_format(info.format)
    pixels, removed, subsampling = read_clean_picture(src, target, limits)
    lossless = info.format == "webp" and webp.read_layout(src).lossless
    final = dst_dir / f"stripped.{target.ext}"
    with atomic_output(final) as temporary:
        try:
            save_picture(pixels, temporary, target, lossless=lossless, subsampling=subsampling)
        except DECODE_ERRORS as exc:
            raise MediaError(
                "The cleaned picture could not be saved. Try converting it to JPEG or PNG and upload it again.",
                "tool-failed",
                detail=repr(exc),
            ) from exc
    return StripResult(final, target.ext, tuple(removed))


def read_clean_picture(src: Path, target: PictureFormat, limits: Limits) -> tuple[Image.Image, list[str], int]:
    """The picture upright, in sRGB, without any metadata; what metadata it carried; and
    the JPEG chroma subsampling to keep."""
    try:
        with open_picture(src, limits) as image:
            image.load()
            removed = picture_metadata(image)
            return clean_pixels(image, target), removed, jpeg_subsampling(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many_pixels(str(exc)) from exc
    except (NotAPicture, *DECODE_ERRORS) as exc:
        raise MediaError(
            "The picture is damaged: its pixels could not be decoded. Copy or export it again and upload it again.",
            "decode-failed",
            detail=repr(exc),
        ) from exc


@dataclass(frozen=True)
class _Plan:
    muxer: str
    ext: str
    copy_video: bool
    copy_audio: bool

    @property
    def copies(self) -> bool:
        return self.copy_video and self.copy_audio


# NAL unit types of SEI messages: H.264 6; HEVC 39 (prefix) and 40 (suffix).
_SEI_TYPES = {"h264": "6", "hevc": "39|40"}
_REENCODE = _Plan("mp4", "mp4", copy_video=False, copy_audio=False)


def strip_video(
    src: Path,
    dst_dir: Path,
    *,
    info: MediaInfo,
    keep_audio: bool,
    tools: Tools,
    limits: Limits,
    progress: Progress | None = None,
) -> StripResult:
    """Store only the first real video stream (and, with `keep_audio`, the first audio stream).

    Data streams (GoPro GPS telemetry, timecode), subtitles, attachments, cover pictures,
    chapters and all container and stream tags are dropped; the output is checked with
    ffprobe and refused if any tag or extra stream survived. Streams are copied when their
    codec fits the container: MP4 (faststart) for H.264/HEVC/MPEG-4/AV1 (with AAC, MP3,
    ALAC or Opus), WebM for VP8/VP9 with Vorbis/Opus, MKV for other codecs. Otherwise,
    or when copying fails, and always for animated GIF/WebP, it is re-encoded to H.264
    MP4 (libx264 CRF 18, yuv420p, AAC). `progress` receives 0..1. Raises MediaError.
    """
    plan = _choose_plan(info, keep_audio)
    report = progress or (lambda _fraction: None)
    report(0.0)
    try:
        result = _strip_with(plan, src, dst_dir, info=info, keep_audio=keep_audio, tools=tools, report=report)
    except MediaError as exc:
        # A codec that "fits" can still refuse to be copied (missing headers, odd
        # timestamps); decoding and encoding again fixes most of those files.
        if exc.code != "tool-failed" or plan == _REENCODE:
            raise
        result = _strip_with(_REENCODE, src, dst_dir, info=info, keep_audio=keep_audio, tools=tools, report=report)
    report(1.0)
    return result


def _choose_plan(info: MediaInfo, keep_audio: bool) -> _Plan:
    audio = info.audio_codec if keep_audio and info.has_audio else None
    video = info.video_codec
    if info.animated:
        return _REENCODE
    if video in MP4_VIDEO:
        return _Plan("mp4", "mp4", copy_video=True, copy_audio=audio is None or audio in MP4_AUDIO)
    if video in WEBM_VIDEO and (audio is None or audio in WEBM_AUDIO):
        return _Plan("webm", "webm", copy_video=True, copy_audio=True)
    return _Plan("matroska", "mkv", copy_video=True, copy_audio=True)


def _strip_with(
    plan: _Plan, src: Path, dst_dir: Path, *, info: MediaInfo, keep_audio: bool, tools: Tools, report: Progress
) -> StripResult:
    final = dst_dir / f"stripped.{plan.ext}"
    duration = info.duration_s or 0.0
    timeout = 60 + (duration / 4 if plan.copies else 4 * duration)
    with tempfile.TemporaryDirectory(prefix=".strip-", dir=dst_dir) as work, atomic_output(final) as temporary:
        args = ffmpeg_command(
            tools,
            *_input(src, info, Path(work)),
            *_stream_options(plan, info, keep_audio),
            *NO_METADATA,
            *(FASTSTART if plan.muxer == "mp4" else ()),
            *("-f", plan.muxer, "-y", tool_path(temporary)),
            *PROGRESS_ARGS,
        )
        run_tool(
            args,
            timeout=timeout,
            memory_bytes=tools.memory_bytes,
            what="removing hidden information from the video",
            on_stdout_line=FfmpegProgress(duration, report),
        )
        verify_clean(temporary, tools=tools)
    kept = _kept_streams(info, keep_audio)
    return StripResult(final, plan.ext, tuple(video_parts(info, kept=kept)))


def _input(src: Path, info: MediaInfo, work: Path) -> list[str]:
    if info.animated and info.format == "webp":
        # ffmpeg 5.1 cannot decode animated WebP: Pillow writes the frames as PNGs.
        listing = webp_concat_list(src, work)
        return ["-f", "concat", "-safe", "0", "-protocol_whitelist", "file", "-i", tool_path(listing)]
    return media_input(src)


def _stream_options(plan: _Plan, info: MediaInfo, keep_audio: bool) -> list[str]:
    options = ["-map", "0:V:0"]
    options += ["-c:v", "copy"] if plan.copy_video else [*X264, "-vf", EVEN_CROP]
    if plan.copy_video and info.video_codec in _SEI_TYPES:
        # SEI messages inside the bitstream can carry camera user data (some dashcams
        # and drones put GPS there); pictures do not need them.
        options += ["-bsf:v", f"filter_units=remove_types={_SEI_TYPES[info.video_codec]}"]
    if plan.copy_video and plan.muxer == "mp4" and info.video_codec == "hevc":
        options += ["-tag:v", "hvc1"]  # the tag Apple players need to play HEVC in MP4
    if keep_audio and info.has_audio:
        options += ["-map", "0:a:0?", *(("-c:a", "copy") if plan.copy_audio else AAC)]
    return options


def _kept_streams(info: MediaInfo, keep_audio: bool) -> set[int]:
    video = next((s.index for s in info.streams if s.kind == "video"), None)
    audio = next((s.index for s in info.streams if s.kind == "audio"), None) if keep_audio else None
    return {index for index in (video, audio) if index is not None}

"""Whether a probed file is footage we can work with, ending in a bounded decode test."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from .errors import MediaError
from .images import DECODE_ERRORS, NotAPicture, open_picture, too_many_pixels
from .limits import Limits
from .probe import MediaInfo, check_pixels
from .tools import PROGRESS_ARGS, FfmpegProgress, Tools, ffmpeg_command, media_input, run_tool

DECODE_TEST_SECONDS = 2


def validate(path: Path, info: MediaInfo, *, tools: Tools, limits: Limits) -> None:
    """Raise MediaError unless the file at `path` (described by `info`) can be ingested.

    Checks, in order: a video stream exists (`no-video-stream`), both sides are at least
    `limits.min_side` (`too-small`), the picture size (`too-many-pixels`), a video's
    duration and frame count (`unreadable` when unknown, `too-long`), then decodes: all
    pixels of a picture with Pillow, or the first two seconds of a video with ffmpeg
    under the time and memory limits, which must give at least one frame
    (`decode-failed`).
    """
    _require_video_stream(info)
    _require_min_size(info, limits)
    check_pixels(info.width, info.height, limits)
    if info.kind == "video":
        _require_duration(info, limits)
    # ffmpeg 5.1 cannot decode animated WebP; Pillow can.
    if info.kind == "image" or (info.animated and info.format == "webp"):
        _decode_picture(path, limits)
    else:
        _decode_video(path, tools)


def _require_video_stream(info: MediaInfo) -> None:
    if not any(stream.kind == "video" for stream in info.streams) or not info.video_codec:
        raise MediaError(
            "This file contains no moving pictures (it may be sound only or a single cover picture). "
            "Upload a file that contains the video footage.",
            "no-video-stream",
        )


def _require_min_size(info: MediaInfo, limits: Limits) -> None:
    if min(info.width, info.height) < limits.min_side:
        what = "picture" if info.kind == "image" else "video"
        raise MediaError(
            f"The {what} is only {info.width} x {info.height} pixels, too small to show anyone. "
            "Upload the original recording or photo.",
            "too-small",
        )


def _require_duration(info: MediaInfo, limits: Limits) -> None:
    duration = info.duration_s
    if not duration or duration <= 0:
        raise MediaError(
            "The video's length is unknown, which usually means the recording was not finished properly. "
            "Export it again from the recorder and upload it again.",
            "unreadable",
        )
    if duration > limits.max_duration_s:
        raise MediaError(
            f"The video is {_hours(duration)} long; the limit is {_hours(limits.max_duration_s)}. "
            "Split it into shorter parts and upload them separately.",
            "too-long",
        )
    if info.fps and duration * info.fps > limits.max_frames:
        raise MediaError(
            f"The video has more than {limits.max_frames:,} frames, the most we can process in one file. "
            "Split it into shorter parts and upload them separately.",
            "too-long",
        )


def _decode_picture(path: Path, limits: Limits) -> None:
    try:
        with open_picture(path, limits) as image:
            image.load()
            check_pixels(*image.size, limits)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many_pixels(str(exc)) from exc
    except NotAPicture as exc:
        raise _decode_failed("picture", str(exc)) from exc
    except DECODE_ERRORS as exc:
        raise _decode_failed("picture", repr(exc)) from exc


def _decode_video(path: Path, tools: Tools) -> None:
    progress = FfmpegProgress()
    args = ffmpeg_command(
        tools,
        *media_input(path),
        *("-map", "0:V:0", "-t", str(DECODE_TEST_SECONDS), "-f", "null", "-"),
        *PROGRESS_ARGS,
    )
    try:
        run_tool(
            args,
            timeout=tools.probe_timeout_s,
            memory_bytes=tools.memory_bytes,
            what="test-playing the video",
            on_stdout_line=progress,
        )
    except MediaError as exc:
        if exc.code != "tool-failed":
            raise
        raise _decode_failed("video", exc.detail) from exc
    if progress.frames < 1:
        raise _decode_failed("video", f"no frame decoded in the first {DECODE_TEST_SECONDS} s")


def _decode_failed(what: str, detail: str) -> MediaError:
    content = "image data" if what == "picture" else "frames"
    return MediaError(
        f"The {what} is damaged: its {content} could not be decoded. "
        "Copy or export it again from the source and upload it again.",
        "decode-failed",
        detail=detail,
    )


def _hours(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 60:.0f} minutes" if seconds >= 60 else f"{seconds:.0f} seconds"

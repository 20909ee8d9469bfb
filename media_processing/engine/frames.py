"""Single frames as JPEG: previews, thumbnails and stills for reports."""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image

from .atomic import atomic_output
from .errors import MediaError
from .images import DECODE_ERRORS, NotAPicture, frame_count, open_picture, too_many_pixels
from .limits import Limits
from .picture_save import JPEG, clean_pixels, save_picture
from .tools import Tools, ffmpeg_command, media_input, run_tool, tool_path


def extract_frame(path: Path, at_s: float, dst: Path, *, tools: Tools, max_width: int = 1280) -> Path:
    """Write the frame shown at `at_s` seconds as a JPEG at `dst`, at most `max_width` wide.

    Videos use ffmpeg with a fast seek (to the keyframe-accurate position ffmpeg finds);
    pictures give a resized, upright, metadata-free JPEG copy (animated WebP: the frame
    shown at `at_s`). The aspect ratio is kept; nothing is enlarged. Raises ValueError for
    a negative time, MediaError when no frame can be produced.
    """
    if not math.isfinite(at_s) or at_s < 0:
        raise ValueError(f"The frame time must be a non-negative number of seconds; got {at_s}.")
    with atomic_output(dst) as temporary:
        if not _picture_frame(path, at_s, temporary, max_width):
            _video_frame(path, at_s, temporary, tools, max_width)
    return dst


def _picture_frame(path: Path, at_s: float, output: Path, max_width: int) -> bool:
    """Save a still picture's frame; False when `path` is a video (animated GIF included)."""
    try:
        with open_picture(path, Limits()) as image:
            frames = frame_count(image)
            if image.format == "GIF" and frames > 1:
                return False
            _seek_to_time(image, at_s, frames)
            image.load()
            pixels = clean_pixels(image, JPEG)
    except NotAPicture:
        return False
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many_pixels(str(exc)) from exc
    except DECODE_ERRORS as exc:
        raise MediaError("The picture could not be read to make a preview.", "decode-failed", detail=repr(exc)) from exc
    pixels.thumbnail((max_width, pixels.height))  # shrinks only, keeps the aspect ratio
    save_picture(pixels, output, JPEG, lossless=False, subsampling=2)
    return True


def _seek_to_time(image: Image.Image, at_s: float, frames: int) -> None:
    elapsed_ms = 0.0
    for index in range(frames):
        image.seek(index)
        elapsed_ms += float(image.info.get("duration") or 100)
        if elapsed_ms > at_s * 1000:
            return


def _video_frame(path: Path, at_s: float, output: Path, tools: Tools, max_width: int) -> None:
    args = ffmpeg_command(
        tools,
        *("-ss", f"{at_s:.3f}", *media_input(path)),
        *("-map", "0:V:0", "-frames:v", "1", "-vf", f"scale='min(iw,{max_width})':-2"),
        *("-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact"),
        *("-c:v", "mjpeg", "-q:v", "3", "-f", "image2", "-update", "1", "-y", tool_path(output)),
    )
    run_tool(args, timeout=tools.probe_timeout_s, memory_bytes=tools.memory_bytes, what="taking a still from the video")
    if output.stat().st_size == 0:
        raise MediaError(
            f"There is no picture at {at_s:.1f} seconds; the time may be past the end of the video.",
            "decode-failed",
        )

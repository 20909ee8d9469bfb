"""Blacking out fixed areas (privacy masks) and keeping only a region of interest.

Polygons are in normalised coordinates (0..1, x then y) of the full original frame, so
one configuration fits every resolution a camera records in.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from . import webp
from .atomic import atomic_output
from .errors import MediaError
from .images import DECODE_ERRORS, SHORT_FORMAT, NotAPicture, open_picture, too_many_pixels
from .limits import Limits
from .picture_save import WEBP, clean_pixels, jpeg_subsampling, output_format, save_picture
from .probe import MediaInfo, probe
from .tools import PROGRESS_ARGS, FfmpegProgress, Tools, ffmpeg_command, media_input, run_tool, tool_path
from .video_encode import AAC, FASTSTART, MP4_AUDIO, NO_METADATA, X264

Polygon = list[tuple[float, float]]
Box = tuple[int, int, int, int]  # left, top, width, height in pixels
_WHOLE_FRAME: Polygon = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]


def validate_polygon(points: object) -> Polygon:
    """Return `points` as a Polygon, or raise ValueError saying what is wrong.

    A polygon is a list of at least 3 [x, y] pairs of numbers, each between 0 and 1.
    """
    if isinstance(points, str | bytes) or not isinstance(points, Sequence):
        raise ValueError("A polygon must be a list of [x, y] points.")
    if len(points) < 3:
        raise ValueError(f"A polygon needs at least 3 points; this one has {len(points)}.")
    return [_point(point, position) for position, point in enumerate(points, start=1)]


def _point(point: object, position: int) -> tuple[float, float]:
    if isinstance(point, str | bytes) or not isinstance(point, Sequence) or len(point) != 2:
        raise ValueError(f"Point {position} of the polygon must be a pair [x, y].")
    x, y = point
    for value in (x, y):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"Point {position} of the polygon must contain two numbers.")
        if not 0 <= value <= 1:
            raise ValueError(f"Point {position} of the polygon lies outside the picture (coordinates go from 0 to 1).")
    return float(x), float(y)


def apply_masks(
    src: Path,
    dst_dir: Path,
    *,
    info: MediaInfo,
    masks: list[Polygon],
    roi: Polygon | None,
    tools: Tools,
    limits: Limits,
    progress: Callable[[float], None] | None = None,
) -> Path:
    """Fill every mask polygon with solid black in every frame; keep only the ROI.

    With `roi`, everything outside the ROI polygon is black and the picture is cropped
    to the ROI's bounding box (even sides for video). Masks are drawn before the crop.
    Pictures (`info.kind == "image"`, `src` already stripped) keep their format; videos
    are re-encoded in one ffmpeg pass to H.264 MP4 (CRF 18, faststart), audio copied
    when MP4 can hold it. Writes `masked.<ext>` in `dst_dir` and returns its path.
    Raises ValueError for malformed polygons, MediaError when the file cannot be processed.
    """
    polygons = [validate_polygon(mask) for mask in masks]
    region = validate_polygon(roi) if roi is not None else None
    report = progress or (lambda _fraction: None)
    report(0.0)
    if info.kind == "image":
        result = _mask_picture(src, dst_dir, polygons, region, limits)
    else:
        result = _mask_video(src, dst_dir, polygons, region, tools=tools, limits=limits, report=report)
    report(1.0)
    return result


def _mask_picture(src: Path, dst_dir: Path, polygons: list[Polygon], region: Polygon | None, limits: Limits) -> Path:
    try:
        with open_picture(src, limits) as image:
            image.load()
            target = output_format(SHORT_FORMAT.get(image.format or "", "png"))
            pixels, subsampling = clean_pixels(image, target), jpeg_subsampling(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many_pixels(str(exc)) from exc
    except (NotAPicture, *DECODE_ERRORS) as exc:
        raise MediaError(
            "The picture could not be read to apply the masks. Upload it again.", "decode-failed", detail=repr(exc)
        ) from exc
    masked = draw_masks(pixels, polygons, region)
    lossless = target is WEBP and webp.read_layout(src).lossless
    final = dst_dir / f"masked.{target.ext}"
    with atomic_output(final) as temporary:
        save_picture(masked, temporary, target, lossless=lossless, subsampling=subsampling)
    return final


def draw_masks(image: Image.Image, polygons: list[Polygon], region: Polygon | None) -> Image.Image:
    """Black out `polygons` in `image` (in place) and return the ROI crop (or the image)."""
    width, height = image.size
    black = _black(image.mode)
    draw = ImageDraw.Draw(image)
    for polygon in polygons:
        draw.polygon(_pixels(polygon, width, height), fill=black)
    if region is None:
        return image
    image.paste(black, (0, 0, width, height), ImageOps.invert(_region_mask(region, width, height)))
    left, top, box_width, box_height = crop_box(region, width, height, even=False)
    return image.crop((left, top, left + box_width, top + box_height))


def _black(mode: str) -> float | tuple[int, ...]:
    return {"LA": (0, 255), "RGB": (0, 0, 0), "RGBA": (0, 0, 0, 255), "CMYK": (0, 0, 0, 255)}.get(mode, 0)


def _pixels(polygon: Polygon, width: int, height: int) -> list[tuple[float, float]]:
    return [(x * width, y * height) for x, y in polygon]


def _region_mask(region: Polygon, width: int, height: int) -> Image.Image:
    inside = Image.new("L", (width, height), 0)
    ImageDraw.Draw(inside).polygon(_pixels(region, width, height), fill=255)
    return inside


def crop_box(region: Polygon, width: int, height: int, *, even: bool) -> Box:
    """Bounding box of `region` in pixels, at least 1 (or, with `even`, 2) pixels a side.

    With `even`, left/top and width/height are even, as 4:2:0 video requires.
    """
    step = 2 if even else 1
    left, right = _span([x for x, _ in region], width, step)
    top, bottom = _span([y for _, y in region], height, step)
    return left, top, right - left, bottom - top


def _span(values: list[float], size: int, step: int) -> tuple[int, int]:
    usable = max(step, size - size % step)
    start = math.floor(min(values) * size)
    start = min(start - start % step, usable - step)
    end = min(max(math.ceil(max(values) * size), start + step), usable)
    return start, end - (end - start) % step


def _mask_video(
    src: Path,
    dst_dir: Path,
    polygons: list[Polygon],
    region: Polygon | None,
    *,
    tools: Tools,
    limits: Limits,
    report: Callable[[float], None],
) -> Path:
    # The decoded (display-rotated) size of the stored file, not the original's.
    stored = probe(src, tools=tools, limits=limits)
    width, height = stored.width, stored.height
    box = crop_box(region or _WHOLE_FRAME, width, height, even=True)
    duration = stored.duration_s or 0.0
    final = dst_dir / "masked.mp4"
    with tempfile.TemporaryDirectory(prefix=".mask-", dir=dst_dir) as work, atomic_output(final) as temporary:
        overlay = Path(work) / "mask.png"
        _mask_overlay(polygons, region, width, height).save(overlay, format="PNG")
        args = ffmpeg_command(
            tools,
            *media_input(src),
            *("-f", "png_pipe", "-i", tool_path(overlay)),
            *("-filter_complex", f"[0:V:0][1:v]overlay=0:0,crop={box[2]}:{box[3]}:{box[0]}:{box[1]}[v]"),
            *("-map", "[v]", *X264),
            *_audio_options(stored),
            *NO_METADATA,
            *FASTSTART,
            *("-f", "mp4", "-y", tool_path(temporary)),
            *PROGRESS_ARGS,
        )
        run_tool(
            args,
            timeout=60 + 4 * duration,
            memory_bytes=tools.memory_bytes,
            what="applying the privacy masks to the video",
            on_stdout_line=FfmpegProgress(duration, report),
        )
    return final


def _mask_overlay(polygons: list[Polygon], region: Polygon | None, width: int, height: int) -> Image.Image:
    """Transparent picture the size of a frame: black polygons, black outside the ROI."""
    overlay = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if region is not None:
        overlay.paste((0, 0, 0, 255), (0, 0, width, height), ImageOps.invert(_region_mask(region, width, height)))
    draw = ImageDraw.Draw(overlay)
    for polygon in polygons:
        draw.polygon(_pixels(polygon, width, height), fill=(0, 0, 0, 255))
    return overlay


def _audio_options(stored: MediaInfo) -> list[str]:
    if not stored.has_audio:
        return []
    return ["-map", "0:a:0?", *(("-c:a", "copy") if stored.audio_codec in MP4_AUDIO else AAC)]

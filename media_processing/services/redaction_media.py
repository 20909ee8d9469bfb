"""The media engine's redaction, as the redaction jobs and pages use it: detection into
a track store and rendering from one, for videos and pictures alike, and the small
frames of the track strip. Paths in, files and plain records out; no database here.

A picture is handled as a video of one frame: each detection is a track of its own
(ids 1..n), so a keep list names tracks the same way for both.
"""

from __future__ import annotations

import io
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from media_processing import engine_config
from media_processing.engine.atomic import atomic_output
from media_processing.engine.detection.registry import detect_all
from media_processing.engine.errors import MediaError
from media_processing.engine.frames import extract_frame
from media_processing.engine.hashing import sha256_file
from media_processing.engine.picture_save import PictureFormat, output_format, save_picture
from media_processing.engine.probe import probe
from media_processing.engine.redaction import (
    Keyframe,
    ManualTrack,
    Mode,
    RenderStyle,
    Shape,
    VideoRedaction,
    redact_regions,
)
from media_processing.engine.redaction.video import detect_video, detector_records, redact_video
from media_processing.engine.strip import read_clean_picture
from media_processing.engine.track_store import TrackStore, TrackStoreBuilder

Fraction = Callable[[float], None]

# The side of a track's thumbnail (pixels), and how much of the frame around the box it
# shows (box sizes on each side): enough to recognise who it is.
THUMBNAIL_SIDE = 160
THUMBNAIL_CONTEXT = 0.75
_BOX_COLOUR = (255, 204, 0)


# One keyframe of a box drawn by hand: (frame, x, y, w, h), in frames and pixels of the footage.
KeyframeSpec = tuple[int, float, float, float, float]


@dataclass(frozen=True)
class Rendering:
    """What a redacted copy should look like; `keep_tracks` stay visible.

    `manual` holds the boxes a reviewer drew, always covered: each a tuple of keyframes
    counted in frames of the whole footage (also when only [`start_s`, `end_s`) is made).
    """

    mode: str
    shape: str
    keep_tracks: frozenset[int] = frozenset()
    keep_audio: bool = False
    start_s: float | None = None
    end_s: float | None = None
    manual: tuple[tuple[KeyframeSpec, ...], ...] = ()

    @property
    def style(self) -> RenderStyle:
        return RenderStyle(mode=Mode(self.mode), shape=Shape(self.shape))

    def manual_as_json(self) -> list[dict[str, Any]]:
        """The boxes drawn by hand as job arguments carry them ({"keyframes": [{frame, x, y, w, h}]})."""
        names = ("frame", "x", "y", "w", "h")
        return [{"keyframes": [dict(zip(names, key, strict=True)) for key in box]} for box in self.manual]


def manual_from_json(boxes: Sequence[dict[str, Any]]) -> tuple[tuple[KeyframeSpec, ...], ...]:
    """`Rendering.manual` from the JSON form (`ResponseItem.manual_boxes`, job arguments)."""
    return tuple(
        tuple(
            (int(key["frame"]), float(key["x"]), float(key["y"]), float(key["w"]), float(key["h"]))
            for key in box["keyframes"]
        )
        for box in boxes
    )


def manual_tracks(rendering: Rendering, fps: float) -> tuple[ManualTrack, ...]:
    """The engine's manual tracks, whose frames count from the first frame rendered."""
    offset = round((rendering.start_s or 0.0) * fps)
    return tuple(
        ManualTrack([Keyframe(frame - offset, x, y, w, h) for frame, x, y, w, h in box]) for box in rendering.manual
    )


def output_suffix(src: Path, *, picture: bool) -> str:
    """The redacted copy's file suffix: MP4 for video, the stored format of a picture."""
    if not picture:
        return ".mp4"
    return f".{_picture_format(src).ext}"


def detect(src: Path, *, picture: bool, progress: Fraction) -> TrackStore:
    """Every face and plate of `src` as anonymous tracks (boxes only)."""
    detectors = engine_config.detectors()
    if picture:
        progress(0.1)
        store = _picture_store(src, detectors)
        progress(1.0)
        return store
    return detect_video(
        src, detectors=detectors, tools=engine_config.tools(), limits=engine_config.limits(), progress=progress
    )


def render(
    src: Path,
    dst: Path,
    *,
    picture: bool,
    rendering: Rendering,
    store: TrackStore | None,
    save_tracks: Path,
    progress: Fraction,
) -> dict[str, Any]:
    """Write the redacted copy of `src` to `dst` and return its redaction record.

    With `store`, its tracks are covered and no detector runs (`tracks_source`
    "stored"); without, the detectors run in the same pass and what they found is saved
    to `save_tracks` ("detected"). Each file appears complete or not at all.
    """
    if picture:
        detected = store is None
        if store is None:
            store = _picture_store(src, engine_config.detectors())
            store.save(save_tracks)
        progress(0.5)
        record = _render_picture(src, dst, store=store, rendering=rendering, detected=detected)
        progress(1.0)
        return record
    fps = store.fps if store is not None else _video_fps(src)
    settings = VideoRedaction(
        style=rendering.style,
        keep_tracks=rendering.keep_tracks,
        manual=manual_tracks(rendering, fps),
        keep_audio=rendering.keep_audio,
        start_s=rendering.start_s,
        end_s=rendering.end_s,
    )
    return redact_video(
        src,
        dst,
        detectors=engine_config.detectors() if store is None else (),
        settings=settings,
        tools=engine_config.tools(),
        limits=engine_config.limits(),
        progress=progress,
        store=store,
        save_tracks=save_tracks if store is None else None,
    )


def _video_fps(src: Path) -> float:
    """The frame rate the engine counts frames with (the same fallback as it uses)."""
    return probe(src, tools=engine_config.tools(), limits=engine_config.limits()).fps or 25.0


def _picture_format(src: Path) -> PictureFormat:
    info = probe(src, tools=engine_config.tools(), limits=engine_config.limits())
    if info.kind != "image":
        raise MediaError("This file is not a picture.", "unsupported")
    return output_format(info.format)


def _clean_picture(src: Path) -> tuple[Image.Image, PictureFormat, int]:
    """The picture as the ingestion stored it (upright, sRGB), in the format it is saved in."""
    target = _picture_format(src)
    clean, _removed, subsampling = read_clean_picture(src, target, engine_config.limits())
    return clean, target, subsampling


def _bgr(picture: Image.Image) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(picture.convert("RGB"))[:, :, ::-1])


def _picture_store(src: Path, detectors: Sequence[Any]) -> TrackStore:
    clean, _target, _subsampling = _clean_picture(src)
    builder = TrackStoreBuilder()
    labels: dict[int, str] = {}
    for track_id, box in enumerate(detect_all(detectors, _bgr(clean)), start=1):
        builder.add(0, track_id, (box.x, box.y, box.w, box.h), box.score, True)
        labels[track_id] = box.label
    return builder.build(
        width=clean.width,
        height=clean.height,
        fps=1.0,
        frame_count=1,
        labels=labels,
        detectors=detector_records(detectors),
        settings={"picture": True},
    )


def _render_picture(src: Path, dst: Path, *, store: TrackStore, rendering: Rendering, detected: bool) -> dict[str, Any]:
    began = time.monotonic()
    clean, target, subsampling = _clean_picture(src)
    if (clean.width, clean.height) != (store.width, store.height):
        raise MediaError(
            "The saved detections belong to a picture of another size; run the detection again.", "tracks-invalid"
        )
    found = store.covers_at(0)
    covered = [box for track_id, box in found.items() if track_id not in rendering.keep_tracks]
    bgr = redact_regions(_bgr(clean), covered, rendering.style)
    result = Image.fromarray(np.ascontiguousarray(bgr[:, :, ::-1]))
    if clean.mode in ("RGBA", "LA"):
        result.putalpha(clean.getchannel("A"))
    with atomic_output(dst) as temporary:
        save_picture(result, temporary, target, lossless=target.ext == "png", subsampling=subsampling)
    return {
        "input_sha256": sha256_file(src),
        "output_sha256": sha256_file(dst),
        "tracks_source": "detected" if detected else "stored",
        "detectors": store.detectors,
        "finding": store.settings,
        "detections": store.detections,
        "mode": rendering.mode,
        "shape": rendering.shape,
        "margin": rendering.style.margin,
        "start_s": None,
        "end_s": None,
        "audio": "none",
        "frames": 1,
        "tracks": {str(track_id): box.label for track_id, box in sorted(found.items())},
        "keep_tracks": sorted(rendering.keep_tracks),
        "manual_boxes": [],
        "wall_s": round(time.monotonic() - began, 3),
    }


def thumbnail_jpeg(src: Path, *, at_s: float, box: dict[str, float], frame_width: int, frame_height: int) -> bytes:
    """A small JPEG of the frame at `at_s` around `box` (pixels of a `frame_width` x
    `frame_height` frame), with the box outlined. Raw footage: serve it only under a grant."""
    with tempfile.TemporaryDirectory(prefix="thumb-") as folder:
        jpeg = extract_frame(src, at_s, Path(folder) / "frame.jpg", tools=engine_config.tools(), max_width=frame_width)
        with Image.open(jpeg) as image:
            frame = image.convert("RGB")
    scale_x, scale_y = frame.width / frame_width, frame.height / frame_height
    x, y = box["x"] * scale_x, box["y"] * scale_y
    w, h = box["w"] * scale_x, box["h"] * scale_y
    side = max(w, h) * (1 + 2 * THUMBNAIL_CONTEXT)
    side = min(max(side, 48.0), float(frame.width), float(frame.height))
    left = min(max(0.0, x + w / 2 - side / 2), frame.width - side)
    top = min(max(0.0, y + h / 2 - side / 2), frame.height - side)
    crop = frame.crop((round(left), round(top), round(left + side), round(top + side)))
    zoom = THUMBNAIL_SIDE / crop.width
    crop = crop.resize((THUMBNAIL_SIDE, max(1, round(crop.height * zoom))), Image.Resampling.LANCZOS)
    outline = [(x - left) * zoom, (y - top) * zoom, (x - left + w) * zoom, (y - top + h) * zoom]
    ImageDraw.Draw(crop).rectangle(outline, outline=_BOX_COLOUR, width=2)
    buffer = io.BytesIO()
    crop.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()

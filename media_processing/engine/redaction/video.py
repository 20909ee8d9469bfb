"""The streaming redaction of a video: decode → detect → track → cover → encode.

Frames flow one at a time from an ffmpeg decoder through the detectors and the
tracker into an ffmpeg H.264 encoder; only the frames of the temporal margin are held
back, so memory stays constant whatever the length. The output is written under a
temporary name and renamed only when the encoder has finished cleanly.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from ..atomic import atomic_output
from ..detection.base import Box, Detector
from ..detection.frames import Frame, video_frames
from ..detection.registry import detect_all
from ..errors import MediaError
from ..hashing import sha256_file
from ..limits import Limits
from ..probe import probe
from ..tools import OutputCollector, Tools, ffmpeg_command, kill_process_group, media_input, start_tool, tool_failure
from ..tracking import TrackedBox, Tracker
from .manual import ManualTrack
from .render import RenderStyle, redact_regions

Progress = Callable[[float], None]


@dataclass(frozen=True)
class VideoRedaction:
    """What to hide and how.

    `detect_every` runs the detectors on every Nth frame and lets the tracker carry
    the boxes in between; `temporal_margin` covers each track that many frames before
    it is first detected and after it is last seen. Tracks in `keep_tracks` (the
    requester) are left visible; `manual` boxes are always covered.
    """

    style: RenderStyle = field(default_factory=RenderStyle)
    detect_every: int = 1
    temporal_margin: int = 5
    max_missed: int = 25
    keep_tracks: frozenset[int] = frozenset()
    manual: tuple[ManualTrack, ...] = ()
    start_s: float | None = None
    end_s: float | None = None
    keep_audio: bool = False
    crf: int = 20
    preset: str = "veryfast"

    def __post_init__(self) -> None:
        if self.detect_every < 1 or self.temporal_margin < 0:
            raise ValueError("detect_every must be at least 1 and temporal_margin at least 0")
        if self.start_s is not None and self.end_s is not None and self.end_s <= self.start_s:
            raise ValueError("the end of the redacted part must come after its start")
        if not 0 <= self.crf <= 51:
            raise ValueError("crf must be between 0 and 51")


@dataclass
class _Pending:
    frame: Frame
    covers: dict[int, Box]  # track id (or negative for manual boxes) -> box to cover


def redact_video(
    src: Path,
    dst: Path,
    *,
    detectors: Sequence[Detector],
    settings: VideoRedaction,
    tools: Tools,
    limits: Limits,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write the redacted copy of `src` to `dst` (H.264 MP4, yuv420p, faststart) and
    return its redaction record. `progress(fraction)` may raise to cancel: the
    processes are stopped and nothing is left at `dst`."""
    began = time.monotonic()
    info = probe(src, tools=tools, limits=limits)
    if info.kind != "video":
        raise MediaError("This file is not a video.", "no-video-stream")
    fps = info.fps or 25.0
    length = _trimmed_length(info.duration_s or 0.0, settings)
    expected_frames = max(1, round(length * fps))
    report = progress or (lambda _fraction: None)
    tracker = Tracker(max_missed=settings.max_missed)
    stats = _Stats()
    dst.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(dst) as temporary:
        encoder = _Encoder(temporary, info.width, info.height, fps, src, settings, tools)
        frames = video_frames(
            src, tools=tools, limits=limits, info=info, start_s=settings.start_s, end_s=settings.end_s
        )
        try:
            pending: deque[_Pending] = deque()
            lingering: dict[int, tuple[Box, int]] = {}
            for frame in frames:
                covers = _covers_for(frame, detectors, tracker, settings, stats, lingering)
                _cover_earlier(pending, covers, stats, settings.temporal_margin)
                pending.append(_Pending(frame, covers))
                if len(pending) > settings.temporal_margin:
                    encoder.write(_drawn(pending.popleft(), settings))
                stats.frames += 1
                if stats.frames % 10 == 0:
                    report(min(0.99, stats.frames / expected_frames))
            while pending:
                encoder.write(_drawn(pending.popleft(), settings))
            encoder.finish()
        finally:
            cast(Any, frames).close()
            encoder.stop()
        if stats.frames == 0:
            raise MediaError("No frame could be read in the chosen part of the video.", "decode-failed")
    report(1.0)
    return _record(src, dst, detectors, settings, stats, time.monotonic() - began)


@dataclass
class _Stats:
    frames: int = 0
    detections: int = 0
    tracks: dict[int, str] = field(default_factory=dict)
    first_seen: set[int] = field(default_factory=set)


def _trimmed_length(duration: float, settings: VideoRedaction) -> float:
    end = min(duration, settings.end_s) if settings.end_s is not None else duration
    return max(0.0, end - (settings.start_s or 0.0))


def _covers_for(
    frame: Frame,
    detectors: Sequence[Detector],
    tracker: Tracker,
    settings: VideoRedaction,
    stats: _Stats,
    lingering: dict[int, tuple[Box, int]],
) -> dict[int, Box]:
    """The boxes to cover on this frame: live tracks (detected or predicted), tracks
    that vanished less than the margin ago, and manual boxes."""
    if frame.index % settings.detect_every == 0:
        boxes = detect_all(detectors, frame.image)
        stats.detections += len(boxes)
        tracks = tracker.update(boxes, frames_since_last=settings.detect_every)
    else:
        tracks = tracker.predict()
    covers: dict[int, Box] = {}
    for track in tracks:
        stats.tracks.setdefault(track.track_id, track.label)
        box = _box(track)
        covers[track.track_id] = box
        lingering[track.track_id] = (box, frame.index + settings.temporal_margin)
    for track_id, (box, until) in list(lingering.items()):
        if frame.index > until:
            del lingering[track_id]
        elif track_id not in covers:
            covers[track_id] = box
    for number, manual in enumerate(settings.manual, start=1):
        manual_box = manual.box_at(frame.index)
        if manual_box is not None:
            covers[-number] = Box(manual_box.x, manual_box.y, manual_box.w, manual_box.h, 1.0, "manual")
    return covers


def _cover_earlier(pending: deque[_Pending], covers: dict[int, Box], stats: _Stats, margin: int) -> None:
    """A track seen for the first time is also covered on the held-back frames before it."""
    for track_id, box in covers.items():
        if track_id < 0 or track_id in stats.first_seen:
            continue
        stats.first_seen.add(track_id)
        for earlier in list(pending)[-margin:] if margin else []:
            earlier.covers.setdefault(track_id, box)


def _drawn(item: _Pending, settings: VideoRedaction) -> np.ndarray:
    regions = [box for track_id, box in item.covers.items() if track_id not in settings.keep_tracks]
    image = item.frame.image.copy() if not item.frame.image.flags.writeable else item.frame.image
    return redact_regions(image, regions, settings.style)


def _box(track: TrackedBox) -> Box:
    return Box(track.x, track.y, track.w, track.h, track.score, track.label)


class _Encoder:
    """ffmpeg reading raw BGR frames on stdin and writing H.264 MP4."""

    def __init__(
        self, output: Path, width: int, height: int, fps: float, src: Path, settings: VideoRedaction, tools: Tools
    ) -> None:
        self.tools = tools
        audio: list[str] = ["-an"]
        audio_input: list[str] = []
        if settings.keep_audio:
            if settings.start_s:
                audio_input += ["-ss", f"{settings.start_s:.6f}"]
            if settings.end_s is not None:
                audio_input += ["-t", f"{settings.end_s - (settings.start_s or 0):.6f}"]
            audio_input += media_input(src)
            audio = ["-map", "1:a:0?", "-c:a", "aac", "-b:a", "128k"]
        args = ffmpeg_command(
            tools,
            *("-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{width}x{height}", "-r", f"{fps:.6f}", "-i", "pipe:0"),
            *audio_input,
            *("-map", "0:v:0", *audio, "-c:v", "libx264", "-preset", settings.preset, "-crf", str(settings.crf)),
            # Odd sizes cannot be yuv420p: pad by one pixel rather than fail.
            *("-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p"),
            *("-map_metadata", "-1", "-fflags", "+bitexact", "-movflags", "+faststart", "-f", "mp4", "-y"),
            f"file:{output}",
        )
        self.what = "encoding the redacted video"
        self.proc = start_tool(args, memory_bytes=tools.memory_bytes, what=self.what, stdin=subprocess.PIPE)
        self.err = OutputCollector(self.proc.stderr, None, limit=64 * 1024, keep_tail=True)
        self.finished = False

    def write(self, image: np.ndarray) -> None:
        stdin = cast(io.BufferedWriter, self.proc.stdin)
        try:
            stdin.write(np.ascontiguousarray(image).tobytes())
        except BrokenPipeError:
            self.proc.wait(timeout=30)
            raise self._failure() from None

    def finish(self) -> None:
        cast(io.BufferedWriter, self.proc.stdin).close()
        try:
            self.proc.wait(timeout=600)
        except subprocess.TimeoutExpired:
            kill_process_group(self.proc)
            raise MediaError("Encoding the redacted video took too long.", "timeout") from None
        if self.proc.returncode != 0:
            raise self._failure()
        self.finished = True

    def stop(self) -> None:
        if not self.finished:
            kill_process_group(self.proc)
        self.err.join()
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self.proc.stdin.close()

    def _failure(self) -> MediaError:
        return tool_failure(
            self.proc.returncode or 1, bytes(self.err.data), memory_bytes=self.tools.memory_bytes, what=self.what
        )


def _record(
    src: Path, dst: Path, detectors: Sequence[Detector], settings: VideoRedaction, stats: _Stats, wall_s: float
) -> dict[str, Any]:
    """What was done, for the audit trail: never any picture content, only counts and ids."""
    style = settings.style
    return {
        "input_sha256": sha256_file(src),
        "output_sha256": sha256_file(dst),
        "detectors": [
            {
                "name": detector.name,
                "model_sha256": detector.model_sha256,
                "threshold": getattr(detector, "threshold", None),
                "providers": list(getattr(detector, "providers_used", []) or []),
            }
            for detector in detectors
        ],
        "detect_every": settings.detect_every,
        "temporal_margin_frames": settings.temporal_margin,
        "mode": str(style.mode),
        "shape": str(style.shape),
        "margin": style.margin,
        "start_s": settings.start_s,
        "end_s": settings.end_s,
        "audio": "kept" if settings.keep_audio else "dropped",
        "frames": stats.frames,
        "detections": stats.detections,
        "tracks": {str(track_id): label for track_id, label in sorted(stats.tracks.items())},
        "keep_tracks": sorted(settings.keep_tracks),
        "manual_boxes": len(settings.manual),
        "crf": settings.crf,
        "preset": settings.preset,
        "wall_s": round(wall_s, 3),
    }

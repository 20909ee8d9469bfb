"""The streaming redaction of a video: decode → find → cover → encode.

Frames flow from an ffmpeg decoder through the track finder (full-frame detection
every few frames, crops around live tracks in between, see `engine.track_finder`)
into an ffmpeg H.264 encoder. Only the frames between two full passes and those of
the temporal margin are held back, so memory stays constant whatever the length.
The output is written under a temporary name and renamed only when the encoder has
finished cleanly.

The tracks found can be saved (`engine.track_store`) and a later render can take
them instead of detecting again: same covers, another keep list, no model run.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from ..atomic import atomic_output
from ..detection.base import Box, Detector
from ..detection.frames import Frame, video_frames
from ..errors import MediaError
from ..hashing import sha256_file
from ..limits import Limits
from ..probe import MediaInfo, probe
from ..tools import OutputCollector, Tools, ffmpeg_command, kill_process_group, media_input, start_tool, tool_failure
from ..track_finder import Finding, TrackFinder
from ..track_store import TrackStore, TrackStoreBuilder
from .manual import ManualTrack
from .render import RenderStyle, redact_regions

Progress = Callable[[float], None]
Covered = tuple[Frame, dict[int, Box]]


@dataclass(frozen=True)
class VideoRedaction:
    """What to hide and how.

    `finding` says how the objects are found (full-pass stride, following, backward
    search); `temporal_margin` covers each track that many frames before it is first
    seen and after it is last seen. Tracks in `keep_tracks` (the requester) are left
    visible; `manual` boxes are always covered. [`start_s`, `end_s`) trims the output.
    """

    style: RenderStyle = field(default_factory=RenderStyle)
    finding: Finding = field(default_factory=Finding)
    temporal_margin: int = 5
    keep_tracks: frozenset[int] = frozenset()
    manual: tuple[ManualTrack, ...] = ()
    start_s: float | None = None
    end_s: float | None = None
    keep_audio: bool = False
    crf: int = 20
    preset: str = "veryfast"

    def __post_init__(self) -> None:
        if self.temporal_margin < 0:
            raise ValueError("temporal_margin must be at least 0")
        if self.start_s is not None and self.end_s is not None and self.end_s <= self.start_s:
            raise ValueError("the end of the redacted part must come after its start")
        if not 0 <= self.crf <= 51:
            raise ValueError("crf must be between 0 and 51")


def detect_video(
    src: Path,
    *,
    detectors: Sequence[Detector],
    finding: Finding | None = None,
    tools: Tools,
    limits: Limits,
    progress: Progress | None = None,
    start_s: float | None = None,
    end_s: float | None = None,
) -> TrackStore:
    """Find and track every object in `src` (or its [start_s, end_s) part) without
    writing any video: the detection store a review screen and later renders use."""
    finding = finding or Finding()
    info = _video_info(src, tools, limits)
    fps = info.fps or 25.0
    builder = TrackStoreBuilder()
    finder = TrackFinder(detectors, finding, fps=fps)
    frames = video_frames(src, tools=tools, limits=limits, info=info, start_s=start_s, end_s=end_s)
    counter = _Counter(_expected_frames(info, start_s, end_s), progress)
    try:
        for frame, covers in found_boxes(frames, finder, builder):
            del frame, covers
            counter.tick()
    finally:
        cast(Any, frames).close()
    if counter.frames == 0:
        raise MediaError("No frame could be read in the chosen part of the video.", "decode-failed")
    counter.done()
    return builder.build(
        width=info.width,
        height=info.height,
        fps=fps,
        frame_count=counter.frames,
        labels=finder.labels,
        start_frame=round((start_s or 0.0) * fps),
        detectors=detector_records(detectors),
        settings=finding.as_dict(fps),
    )


def redact_video(
    src: Path,
    dst: Path,
    *,
    detectors: Sequence[Detector] = (),
    settings: VideoRedaction,
    tools: Tools,
    limits: Limits,
    progress: Progress | None = None,
    store: TrackStore | None = None,
    save_tracks: Path | None = None,
) -> dict[str, Any]:
    """Write the redacted copy of `src` to `dst` (H.264 MP4, yuv420p, faststart) and
    return its redaction record.

    With `store` (the tracks of an earlier `detect_video` or redaction of the same
    file), its boxes are covered and no detector runs; otherwise `detectors` find
    them in the same pass, and `save_tracks` (a `.npz` path) keeps what they found.
    `progress(fraction)` may raise to cancel: the processes are stopped and nothing is
    left at `dst`.
    """
    began = time.monotonic()
    info = _video_info(src, tools, limits)
    fps = info.fps or 25.0
    if store is None and not detectors:
        raise ValueError("either detectors or a detection store is needed")
    if store is not None and (store.width, store.height) != (info.width, info.height):
        raise MediaError(
            "The saved detections belong to a video of another size; run the detection again.", "tracks-invalid"
        )
    counter = _Counter(_expected_frames(info, settings.start_s, settings.end_s), progress)
    builder = TrackStoreBuilder() if save_tracks is not None else None
    finder = TrackFinder(detectors, settings.finding, fps=fps) if store is None else None
    dst.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(dst) as temporary:
        encoder = _Encoder(temporary, info.width, info.height, fps, src, settings, tools)
        frames = video_frames(
            src, tools=tools, limits=limits, info=info, start_s=settings.start_s, end_s=settings.end_s
        )
        covering = Covering(settings)
        try:
            if finder is not None:
                covered = found_boxes(frames, finder, builder)
            else:
                assert store is not None
                covered = _stored(frames, store, round((settings.start_s or 0.0) * fps) - store.start_frame)
            style = settings.style
            for item in covered:
                for frame, regions in covering.push(item):
                    encoder.write(_drawn(frame, regions, style))
                counter.tick()
            for frame, regions in covering.flush():
                encoder.write(_drawn(frame, regions, style))
            encoder.finish()
        finally:
            cast(Any, frames).close()
            encoder.stop()
        if counter.frames == 0:
            raise MediaError("No frame could be read in the chosen part of the video.", "decode-failed")
    if builder is not None and save_tracks is not None and finder is not None:
        builder.build(
            width=info.width,
            height=info.height,
            fps=fps,
            frame_count=counter.frames,
            labels=finder.labels,
            start_frame=round((settings.start_s or 0.0) * fps),
            detectors=detector_records(detectors),
            settings=settings.finding.as_dict(fps),
        ).save(save_tracks)
    counter.done()
    if finder is not None:
        source = {
            "tracks_source": "detected",
            "detectors": detector_records(detectors),
            "finding": settings.finding.as_dict(fps),
            "detections": finder.detections,
        }
    else:
        assert store is not None
        source = {
            "tracks_source": "stored",
            "detectors": store.detectors,
            "finding": store.settings,
            "detections": store.detections,
        }
    return _record(src, dst, settings, source, covering, counter.frames, time.monotonic() - began)


def detector_records(detectors: Sequence[Detector]) -> list[dict[str, Any]]:
    """Name, model SHA-256, threshold and execution providers of each detector."""
    return [
        {
            "name": detector.name,
            "model_sha256": detector.model_sha256,
            "threshold": getattr(detector, "threshold", None),
            "providers": list(getattr(detector, "providers_used", []) or []),
        }
        for detector in detectors
    ]


def _video_info(src: Path, tools: Tools, limits: Limits) -> MediaInfo:
    info = probe(src, tools=tools, limits=limits)
    if info.kind != "video":
        raise MediaError("This file is not a video.", "no-video-stream")
    return info


def _expected_frames(info: MediaInfo, start_s: float | None, end_s: float | None) -> int:
    duration = info.duration_s or 0.0
    end = min(duration, end_s) if end_s is not None else duration
    return max(1, round(max(0.0, end - (start_s or 0.0)) * (info.fps or 25.0)))


class _Counter:
    def __init__(self, expected: int, progress: Progress | None) -> None:
        self.expected = expected
        self.frames = 0
        self.report = progress or (lambda _fraction: None)

    def tick(self) -> None:
        self.frames += 1
        if self.frames % 10 == 0:
            self.report(min(0.99, self.frames / self.expected))

    def done(self) -> None:
        self.report(1.0)


def found_boxes(
    frames: Iterator[Frame], finder: TrackFinder, builder: TrackStoreBuilder | None = None
) -> Iterator[Covered]:
    """Each frame with the boxes the finder gave it, in order (recorded in `builder`)."""

    def released(batch: list[Any]) -> Iterator[Covered]:
        for found in batch:
            covers: dict[int, Box] = {}
            for track_id, track in found.tracks.items():
                covers[track_id] = Box(track.x, track.y, track.w, track.h, track.score, track.label)
                if builder is not None:
                    builder.add(
                        found.frame.index, track_id, (track.x, track.y, track.w, track.h), track.score, track.detected
                    )
            yield found.frame, covers

    for frame in frames:
        yield from released(finder.push(frame))
    yield from released(finder.flush())


def _stored(frames: Iterator[Frame], store: TrackStore, offset: int) -> Iterator[Covered]:
    for frame in frames:
        yield frame, store.covers_at(frame.index + offset)


@dataclass
class _Pending:
    frame: Frame
    covers: dict[int, Box]  # track id (or negative for manual boxes) -> box to cover


class Covering:
    """Adds the temporal margin and the manual boxes to the tracks found on each frame
    and leaves kept tracks out: what is drawn on every frame. Holds `temporal_margin`
    frames back so a track is covered before it first appears.

    `push((frame, boxes))` and, at the end, `flush()` give `(frame, regions)` pairs,
    every frame exactly once and in order.
    """

    def __init__(self, settings: VideoRedaction) -> None:
        self.settings = settings
        self.margin = settings.temporal_margin
        self.pending: deque[_Pending] = deque()
        self.lingering: dict[int, tuple[Box, int]] = {}
        self.first_seen: set[int] = set()
        self.labels: dict[int, str] = {}

    def push(self, item: Covered) -> Iterator[tuple[Frame, list[Box]]]:
        frame, found = item
        covers = dict(found)
        for track_id, box in found.items():
            self.labels.setdefault(track_id, box.label)
            self.lingering[track_id] = (box, frame.index + self.margin)
        for track_id, (box, until) in list(self.lingering.items()):
            if frame.index > until:
                del self.lingering[track_id]
            elif track_id not in covers:
                covers[track_id] = box
        for number, manual in enumerate(self.settings.manual, start=1):
            manual_box = manual.box_at(frame.index)
            if manual_box is not None:
                covers[-number] = Box(manual_box.x, manual_box.y, manual_box.w, manual_box.h, 1.0, "manual")
        self._cover_earlier(covers)
        self.pending.append(_Pending(frame, covers))
        if len(self.pending) > self.margin:
            yield self._regions(self.pending.popleft())

    def flush(self) -> Iterator[tuple[Frame, list[Box]]]:
        while self.pending:
            yield self._regions(self.pending.popleft())

    def _cover_earlier(self, covers: dict[int, Box]) -> None:
        """A track seen for the first time is also covered on the held-back frames before it."""
        for track_id, box in covers.items():
            if track_id < 0 or track_id in self.first_seen:
                continue
            self.first_seen.add(track_id)
            for earlier in list(self.pending)[-self.margin :] if self.margin else []:
                earlier.covers.setdefault(track_id, box)

    def _regions(self, item: _Pending) -> tuple[Frame, list[Box]]:
        keep = self.settings.keep_tracks
        return item.frame, [box for track_id, box in item.covers.items() if track_id not in keep]


def _drawn(frame: Frame, regions: list[Box], style: RenderStyle) -> np.ndarray:
    image = frame.image if frame.image.flags.writeable else frame.image.copy()
    return redact_regions(image, regions, style)


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
            stdin.write(np.ascontiguousarray(image).data)
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
    src: Path,
    dst: Path,
    settings: VideoRedaction,
    source: dict[str, Any],
    covering: Covering,
    frames: int,
    wall_s: float,
) -> dict[str, Any]:
    """What was done, for the audit trail: never any picture content, only counts and ids."""
    style = settings.style
    return {
        "input_sha256": sha256_file(src),
        "output_sha256": sha256_file(dst),
        **source,
        "temporal_margin_frames": settings.temporal_margin,
        "mode": str(style.mode),
        "shape": str(style.shape),
        "margin": style.margin,
        "start_s": settings.start_s,
        "end_s": settings.end_s,
        "audio": "kept" if settings.keep_audio else "dropped",
        "frames": frames,
        "tracks": {str(track_id): label for track_id, label in sorted(covering.labels.items())},
        "keep_tracks": sorted(settings.keep_tracks),
        "manual_boxes": [manual.as_dict() for manual in settings.manual],
        "crf": settings.crf,
        "preset": settings.preset,
        "wall_s": round(wall_s, 3),
    }

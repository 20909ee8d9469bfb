"""Frames for the detectors: a picture as displayed, or a video decoded frame by frame.

Both give H x W x 3 uint8 BGR arrays in displayed orientation (EXIF orientation of a
picture, rotation of a video applied), so boxes land where a viewer sees the content.
"""

from __future__ import annotations

import io
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
from PIL import Image, ImageOps

from ..errors import MediaError
from ..images import DECODE_ERRORS, NotAPicture, open_picture, too_many_pixels
from ..limits import Limits
from ..probe import MediaInfo, probe

# The process helpers of `tools` (limits, stderr tail, error messages) serve the frame
# pipe too; `run_tool` itself collects all output in memory, which a video cannot use.
from ..tools import (
    OutputCollector,
    Tools,
    ffmpeg_command,
    kill_process_group,
    media_input,
    start_tool,
    timeout_error,
    tool_failure,
)

_STDERR_KEEP_BYTES = 64 * 1024


@dataclass(frozen=True)
class Frame:
    """One decoded video frame: its position among all frames of the stream, its nominal
    time in seconds (position / average frame rate) and the BGR pixels."""

    index: int
    time_s: float
    image: np.ndarray


def load_picture(path: Path, *, limits: Limits) -> np.ndarray:
    """A still picture (the first frame of an animated one) as displayed, in BGR.

    Raises MediaError: `unsupported` when it is not a picture Pillow reads (a video,
    for instance), `too-many-pixels`, `unreadable` or `decode-failed` for damage.
    """
    try:
        with open_picture(path, limits) as image:
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except NotAPicture as exc:
        raise MediaError("This file is not a picture this system can read.", "unsupported", detail=str(exc)) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many_pixels(str(exc)) from exc
    except DECODE_ERRORS as exc:
        raise MediaError(
            "This picture is damaged, so it cannot be read. Export or copy it again from the source.",
            "decode-failed",
            detail=repr(exc),
        ) from exc
    return np.ascontiguousarray(np.asarray(upright)[:, :, ::-1])


def video_frames(
    path: Path,
    *,
    tools: Tools,
    limits: Limits,
    every: int = 1,
    info: MediaInfo | None = None,
    start_s: float | None = None,
    end_s: float | None = None,
) -> Iterator[Frame]:
    """Decode the first video stream with ffmpeg into BGR frames, one at a time.

    Memory stays at about one frame whatever the length: ffmpeg writes raw frames into
    a pipe and waits while the caller works. `every` keeps frames 0, N, 2N, ...
    (ffmpeg drops the others before conversion). `info` is the file's `probe` result,
    probed here when not given. Close the iterator (or finish it) to stop ffmpeg.
    `start_s` / `end_s` decode only [start, end) (frame-accurate); indexes and times
    then count from the start.

    Raises MediaError: `no-video-stream`, ffmpeg's `tool-failed` or `out-of-memory`
    when decoding fails (frames before the damage have been yielded), `timeout` when
    ffmpeg produces no frame for `tools.probe_timeout_s` seconds.
    """
    if every < 1:
        raise ValueError(f"every must be at least 1; got {every}")
    info = info or probe(path, tools=tools, limits=limits)
    if info.kind != "video" or info.width <= 0 or info.height <= 0:
        raise MediaError("This file has no video to analyse.", "no-video-stream", detail=f"kind {info.kind}")
    width, height = info.width, info.height
    # Scaling to the probed size keeps every frame the same size even if the stream
    # changes resolution midway; ffmpeg has already applied the rotation by then.
    filters = f"scale={width}:{height},format=bgr24"
    if every > 1:
        filters = rf"select=not(mod(n\,{every})),{filters}"
    trim: list[str] = []
    if start_s is not None and start_s > 0:
        trim += ["-ss", f"{start_s:.6f}"]
    if end_s is not None:
        trim += ["-t", f"{end_s - (start_s or 0):.6f}"]
    args = ffmpeg_command(
        tools,
        *trim,
        *media_input(path),
        *("-map", "0:V:0", "-an", "-sn", "-dn", "-vf", filters, "-fps_mode", "passthrough"),
        *("-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1"),
    )
    return _read_frames(args, tools, width, height, every, info.fps or 25.0)


def _read_frames(args: list[str], tools: Tools, width: int, height: int, every: int, fps: float) -> Iterator[Frame]:
    what = "reading the video's frames"
    frame_bytes = width * height * 3
    proc = start_tool(args, memory_bytes=tools.memory_bytes, what=what)
    err = OutputCollector(proc.stderr, None, limit=_STDERR_KEEP_BYTES, keep_tail=True)
    watchdog = _Watchdog(proc, tools.probe_timeout_s)
    try:
        stdout = cast(io.BufferedReader, proc.stdout)
        position = 0
        while True:
            buffer = bytearray(frame_bytes)  # a new one each time: the caller may keep frames
            if _read_exactly(stdout, buffer) < frame_bytes:
                break  # the end (a partial last frame means ffmpeg failed; its status says)
            watchdog.touch()
            image = np.frombuffer(buffer, dtype=np.uint8).reshape(height, width, 3)
            index = position * every
            yield Frame(index=index, time_s=index / fps, image=image)
            watchdog.touch()  # the caller's time does not count against ffmpeg
            position += 1
        proc.wait()
    finally:
        watchdog.stop()
        kill_process_group(proc)
        err.join()
        if proc.stdout is not None:
            proc.stdout.close()
    if watchdog.fired:
        raise timeout_error(what, tools.probe_timeout_s)
    if proc.returncode != 0:
        raise tool_failure(proc.returncode, bytes(err.data), memory_bytes=tools.memory_bytes, what=what)


def _read_exactly(stream: io.BufferedReader, buffer: bytearray) -> int:
    view = memoryview(buffer)
    got = 0
    while got < len(buffer):
        count = stream.readinto(view[got:])
        if not count:
            break
        got += count
    return got


class _Watchdog:
    """Kills ffmpeg's process group when it has not produced a frame for `limit_s`."""

    def __init__(self, proc: subprocess.Popen[bytes], limit_s: float) -> None:
        self.fired = False
        self._proc = proc
        self._limit_s = limit_s
        self._last = time.monotonic()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def touch(self) -> None:
        self._last = time.monotonic()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopped.wait(min(1.0, self._limit_s)):
            if time.monotonic() - self._last > self._limit_s:
                self.fired = True
                kill_process_group(self._proc)
                return

"""Running ffmpeg and ffprobe with a time limit, a memory limit and human error messages."""

from __future__ import annotations

import contextlib
import os
import queue
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import MediaError

# ffmpeg options every call starts with: never read the terminal, print only errors.
FFMPEG_QUIET = ("-nostdin", "-hide_banner", "-v", "error")

# Containers ffmpeg may open from an uploaded file. Anything else (playlists such as HLS
# that fetch other files, image sequences, audio-only formats, text) is refused before a
# demuxer runs.
VIDEO_DEMUXERS = "mov,matroska,avi,mpegts,mpeg,flv,asf,gif,ogg,mxf,h264,hevc,m4v,dv,ivf,obu"

# Only the tail of stderr matters (the error that stopped the tool); a damaged file can
# make a decoder print one line per frame, which must not fill the worker's memory.
_STDERR_KEEP_BYTES = 64 * 1024
_STDOUT_MAX_BYTES = 64 * 1024 * 1024
_OOM_MARKERS = (b"cannot allocate memory", b"out of memory", b"std::bad_alloc", b"failed to map segment")


@dataclass(frozen=True)
class Tools:
    """Where the external tools are and how far they may go.

    `memory_bytes` is the address-space limit (RLIMIT_AS) of every tool process;
    None means no limit. `probe_timeout_s` bounds quick runs: probing, the decode
    test and frame extraction.
    """

    ffmpeg: str = "ffmpeg"
    ffprobe: str = "ffprobe"
    probe_timeout_s: float = 60
    memory_bytes: int | None = 4 * 1024**3


def tool_path(path: Path) -> str:
    """Spell a local path so ffmpeg reads it as a file, never as an option or protocol.

    A name such as `-video.mp4` or `concat:a|b` would otherwise be taken as an option or
    a protocol URL; the `file:` prefix with an absolute path rules both out.
    """
    return "file:" + str(path.resolve())


def concat_quote(path: Path) -> str:
    """Quote a path for an ffconcat list (`file '...'`), as a `file:` URL.

    Inside single quotes nothing is special except the quote itself, which is written
    as '\\'' (close, escaped quote, reopen). Line breaks cannot be quoted in the
    line-based list, so such names are refused.
    """
    text = tool_path(path)
    if "\n" in text or "\r" in text:
        raise MediaError(
            "A file name contains a line break, which cannot be processed. Rename the file.", "unsupported"
        )
    return "'" + text.replace("'", "'\\''") + "'"


def media_input(path: Path) -> list[str]:
    """ffmpeg/ffprobe input options for an uploaded file: accepted containers, local file only."""
    return ["-format_whitelist", VIDEO_DEMUXERS, "-protocol_whitelist", "file", "-i", tool_path(path)]


def ffmpeg_command(tools: Tools, *args: str) -> list[str]:
    """Return an ffmpeg command line with the standard quiet, non-interactive options."""
    return [tools.ffmpeg, *FFMPEG_QUIET, *args]


# Machine-readable progress on stdout: "frame=12", "out_time_us=480000", ... per update.
PROGRESS_ARGS = ("-progress", "pipe:1", "-nostats")


class FfmpegProgress:
    """Reads ffmpeg's `-progress pipe:1` lines; pass an instance as `on_stdout_line`.

    With `duration_s` and `report`, calls `report(fraction)` (0..1) as output time advances.
    """

    def __init__(self, duration_s: float | None = None, report: Callable[[float], None] | None = None) -> None:
        self.fields: dict[str, str] = {}
        self._duration_s = duration_s
        self._report = report

    def __call__(self, line: str) -> None:
        key, _, value = line.partition("=")
        self.fields[key.strip()] = value.strip()
        if key == "out_time_us" and self._report is not None and self._duration_s:
            seconds = self.seconds
            if seconds is not None:
                self._report(min(1.0, max(0.0, seconds / self._duration_s)))

    @property
    def frames(self) -> int:
        value = self.fields.get("frame", "")
        return int(value) if value.isdigit() else 0

    @property
    def seconds(self) -> float | None:
        value = self.fields.get("out_time_us", "")
        try:
            return int(value) / 1e6
        except ValueError:
            return None


def run_tool(
    args: list[str],
    *,
    timeout: float,
    memory_bytes: int | None,
    what: str,
    on_stdout_line: Callable[[str], None] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run a tool and return its output; raise MediaError if it fails or takes too long.

    `what` names the step for people, as in "Something went wrong while {what}", for
    example "checking the video". The child gets no stdin, its own process group (so a
    timeout kills everything it started), no core dumps and, when `memory_bytes` is
    set, an address-space limit. `on_stdout_line` is called in the caller's thread for
    each stdout line as it arrives (for `-progress pipe:1`). The returned stderr holds
    only the last 64 KiB.

    Raises MediaError with code `timeout`, `out-of-memory` or `tool-failed`; the
    tool's last stderr line is in `.detail`, never in the message.
    """
    deadline = time.monotonic() + timeout
    proc = start_tool(args, memory_bytes=memory_bytes, what=what)
    lines: queue.Queue[bytes | None] = queue.Queue()
    out = OutputCollector(proc.stdout, lines if on_stdout_line else None, limit=_STDOUT_MAX_BYTES)
    err = OutputCollector(proc.stderr, None, limit=_STDERR_KEEP_BYTES, keep_tail=True)
    try:
        if on_stdout_line is not None:
            _pump_lines(lines, on_stdout_line, deadline)
        proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        kill_process_group(proc)
        raise timeout_error(what, timeout) from None
    except BaseException:
        kill_process_group(proc)
        raise
    finally:
        out.join()
        err.join()
    return _finish(args, proc.returncode, out, err, memory_bytes=memory_bytes, what=what)


def start_tool(
    args: list[str], *, memory_bytes: int | None, what: str, stdin: int = subprocess.DEVNULL
) -> subprocess.Popen[bytes]:
    """Start a tool in its own process group under the memory limit; pass
    `stdin=subprocess.PIPE` to feed it (an encoder reading raw frames)."""
    try:
        return subprocess.Popen(
            args,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env=_child_environment(),
            # setrlimit in the child is the only way to cap its memory before it starts.
            preexec_fn=_child_limits(memory_bytes),
        )
    except OSError as exc:
        raise MediaError(
            f"The media tools needed for {what} are not available. Ask your administrator to check the installation.",
            "tool-failed",
            detail=f"{args[0]}: {exc}",
        ) from exc


def _child_environment() -> dict[str, str]:
    # glibc reserves 64 MiB of address space per malloc arena, up to 8 per core; under
    # RLIMIT_AS a many-threaded encoder on a big server would fail on reservations alone.
    return {**os.environ, "MALLOC_ARENA_MAX": "2"}


def _child_limits(memory_bytes: int | None) -> Callable[[], None]:
    def apply() -> None:
        # A tool that crashes on a hostile file must not leave a core dump of its memory.
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if memory_bytes is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    return apply


class OutputCollector:
    """Drains one pipe in a thread so the child never blocks on a full pipe."""

    def __init__(
        self, pipe: IO[bytes] | None, lines: queue.Queue[bytes | None] | None, *, limit: int, keep_tail: bool = False
    ) -> None:
        self.data = bytearray()
        self.overflowed = False
        self._pipe = pipe
        self._lines = lines
        self._limit = limit
        self._keep_tail = keep_tail
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        pipe = self._pipe
        try:
            if pipe is not None:
                # Bounded reads: a line without a newline must not grow without limit.
                for line in iter(lambda: pipe.readline(65536), b""):
                    self._keep(line)
                    if self._lines is not None:
                        self._lines.put(line)
        finally:
            if self._lines is not None:
                self._lines.put(None)

    def _keep(self, chunk: bytes) -> None:
        self.data += chunk
        if len(self.data) <= self._limit:
            return
        if self._keep_tail:
            del self.data[: len(self.data) - self._limit]
        else:
            self.overflowed = True
            del self.data[self._limit :]

    def join(self) -> None:
        self._thread.join(timeout=10)
        if self._pipe is not None:
            self._pipe.close()


def _pump_lines(lines: queue.Queue[bytes | None], callback: Callable[[str], None], deadline: float) -> None:
    while True:
        try:
            line = lines.get(timeout=max(0.001, deadline - time.monotonic()))
        except queue.Empty:
            raise subprocess.TimeoutExpired("tool", 0) from None
        if line is None:
            return
        callback(line.decode("utf-8", "replace").strip())


def kill_process_group(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):  # it ended on its own meanwhile
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _finish(
    args: list[str], returncode: int, out: OutputCollector, err: OutputCollector, *, memory_bytes: int | None, what: str
) -> subprocess.CompletedProcess[bytes]:
    stdout, stderr = bytes(out.data), bytes(err.data)
    if returncode != 0:
        raise tool_failure(returncode, stderr, memory_bytes=memory_bytes, what=what)
    if out.overflowed:
        raise MediaError(
            f"Something went wrong while {what}: the file describes far more content than expected. "
            "It may be damaged; export it again from the source.",
            "tool-failed",
            detail=f"{args[0]} wrote more than {_STDOUT_MAX_BYTES} bytes",
        )
    return subprocess.CompletedProcess(args, returncode, stdout, stderr)


def tool_failure(returncode: int, stderr: bytes, *, memory_bytes: int | None, what: str) -> MediaError:
    detail = last_line(stderr) or f"exit status {returncode}"
    if returncode < 0:
        detail = f"{detail} (stopped by signal {signal.Signals(-returncode).name})"
    lowered = stderr.lower()
    # SIGKILL without our timeout is the kernel's OOM killer; a failed allocation under
    # RLIMIT_AS shows up as ENOMEM in ffmpeg's own message.
    if any(marker in lowered for marker in _OOM_MARKERS) or returncode == -signal.SIGKILL:
        limit = f" (limit {memory_bytes // 1024**2} MiB)" if memory_bytes else ""
        return MediaError(
            f"{_capitalise(what)} needed more memory than this system allows, so it was stopped. "
            "The file may be damaged or its pictures very large; try a smaller or re-exported file.",
            "out-of-memory",
            detail=detail + limit,
        )
    return MediaError(
        f"Something went wrong while {what}. The file may be damaged or use a form this system cannot "
        "process; export it again from the camera or recorder and upload it again.",
        "tool-failed",
        detail=detail,
        output=stderr.decode("utf-8", "replace"),
    )


def timeout_error(what: str, timeout: float) -> MediaError:
    return MediaError(
        f"{_capitalise(what)} took too long and was stopped. The file may be damaged or much longer than "
        "expected; try a shorter or re-exported file.",
        "timeout",
        detail=f"no result after {timeout:.0f} s",
    )


def last_line(data: bytes) -> str:
    """Return the last non-empty line of a tool's output, decoded leniently."""
    for line in reversed(data.decode("utf-8", "replace").splitlines()):
        if line.strip():
            return line.strip()
    return ""


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]

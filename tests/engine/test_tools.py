"""Running external tools: time limit, memory limit, errors people can read."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from media_processing.engine import MediaError, run_tool, sha256_file
from media_processing.engine.errors import CODES
from media_processing.engine.tools import PROGRESS_ARGS, FfmpegProgress, concat_quote, tool_path


def test_timeout_kills_the_tool_and_raises_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(MediaError) as caught:
        run_tool(
            ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2", "-f", "null", "-"],
            timeout=1,
            memory_bytes=None,
            what="reading an endless test source",
        )
    assert caught.value.code == "timeout"
    assert time.monotonic() - started < 5
    assert "took too long" in caught.value.message


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    script = f"sleep 60 & echo $! > {pid_file}; wait"
    with pytest.raises(MediaError) as caught:
        run_tool(["sh", "-c", script], timeout=1, memory_bytes=None, what="waiting")
    assert caught.value.code == "timeout"
    child = int(pid_file.read_text())
    time.sleep(0.2)
    assert _state(child) in {"gone", "Z"}  # killed (a zombie until its new parent reaps it)


def _state(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return "gone"
    return stat.rsplit(")", 1)[1].split()[0]


def test_memory_limit_gives_a_media_error_not_a_crash() -> None:
    # Scaling to 16000x16000 needs far more than 300 MiB of address space.
    args = ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=320x240:d=0.04"]
    args += ["-vf", "scale=16000:16000", "-f", "null", "-"]
    started = time.monotonic()
    with pytest.raises(MediaError) as caught:
        run_tool(args, timeout=30, memory_bytes=300 * 1024**2, what="enlarging a test picture")
    assert caught.value.code in {"out-of-memory", "tool-failed"}
    assert caught.value.message
    assert time.monotonic() - started < 20


def test_memory_limit_too_small_to_start_is_reported_as_out_of_memory() -> None:
    with pytest.raises(MediaError) as caught:
        run_tool(["ffmpeg", "-version"], timeout=10, memory_bytes=20 * 1024**2, what="starting ffmpeg")
    assert caught.value.code == "out-of-memory"
    assert "memory" in caught.value.message


def test_failure_names_the_step_and_keeps_ffmpeg_output_out_of_the_message(tmp_path: Path) -> None:
    missing = tmp_path / "missing.mp4"
    with pytest.raises(MediaError) as caught:
        run_tool(
            ["ffmpeg", "-nostdin", "-v", "error", "-i", tool_path(missing), "-f", "null", "-"],
            timeout=10,
            memory_bytes=None,
            what="reading the upload",
        )
    error = caught.value
    assert error.code == "tool-failed"
    assert "reading the upload" in error.message
    assert "No such file" in error.detail
    assert str(missing) not in error.message
    assert str(error) == error.message


def test_missing_tool_is_a_media_error() -> None:
    with pytest.raises(MediaError) as caught:
        run_tool(["/nonexistent/ffmpeg"], timeout=5, memory_bytes=None, what="converting")
    assert caught.value.code == "tool-failed"


def test_progress_lines_arrive_in_order() -> None:
    seen: list[float] = []
    progress = FfmpegProgress(2.0, seen.append)
    run_tool(
        ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc2=d=2", "-f", "null", "-", *PROGRESS_ARGS],
        timeout=30,
        memory_bytes=None,
        what="testing",
        on_stdout_line=progress,
    )
    assert seen and seen == sorted(seen)
    assert seen[-1] == pytest.approx(1.0, abs=0.05)
    assert progress.frames == 50


def test_file_names_are_never_options_or_protocols(tmp_path: Path) -> None:
    odd = tmp_path / "-i concat:x|y.mp4"
    assert tool_path(odd) == "file:" + str(odd.resolve())
    assert concat_quote(tmp_path / "it's.mp4").endswith("it'\\''s.mp4'")
    with pytest.raises(MediaError):
        concat_quote(tmp_path / "two\nlines.mp4")


def test_media_error_codes_are_closed() -> None:
    assert {"empty", "timeout", "decode-failed"} <= CODES
    with pytest.raises(ValueError, match="unknown"):
        MediaError("message", "no-such-code")


def test_sha256_streams_the_file(tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    path = tmp_path / "blob"
    path.write_bytes(data)
    assert sha256_file(path, chunk_size=4096) == hashlib.sha256(data).hexdigest()

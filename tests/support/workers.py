"""Real RQ workers for tests: child `rqworker` processes on the test database, started
and killed (work horse included), and polling. Their Redis database is the `redis_db`
fixture of tests/conftest.py."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import database_env

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 20
HEARTBEAT_SECONDS = 1
ABANDONED_AFTER_SECONDS = 3


def start_worker(log: Path, *, burst: bool) -> subprocess.Popen[bytes]:
    env = database_env()
    env["OBSCURA_JOB_HEARTBEAT_SECONDS"] = str(HEARTBEAT_SECONDS)
    env["OBSCURA_JOB_ABANDONED_AFTER_SECONDS"] = str(ABANDONED_AFTER_SECONDS)
    command = [sys.executable, "manage.py", "rqworker", "default", *(["--burst"] if burst else [])]
    with log.open("ab") as output:
        # A session of its own, so that killpg takes the worker down and nothing else.
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """Kill a worker still running, and its work horse, which RQ moves to a process group of its own."""
    if worker.poll() is None:
        with contextlib.suppress(OSError):
            for horse in Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split():
                kill(int(horse))
        kill(worker.pid)
    worker.wait(timeout=10)


def wait_until(condition: Callable[[], Any], what: str, *, seconds: float = DEADLINE_SECONDS) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    pytest.fail(f"Gave up after {seconds} s waiting for {what}.")

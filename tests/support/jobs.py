"""Job functions the real RQ workers in tests/test_jobs.py run through `compliance.jobs.execute`.

Each has the signature every job has: `fn(job, progress, **arguments)`.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from compliance.jobs import JobError, ProgressCallback
from compliance.models import JobRun


def count_words(job: JobRun, progress: ProgressCallback, *, text: str) -> dict[str, Any]:
    progress(10, "Reading the text")
    words = text.split()
    progress(60, "Counting")
    return {"words": len(words)}


def refuse(job: JobRun, progress: ProgressCallback, *, reason: str) -> None:
    progress(5, "Checking")
    raise JobError(reason)


def crash(job: JobRun, progress: ProgressCallback) -> None:
    progress(5, "About to crash")
    raise ValueError("internal detail: index 7 out of range in frame buffer")


def count_slowly(job: JobRun, progress: ProgressCallback, *, steps: int = 200) -> dict[str, Any]:
    """Reports progress every 0.1 s, so that a cancel request is noticed quickly."""
    for step in range(steps):
        progress(100 * step / steps, f"Step {step + 1} of {steps}")
        time.sleep(0.1)
    return {"steps": steps}


def sleep_long(job: JobRun, progress: ProgressCallback, *, seconds: float, pid_file: str) -> None:
    """Sleeps without progress calls; first writes its process id so a test can kill this work horse."""
    Path(pid_file).write_text(str(os.getpid()))
    progress(1, "Sleeping")
    time.sleep(seconds)

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from media_processing.engine.limits import Limits
from media_processing.engine.probe import MediaInfo
from media_processing.engine.tools import Tools
from media_processing.models import Camera, Recording


class IngestError(Exception):
    """A reason to refuse a file, in words the person who sent it can act on."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class IngestContext:
    """What the steps hand each other while one recording is ingested."""

    recording: Recording
    camera: Camera
    original: Path
    work_dir: Path
    tools: Tools
    limits: Limits
    report: Callable[[float], None]  # fraction 0-1 of the current step
    info: MediaInfo | None = None
    current: Path | None = None  # the file the next step works on
    removed: list[str] = field(default_factory=list)
    start: datetime | None = None
    original_sha256: str = ""
    sha256: str = ""
    stored_path: Path | None = None
    masks_applied: bool = False
    cropped: bool = False
    redaction: dict[str, Any] | None = None  # the redaction record of anonymise-at-ingest

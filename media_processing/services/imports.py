"""Watched import folders: each camera may name a folder under the import root where a
VMS or an export script drops files; a scan takes every file that has stopped growing."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from compliance.disk import DiskFullError
from compliance.models import JobRun
from media_processing.models import Camera, Recording, RecordingSource
from media_processing.services.ingest import recording_ingest_now, recording_ingest_start, recording_receive

# Names the scan never takes: its own subfolders, reason files, hidden and partial files.
SKIPPED_SUFFIXES = (".reason.txt", ".part", ".tmp", ".crdownload")
TAKING_PREFIX = ".obscura-taking-"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Taken:
    name: str
    recording: Recording
    job: JobRun


def import_folder_path(folder: str) -> Path:
    """The absolute folder, which must lie inside IMPORT_ROOT (admins cannot point the
    app at arbitrary places on the server)."""
    root = Path(settings.IMPORT_ROOT).resolve()
    path = (root / folder).resolve() if not os.path.isabs(folder) else Path(folder).resolve()
    if path != root and root not in path.parents:
        raise ValueError(_("The import folder must be inside %(root)s.") % {"root": root})
    return path


def settled_files(folder: Path, *, now: float | None = None) -> list[Path]:
    """Regular files in `folder` not changed for IMPORT_SETTLE_SECONDS, oldest first."""
    now = time.time() if now is None else now
    found = []
    for entry in os.scandir(folder):
        if not entry.is_file(follow_symlinks=False) or entry.name.startswith("."):
            continue
        if entry.name.endswith(SKIPPED_SUFFIXES):
            continue
        stat = entry.stat(follow_symlinks=False)
        if now - stat.st_mtime >= settings.IMPORT_SETTLE_SECONDS:
            found.append((stat.st_mtime, Path(entry.path)))
    return [path for _mtime, path in sorted(found)]


def import_folder_scan(*, camera: Camera, inline: bool) -> list[Taken]:
    """Take each settled file of the camera's folder into the pipeline: run now
    (`inline`, for the command line) or as one queued job per file (the scheduler)."""
    folder = import_folder_path(camera.import_folder)
    if not folder.is_dir():
        return []
    taken = []
    for path in settled_files(folder):
        claimed = path.with_name(TAKING_PREFIX + path.name)
        try:
            os.rename(path, claimed)  # atomic: of two concurrent scans, one wins the file
        except FileNotFoundError:
            continue
        try:
            recording = recording_receive(
                camera=camera,
                source=RecordingSource.FOLDER,
                path=claimed,
                original_name=path.name,
                take=True,
                import_folder=str(folder),
            )
        except DiskFullError:
            os.rename(claimed, path)  # left in the folder, taken once there is space again
            logger.warning("Import of %s postponed: the media disk is below its free-space minimum", path)
            break
        job = recording_ingest_now(recording=recording) if inline else recording_ingest_start(recording=recording)
        recording.refresh_from_db()
        taken.append(Taken(path.name, recording, job))
    return taken


def scan_all_import_folders() -> int:
    """The scheduler's entry point: queue every settled file of every active camera."""
    count = 0
    for camera in Camera.objects.filter(active=True).exclude(import_folder=""):
        count += len(import_folder_scan(camera=camera, inline=False))
    return count

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from compliance.disk import DiskFullError
from compliance.models import JobStatus
from media_processing.ingest.timing import as_utc
from media_processing.models import Camera, RecordingSource
from media_processing.services.cameras import camera_create_minimal
from media_processing.services.ingest import recording_ingest_now, recording_receive


class Command(BaseCommand):
    help = (
        "Ingest files for a camera through the full pipeline (metadata stripped, masks applied, hashed, "
        "stored). Prints one JSON line per file and exits with status 1 if any file failed. Your files are "
        "read, never changed or removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--camera", required=True, metavar="NAME")
        parser.add_argument("--create-camera", action="store_true", help="Create the camera if it does not exist.")
        parser.add_argument(
            "--start",
            metavar="ISO8601",
            help="When the recording started, e.g. 2026-03-01T08:00:00+01:00 (without an offset: the camera's "
            "time zone). Only with a single PATH.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[str] = options["paths"]
        problem, camera = self._camera(options["camera"], options["create_camera"])
        start = None
        if problem is None and options["start"]:
            if len(paths) > 1:
                problem = _("--start gives the start of one file; ingest files with different starts one by one.")
            else:
                try:
                    start = datetime.fromisoformat(options["start"])
                except ValueError:
                    problem = _("--start %(value)s is not an ISO 8601 time such as 2026-03-01T08:00:00+01:00.") % {
                        "value": options["start"]
                    }
        failed = False
        for raw in paths:
            if problem is None:
                assert camera is not None
                line = self._ingest_one(Path(raw), camera, as_utc(start, camera.time_zone) if start else None)
            else:
                line = self._line(raw, error=problem)
            failed = failed or line["status"] != "ok"
            self.stdout.write(json.dumps(line, ensure_ascii=False))
        if failed:
            sys.exit(1)

    def _camera(self, name: str, create: bool) -> tuple[str | None, Camera | None]:
        camera = Camera.objects.filter(name=name).first()
        if camera is not None:
            return None, camera
        if create:
            return None, camera_create_minimal(name=name)
        return _("There is no camera named %(name)s. Check the name, or add --create-camera.") % {"name": name}, None

    def _ingest_one(self, path: Path, camera: Camera, start: datetime | None) -> dict[str, Any]:
        if not path.is_file():
            return self._line(str(path), error=_("%(path)s is not a readable file.") % {"path": path})
        try:
            recording = recording_receive(
                camera=camera,
                source=RecordingSource.COMMAND,
                path=path,
                original_name=path.name,
                take=False,
                requested_start=start,
            )
        except DiskFullError as exc:
            return self._line(str(path), error=str(exc))
        except OSError as exc:
            return self._line(
                str(path),
                error=_("%(path)s could not be read: %(problem)s") % {"path": path, "problem": exc.strerror or exc},
            )
        job = recording_ingest_now(recording=recording)
        recording.refresh_from_db()
        if job.status != JobStatus.SUCCEEDED:
            return self._line(str(path), error=job.error or recording.error)
        return {
            "file": str(path),
            "status": "ok",
            "recording": recording.pk,
            "stored_path": recording.file.path,
            "error": None,
        }

    @staticmethod
    def _line(file: str, *, error: str) -> dict[str, Any]:
        # A refused file keeps a failed row with the reason, but no recording is stored.
        return {"file": file, "status": "error", "recording": None, "stored_path": None, "error": error}

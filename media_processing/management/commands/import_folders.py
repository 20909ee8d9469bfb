from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.models import JobStatus
from media_processing.models import Camera
from media_processing.services.imports import import_folder_scan


class Command(BaseCommand):
    help = (
        "Ingest the files waiting in the cameras' import folders now (the scheduler also does this every "
        "minute). Prints one JSON line per file; exits with status 1 if any file failed. Failed files are moved "
        "to the folder's quarantine/ subfolder with a reason file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--camera", metavar="NAME", help="Only this camera's folder.")

    def handle(self, *args: Any, **options: Any) -> None:
        cameras = Camera.objects.filter(active=True).exclude(import_folder="")
        if options["camera"]:
            cameras = cameras.filter(name=options["camera"])
            if not cameras.exists():
                raise CommandError(f"No active camera named {options['camera']!r} has an import folder.")
        failed = False
        for camera in cameras:
            try:
                taken = import_folder_scan(camera=camera, inline=True)
            except ValueError as exc:
                self.stderr.write(f"{camera.name}: {exc}")
                failed = True
                continue
            for item in taken:
                ok = item.job.status == JobStatus.SUCCEEDED
                failed = failed or not ok
                line = {
                    "camera": camera.name,
                    "file": item.name,
                    "status": "ok" if ok else "error",
                    "recording": item.recording.pk if ok else None,
                    "stored_path": item.recording.file.path if ok else None,
                    "quarantined_as": None if ok else item.recording.quarantine_path or None,
                    "error": None if ok else item.job.error or item.recording.error,
                }
                self.stdout.write(json.dumps(line, ensure_ascii=False))
        if failed:
            sys.exit(1)

from __future__ import annotations

import subprocess
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from PIL import Image

from compliance.models import Organisation
from media_processing.models import Camera, LegalBasis, ProcessedAction, RecordingSource, Site, ZoneType
from media_processing.services.cameras import camera_create
from media_processing.services.ingest import recording_ingest_now, recording_receive

# Generated footage for the demo: (minutes before now, seconds), so the time line of
# the last hours shows recordings and gaps whenever the demo is started.
DEMO_CLIPS = ((9 * 60, 90), (9 * 60 - 2, 120), (6 * 60 + 30, 60), (3 * 60, 180), (50, 150))


class Command(BaseCommand):
    help = "Create a demo site and cameras with generated footage, ingested through the real pipeline."

    def handle(self, *args: Any, **options: Any) -> None:
        site, _created = Site.objects.get_or_create(name="Head office", defaults={"address": "1 Demo Street"})
        entrance = Camera.objects.filter(name="Entrance").first() or camera_create(
            actor=None,
            name="Entrance",
            site=site,
            description="Dome camera above the shop entrance.",
            zone_types=[ZoneType.CUSTOMER, ZoneType.PUBLIC],
            purpose="Prevent and investigate theft and assaults at the shop entrance.",
            legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
            time_zone=Organisation.current().time_zone,
            # The neighbour's window at the top right stays black in every frame.
            privacy_masks=[[[0.75, 0.0], [1.0, 0.0], [1.0, 0.25], [0.75, 0.25]]],
        )
        if not Camera.objects.filter(name="Stock room").exists():
            camera_create(
                actor=None,
                name="Stock room",
                site=site,
                zone_types=[ZoneType.WORKPLACE],
                purpose="Protect stock against theft; staff were informed by notice and works council agreement.",
                legal_basis=LegalBasis.LEGITIMATE_INTERESTS,
                time_zone=Organisation.current().time_zone,
                import_folder="stock-room",
                filename_pattern="%Y%m%d_%H%M%S",
                processed_action=ProcessedAction.DELETE,
            )
            (Path(settings.IMPORT_ROOT) / "stock-room").mkdir(parents=True, exist_ok=True)
        if entrance.recordings.exists():
            return
        self._footage(entrance)

    def _footage(self, camera: Camera) -> None:
        now = timezone.now().replace(second=0, microsecond=0)
        with tempfile.TemporaryDirectory() as scratch:
            for number, (minutes_ago, seconds) in enumerate(DEMO_CLIPS, start=1):
                path = Path(scratch) / f"entrance-{number}.mp4"
                self._generate(path, seconds)
                self._ingest(camera, path, now - timedelta(minutes=minutes_ago))
            still = Path(scratch) / "entrance-snapshot.jpg"
            Image.new("RGB", (640, 360), (40, 90, 140)).save(still, quality=90, exif=self._camera_exif())
            self._ingest(camera, still, now - timedelta(hours=5, seconds=48))

    @staticmethod
    def _camera_exif() -> Image.Exif:
        """What a real camera writes into a snapshot: the ingestion strips all of it."""
        exif = Image.Exif()
        exif[0x010F] = "Acme"  # Make
        exif[0x0110] = "DomeCam 3000"  # Model
        gps = exif.get_ifd(0x8825)
        gps.update({1: "N", 2: (50.0, 51.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)})
        return exif

    def _generate(self, path: Path, seconds: int) -> None:
        subprocess.run(
            [
                settings.FFMPEG_BINARY, "-nostdin", "-v", "error", "-f", "lavfi",
                "-i", f"testsrc2=size=640x360:rate=10:duration={seconds}",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "20", "-pix_fmt", "yuv420p", str(path),
            ],
            check=True,
            timeout=300,
        )  # fmt: skip

    def _ingest(self, camera: Camera, path: Path, start: datetime) -> None:
        recording = recording_receive(
            camera=camera, source=RecordingSource.DEMO, path=path, original_name=path.name, take=True,
            requested_start=start,
        )  # fmt: skip
        job = recording_ingest_now(recording=recording)
        self.stdout.write(f"Demo footage {path.name}: {job.status}")

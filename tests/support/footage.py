"""Cameras, recordings and real little media files for the footage tests: generated
with ffmpeg's lavfi sources, checked with ffprobe and exiftool (independent of the
engine), and the shared real-world corpus read in place."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.test import Client

from compliance.models import AccessEvent
from media_processing.models import Camera, Recording, RecordingKind, RecordingSource, RecordingStatus, Site
from tests.support.media import (  # noqa: F401 (footage tests import these from here)
    TESTDATA,
    exiftool,
    ffmpeg,
    ffprobe,
    make_video,
    make_white_video,
)


def make_camera(name: str = "Entrance", site: str = "Head office", **fields: Any) -> Camera:
    """A camera with a complete register entry unless `fields` say otherwise."""
    site_row, _created = Site.objects.get_or_create(name=site)
    defaults = {"purpose": "Deter theft at the entrance", "legal_basis": "legitimate_interests"}
    return Camera.objects.create(name=name, site=site_row, **{**defaults, **fields})


def make_recording(
    camera: Camera,
    start: datetime,
    seconds: float,
    *,
    kind: str = RecordingKind.VIDEO,
    name: str = "",
    source_file: Path | None = None,
    **fields: Any,
) -> Recording:
    """A ready recording as ingestion leaves it; with `source_file`, its bytes are stored
    under MEDIA_ROOT like a real one."""
    relative = ""
    if source_file is not None:
        relative = f"recordings/{camera.pk}/{start:%Y%m%dT%H%M%S}{source_file.suffix}"
        target = Path(settings.MEDIA_ROOT) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source_file.read_bytes())
    recording = Recording.objects.create(
        camera=camera,
        kind=kind,
        start=start,
        end=start + timedelta(seconds=seconds),
        duration_seconds=seconds,
        original_name=name or f"{camera.name}-{start:%H%M%S}.mp4",
        status=RecordingStatus.READY,
        source=RecordingSource.UPLOAD,
        file=relative,
        size=(Path(settings.MEDIA_ROOT) / relative).stat().st_size if relative else None,
        **fields,
    )
    Camera.objects.filter(pk=camera.pk, longest_recording_seconds__lt=seconds).update(longest_recording_seconds=seconds)
    camera.refresh_from_db()
    return recording


BRUSSELS = ZoneInfo("Europe/Brussels")  # the organisation's zone, which the pages show


def logged_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def events(action: str, target: Any) -> list[AccessEvent]:
    """The access-log entries of one action on one object."""
    label = f"{target._meta.app_label}.{target._meta.model_name}"
    return list(AccessEvent.objects.filter(action=action, target_type=label, target_id=str(target.pk)))

"""Requests, organisation settings, footage and PDF text for the DSAR tests."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import formats, timezone
from PIL import Image
from pypdf import PdfReader

from compliance.models import AccessEvent, Organisation
from dsar.models import DataSubjectRequest, TimelineEntry
from dsar.services import dsar_create
from media_processing.models import Camera, Recording
from tests.support.footage import make_recording

BRUSSELS = ZoneInfo("Europe/Brussels")


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 120, 90)).save(buffer, "PNG")
    return buffer.getvalue()


# A small picture: the photo tests only need a decodable image.
PNG = _png()


def stored_png() -> bytes:
    """What is kept of PNG: the same picture as a JPEG without metadata."""
    from dsar.services.photo import Photo, clean_photo

    return clean_photo(Photo(PNG, "image/png")).data


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """An aware moment in the organisation's default zone."""
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def organisation(**fields: Any) -> Organisation:
    """Change the organisation's settings for one test (country, identity_clock...)."""
    row = Organisation.current()
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    return row


def make_request(actor: Any, **fields: Any) -> DataSubjectRequest:
    """An access request from Jane Doe received by e-mail, unless `fields` say otherwise."""
    defaults: dict[str, Any] = {
        "kind": "access",
        "channel": "email",
        "requester_name": "Jane Doe",
        "requester_email": "jane.doe@example.org",
        "description": "Filmed at the entrance",
    }
    return dsar_create(actor=actor, **{**defaults, **fields})


def today_local() -> date:
    return timezone.now().astimezone(BRUSSELS).date()


def shown(day: date) -> str:
    """A date as the letters and the timeline print it."""
    return str(formats.date_format(day, "DATE_FORMAT"))


def steps(ticket: DataSubjectRequest) -> list[TimelineEntry]:
    return list(TimelineEntry.objects.filter(request=ticket).order_by("at", "pk"))


def ticket_events(ticket: DataSubjectRequest, prefix: str = "dsar.") -> list[AccessEvent]:
    """The access-log entries about one ticket, oldest first."""
    return list(
        AccessEvent.objects.filter(
            target_type="dsar.datasubjectrequest", target_id=str(ticket.pk), action__startswith=prefix
        ).order_by("seq")
    )


def pdf_text(path: str | None) -> str:
    """The text of a stored PDF, as a reader would copy it, spaces normalised."""
    assert path
    with default_storage.open(path, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def stored_recording(camera: Camera, start: datetime, seconds: float = 60) -> Recording:
    """A ready recording with a small file under MEDIA_ROOT."""
    recording = make_recording(camera, start, seconds, sha256="ab" * 32)
    relative = f"recordings/{camera.pk}/{start:%Y%m%dT%H%M%S%f}.mp4"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"video bytes")
    Recording.objects.filter(pk=recording.pk).update(file=relative, size=11)
    recording.refresh_from_db()
    return recording


def media_path(relative: str | None) -> Path:
    assert relative
    return Path(settings.MEDIA_ROOT) / relative


def ago(**delta: float) -> datetime:
    return timezone.now() - timedelta(**delta)

"""Changes to the camera register, each written to the audit log."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from compliance.access_log import record_access
from compliance.signals import announce_configuration_change
from media_processing.models import Camera, Site

UNASSIGNED_SITE = "Unassigned"


def site_create(*, name: str, address: str = "") -> Site:
    return Site.objects.create(name=name, address=address)


def camera_create(*, actor: Any, ip: str | None = None, **fields: Any) -> Camera:
    with transaction.atomic():
        camera = Camera(**fields)
        camera.full_clean()
        camera.save()
        record_access(actor=actor, action="camera.create", target=camera, reason=_summary(fields), ip=ip)
        announce_configuration_change(sender=Camera, what="camera")
    return camera


def camera_create_minimal(*, name: str, actor: Any = None) -> Camera:
    """A camera created from the command line; its register entry is completed in the app."""
    site, _created = Site.objects.get_or_create(name=UNASSIGNED_SITE)
    return camera_create(
        actor=actor,
        name=name,
        site=site,
        purpose="",
        time_zone=timezone.get_default_timezone_name(),
    )


def camera_update(*, camera: Camera, actor: Any, ip: str | None = None, **fields: Any) -> Camera:
    changed = {name: value for name, value in fields.items() if getattr(camera, name) != value}
    if not changed:
        return camera
    with transaction.atomic():
        for name, value in changed.items():
            setattr(camera, name, value)
        camera.full_clean()
        camera.save()
        record_access(actor=actor, action="camera.update", target=camera, reason=_summary(changed), ip=ip)
        announce_configuration_change(sender=Camera, what="camera")
    return camera


def _summary(fields: dict[str, Any]) -> str:
    return "; ".join(f"{name}={value}" for name, value in sorted(fields.items()) if name != "site") or "-"

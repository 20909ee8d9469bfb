"""Evidence copies: one MP4 of a camera's footage over [from, to), cut by stream copy."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compliance.access_log import record_access
from compliance.jobs import start_job
from compliance.models import JobRun
from compliance.models.jobs import JOB_KIND_LABELS
from media_processing import engine_config
from media_processing.engine.clip import Segment, cut_clip
from media_processing.engine.hashing import sha256_file
from media_processing.models import Camera, Clip, ClipStatus, RecordingKind
from media_processing.selectors import footage_search
from media_processing.services.access import access_reason

CLIP_KIND = "footage.clip"
JOB_KIND_LABELS[CLIP_KIND] = gettext_lazy("Evidence clip")


class ClipError(Exception):
    pass


def clip_request(
    *, camera: Camera, start: datetime, end: datetime, reason: str, reference: str, user: Any, ip: str | None
) -> tuple[Clip, JobRun]:
    """Log the access to every recording the clip draws on, and queue the cut."""
    if end <= start:
        raise ClipError(_("The end of the clip must come after its start."))
    hits = [hit for hit in footage_search(cameras=[camera], start=start, end=end) if hit.recording.kind == "video"]
    if not hits:
        raise ClipError(_("Camera %(camera)s has no stored video in that period.") % {"camera": camera.name})
    full_reason = access_reason(reason, reference)
    with transaction.atomic():
        clip = Clip.objects.create(
            camera=camera,
            requested_start=start,
            requested_end=end,
            reason=reason,
            reference=reference,
            created_by=user,
        )
        clip.recordings.set([hit.recording for hit in hits])
        for hit in hits:
            record_access(actor=user, action="footage.export", target=hit.recording, reason=full_reason, ip=ip)
        job = start_job(
            kind=CLIP_KIND,
            task="media_processing.tasks.cut_clip",
            arguments={"clip_id": clip.pk},
            subject=clip,
            started_by=user,
        )
    return clip, job


def clip_cut(*, clip: Clip, progress: Any = None) -> Clip:
    """Cut the clip's footage into one MP4 next to the media, renamed into place when whole."""
    hits = [
        hit
        for hit in footage_search(cameras=[clip.camera], start=clip.requested_start, end=clip.requested_end)
        if hit.recording.kind == RecordingKind.VIDEO
    ]
    if not hits:
        raise ClipError(_("The footage of this period is no longer stored."))
    signatures = {hit.recording.stream_signature for hit in hits}
    if len(signatures - {""}) > 1:
        raise ClipError(
            _(
                "The camera's video settings (format or picture size) changed within this period, so its "
                "recordings cannot be joined into one clip. Request one clip before and one after the change."
            )
        )
    segments = [Segment(Path(hit.recording.file.path), hit.from_offset, hit.to_offset) for hit in hits]
    relative = f"clips/{clip.camera_id}/{clip.pk}-{secrets.token_hex(4)}.mp4"
    target = engine_config.media_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    result = cut_clip(
        segments, target, tools=engine_config.tools(), progress=progress, signatures_checked="" not in signatures
    )
    Clip.objects.filter(pk=clip.pk).update(
        file=relative,
        sha256=sha256_file(result.path),
        size=result.path.stat().st_size,
        duration_seconds=result.duration_s,
        status=ClipStatus.READY,
        error="",
    )
    clip.refresh_from_db()
    return clip


def clip_fail(*, clip: Clip, message: str) -> None:
    Clip.objects.filter(pk=clip.pk).update(status=ClipStatus.FAILED, error=message)

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from media_processing.engine.clip import media_signature
from media_processing.engine.probe import probe
from media_processing.engine_config import media_root
from media_processing.ingest.context import IngestContext
from media_processing.ingest.steps.base import IngestStep
from media_processing.models import Camera, Recording, RecordingKind, RecordingStatus


class IndexStep(IngestStep):
    """Records what was stored — read back from the stored file itself — and places it on
    the camera's time line."""

    name = "index"
    label = _("Adding to the footage library")
    weight = 2

    def run(self, ctx: IngestContext) -> None:
        assert ctx.stored_path is not None and ctx.start is not None
        stored = probe(ctx.stored_path, tools=ctx.tools, limits=ctx.limits)
        is_image = stored.kind == "image"
        signature = "" if is_image else media_signature(ctx.stored_path, tools=ctx.tools)
        duration = 0.0 if is_image else float(stored.duration_s or 0)
        with transaction.atomic():
            Recording.objects.filter(pk=ctx.recording.pk).update(
                kind=RecordingKind.IMAGE if is_image else RecordingKind.VIDEO,
                start=ctx.start,
                end=ctx.start + timedelta(seconds=duration),
                duration_seconds=duration,
                file=str(ctx.stored_path.relative_to(media_root())),
                original_sha256=ctx.original_sha256,
                sha256=ctx.sha256,
                original_size=ctx.original.stat().st_size,
                size=ctx.stored_path.stat().st_size,
                container=stored.format,
                video_codec=stored.video_codec,
                audio_codec=stored.audio_codec or "",
                width=stored.width,
                height=stored.height,
                fps=None if is_image else stored.fps,
                has_audio=stored.has_audio,
                stream_signature=signature,
                metadata_removed=ctx.removed,
                masks_applied=ctx.masks_applied,
                redaction=ctx.redaction,
                cropped=ctx.cropped,
                status=RecordingStatus.READY,
                error="",
                error_code="",
                ingested_at=timezone.now(),
            )
            Camera.objects.filter(pk=ctx.camera.pk).update(
                longest_recording_seconds=Greatest(F("longest_recording_seconds"), duration)
            )
        ctx.recording.refresh_from_db()

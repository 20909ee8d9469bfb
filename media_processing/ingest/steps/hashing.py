from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from media_processing.engine.hashing import sha256_file
from media_processing.ingest.context import IngestContext, IngestError
from media_processing.ingest.steps.base import IngestStep
from media_processing.models import Recording, RecordingStatus


class HashStep(IngestStep):
    """Fingerprints the original as received and the cleaned copy that will be stored,
    and refuses a file this camera already holds."""

    name = "hash"
    label = gettext_lazy("Computing fingerprints")
    weight = 8

    def run(self, ctx: IngestContext) -> None:
        assert ctx.current is not None
        ctx.original_sha256 = sha256_file(ctx.original)
        ctx.report(0.5)
        duplicate = (
            Recording.objects.filter(
                camera=ctx.camera, original_sha256=ctx.original_sha256, status=RecordingStatus.READY
            )
            .exclude(pk=ctx.recording.pk)
            .first()
        )
        if duplicate is not None:
            raise IngestError(
                _("This file was already ingested for camera %(camera)s as recording %(id)d (%(name)s).")
                % {"camera": ctx.camera.name, "id": duplicate.pk, "name": duplicate.original_name},
                "duplicate",
            )
        ctx.sha256 = ctx.original_sha256 if ctx.current == ctx.original else sha256_file(ctx.current)

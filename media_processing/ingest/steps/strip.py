from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from media_processing.engine.strip import strip_image, strip_video
from media_processing.ingest.context import IngestContext
from media_processing.ingest.steps.base import IngestStep


class StripStep(IngestStep):
    """Removes every identifier the file carries beside its pictures: EXIF/XMP/IPTC of
    images, container tags, data, telemetry and subtitle streams of videos. Audio is kept
    only for cameras registered as recording audio."""

    name = "strip"
    label = _("Removing location and other hidden metadata")
    weight = 30

    def run(self, ctx: IngestContext) -> None:
        assert ctx.info is not None and ctx.current is not None
        if ctx.info.kind == "image":
            result = strip_image(ctx.current, ctx.work_dir, info=ctx.info, limits=ctx.limits)
        else:
            result = strip_video(
                ctx.current,
                ctx.work_dir,
                info=ctx.info,
                keep_audio=ctx.camera.records_audio,
                tools=ctx.tools,
                limits=ctx.limits,
                progress=ctx.report,
            )
        ctx.current = result.path
        ctx.removed.extend(result.removed)

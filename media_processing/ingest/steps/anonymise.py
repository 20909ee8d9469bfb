from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from media_processing import engine_config
from media_processing.engine.redaction import RenderStyle, VideoRedaction, redact_image, redact_video
from media_processing.ingest.context import IngestContext
from media_processing.ingest.steps.base import IngestStep


class AnonymiseStep(IngestStep):
    """Cameras set to anonymise at ingestion keep only a redacted copy: every face and
    licence plate the detectors find is blurred before anything is stored. The original
    is deleted only after the redacted copy is stored and indexed (the pipeline's rule)."""

    name = "anonymise"
    label = _("Redacting faces and plates")
    weight = 60

    def able_to_run(self, ctx: IngestContext) -> bool:
        return ctx.camera.anonymise_at_ingest

    def run(self, ctx: IngestContext) -> None:
        assert ctx.info is not None and ctx.current is not None
        detectors = engine_config.detectors()
        style = RenderStyle()
        if ctx.info.kind == "image":
            ctx.current, record = redact_image(
                ctx.current, ctx.work_dir, detectors=detectors, style=style, tools=ctx.tools, limits=ctx.limits
            )
        else:
            target = ctx.work_dir / "anonymised.mp4"
            record = redact_video(
                ctx.current,
                target,
                detectors=detectors,
                settings=VideoRedaction(style=style, keep_audio=ctx.camera.records_audio),
                tools=ctx.tools,
                limits=ctx.limits,
                progress=ctx.report,
            )
            ctx.current = target
        ctx.redaction = record
        ctx.removed.append(
            str(_("faces and licence plates redacted (%(count)d detections)") % {"count": record["detections"]})
        )

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from media_processing.engine.masks import apply_masks
from media_processing.ingest.context import IngestContext
from media_processing.ingest.steps.base import IngestStep


class MaskStep(IngestStep):
    """Fills the camera's privacy masks solid and crops to its region of interest."""

    name = "masks"
    label = _("Applying privacy masks")
    weight = 30

    def able_to_run(self, ctx: IngestContext) -> bool:
        return bool(ctx.camera.privacy_masks) or ctx.camera.region_of_interest is not None

    def run(self, ctx: IngestContext) -> None:
        assert ctx.info is not None and ctx.current is not None
        ctx.current = apply_masks(
            ctx.current,
            ctx.work_dir,
            info=ctx.info,
            masks=[[(x, y) for x, y in polygon] for polygon in ctx.camera.privacy_masks],
            roi=[(x, y) for x, y in ctx.camera.region_of_interest] if ctx.camera.region_of_interest else None,
            tools=ctx.tools,
            limits=ctx.limits,
            progress=ctx.report,
        )
        ctx.masks_applied = bool(ctx.camera.privacy_masks)
        ctx.cropped = ctx.camera.region_of_interest is not None

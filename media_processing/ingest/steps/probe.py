from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from media_processing.engine.probe import probe
from media_processing.ingest.context import IngestContext
from media_processing.ingest.steps.base import IngestStep


class ProbeStep(IngestStep):
    """Reads what the file is (format, streams, size, duration) without decoding it."""

    name = "probe"
    label = _("Reading the file")
    weight = 3

    def run(self, ctx: IngestContext) -> None:
        ctx.info = probe(ctx.original, tools=ctx.tools, limits=ctx.limits)
        ctx.current = ctx.original

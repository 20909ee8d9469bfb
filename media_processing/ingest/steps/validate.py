from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from media_processing.engine.validate import validate
from media_processing.ingest.context import IngestContext
from media_processing.ingest.steps.base import IngestStep
from media_processing.ingest.timing import as_utc, no_start_time, start_from_name


class ValidateStep(IngestStep):
    """Refuses what is over the limits or does not decode, and places the file in time:
    the start given with it, else the camera's file-name pattern, else the file's own clock."""

    name = "validate"
    label = _("Checking the file")
    weight = 7

    def run(self, ctx: IngestContext) -> None:
        assert ctx.info is not None
        validate(ctx.original, ctx.info, tools=ctx.tools, limits=ctx.limits)
        ctx.start = self.start_time(ctx)

    def start_time(self, ctx: IngestContext) -> datetime:
        recording, camera = ctx.recording, ctx.camera
        if recording.requested_start is not None:
            return recording.requested_start
        if camera.filename_pattern:
            start = start_from_name(recording.original_name, camera.filename_pattern, camera.time_zone)
            if start is None:
                raise no_start_time(recording.original_name, camera.filename_pattern)
            return start
        assert ctx.info is not None
        if ctx.info.creation_time is not None:
            return as_utc(ctx.info.creation_time, camera.time_zone)
        raise no_start_time(recording.original_name, "")

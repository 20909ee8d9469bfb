from __future__ import annotations

import os
import secrets

from django.utils.translation import gettext_lazy as _

from media_processing.engine_config import media_root
from media_processing.ingest.context import IngestContext
from media_processing.ingest.steps.base import IngestStep


class StoreStep(IngestStep):
    """Moves the cleaned copy into the media folder by an atomic rename, so a reader
    never finds a half-written recording."""

    name = "store"
    label = _("Storing")
    weight = 2

    def run(self, ctx: IngestContext) -> None:
        assert ctx.current is not None and ctx.start is not None
        if ctx.current == ctx.original:
            raise RuntimeError("the store step needs the cleaned copy, not the original")
        suffix = ctx.current.suffix.lower()
        relative = f"recordings/{ctx.camera.pk}/{ctx.start:%Y/%m/%d}/{ctx.recording.pk}-{secrets.token_hex(4)}{suffix}"
        target = media_root() / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(ctx.current, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(ctx.current, target)
        ctx.stored_path = target
        ctx.current = target

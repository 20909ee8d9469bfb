from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from media_processing.ingest.context import IngestContext, IngestError
from media_processing.ingest.steps.base import IngestStep


class AnonymiseStep(IngestStep):
    """Cameras set to anonymise at ingestion keep only a redacted copy.

    Until the redaction engine is installed this step refuses such files rather than
    storing an unredacted copy: the original goes to quarantine with the reason.
    """

    name = "anonymise"
    label = gettext_lazy("Redacting faces and plates")
    weight = 30

    def able_to_run(self, ctx: IngestContext) -> bool:
        return ctx.camera.anonymise_at_ingest

    def run(self, ctx: IngestContext) -> None:
        raise IngestError(
            _(
                "Camera %(camera)s is set to anonymise footage at ingestion, but this installation has no redaction "
                "engine yet, so the file was not stored. Turn the setting off to store footage unredacted, or wait "
                "for the redaction engine."
            )
            % {"camera": ctx.camera.name},
            "anonymiser-missing",
        )

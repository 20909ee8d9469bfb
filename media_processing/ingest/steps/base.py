from __future__ import annotations

from django.utils.functional import Promise

from media_processing.ingest.context import IngestContext


class IngestStep:
    """One step of the ingestion pipeline.

    `able_to_run` says whether the step applies to this file and camera; `setup`
    prepares, `run` does the work and may raise `IngestError` or the engine's
    `MediaError`; `cleanup` runs afterwards whatever happened, for every step whose
    `setup` ran. `weight` is the step's share of the progress bar.
    """

    name: str = ""
    label: str | Promise = ""
    weight: int = 1

    def able_to_run(self, ctx: IngestContext) -> bool:
        return True

    def setup(self, ctx: IngestContext) -> None:
        return None

    def run(self, ctx: IngestContext) -> None:
        raise NotImplementedError

    def cleanup(self, ctx: IngestContext) -> None:
        return None

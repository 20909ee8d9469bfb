from media_processing.ingest.steps.anonymise import AnonymiseStep
from media_processing.ingest.steps.base import IngestStep
from media_processing.ingest.steps.hashing import HashStep
from media_processing.ingest.steps.index import IndexStep
from media_processing.ingest.steps.masks import MaskStep
from media_processing.ingest.steps.probe import ProbeStep
from media_processing.ingest.steps.store import StoreStep
from media_processing.ingest.steps.strip import StripStep
from media_processing.ingest.steps.validate import ValidateStep

# The fixed order every file goes through.
STEPS: tuple[IngestStep, ...] = (
    ProbeStep(),
    ValidateStep(),
    StripStep(),
    MaskStep(),
    AnonymiseStep(),
    HashStep(),
    StoreStep(),
    IndexStep(),
)

__all__ = ["STEPS", "IngestStep"]

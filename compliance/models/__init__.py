from compliance.models.access_log import AccessEvent, AccessLogHead
from compliance.models.api_tokens import ApiToken
from compliance.models.jobs import JobRun, JobStatus
from compliance.models.organisation import IdentityClock, Organisation
from compliance.models.retention import (
    DeletedItem,
    DeletionCertificate,
    LegalHold,
    PendingFileDeletion,
    RetentionAction,
    RetentionCategory,
    RetentionPolicy,
)
from compliance.models.vault import VaultEntry

__all__ = [
    "AccessEvent",
    "AccessLogHead",
    "ApiToken",
    "DeletedItem",
    "DeletionCertificate",
    "IdentityClock",
    "JobRun",
    "JobStatus",
    "LegalHold",
    "Organisation",
    "PendingFileDeletion",
    "RetentionAction",
    "RetentionCategory",
    "RetentionPolicy",
    "VaultEntry",
]

from compliance.models.access_log import AccessEvent, AccessLogHead
from compliance.models.api_tokens import ApiToken
from compliance.models.jobs import JobRun, JobStatus
from compliance.models.organisation import Organisation
from compliance.models.vault import VaultEntry

__all__ = ["AccessEvent", "AccessLogHead", "ApiToken", "JobRun", "JobStatus", "Organisation", "VaultEntry"]

from compliance.models.access_log import AccessEvent, AccessLogHead
from compliance.models.api_tokens import ApiToken
from compliance.models.jobs import JobRun, JobStatus
from compliance.models.organisation import Organisation

__all__ = ["AccessEvent", "AccessLogHead", "ApiToken", "JobRun", "JobStatus", "Organisation"]

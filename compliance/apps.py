from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance")

    def ready(self) -> None:
        from compliance import checks  # noqa: F401  (registers the system checks)
        from compliance.retention.access_entries import AccessLogEntries
        from compliance.retention.job_records import JobRecords
        from compliance.retention.registry import register

        register(JobRecords())
        register(AccessLogEntries())

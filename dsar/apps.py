from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DsarConfig(AppConfig):
    name = "dsar"
    verbose_name = _("Data subject requests")

    def ready(self) -> None:
        from compliance.effort import register_effort_source
        from compliance.organisation import organisation_changed
        from compliance.retention.registry import register
        from compliance.vault import register_purpose
        from dsar.answer.retention import AnswerPackages
        from dsar.effort import dsar_effort
        from dsar.retention import ClosedRequests
        from dsar.services.calendar import recompute_open_deadlines
        from dsar.services.identity import PURPOSES

        for name, kind, label in PURPOSES:
            register_purpose(name=name, kind=kind, label=str(label))
        register(ClosedRequests())
        register(AnswerPackages())
        organisation_changed.connect(recompute_open_deadlines, dispatch_uid="dsar.recompute_open_deadlines")
        register_effort_source("dsar", dsar_effort)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaProcessingConfig(AppConfig):
    name = "media_processing"
    verbose_name = _("Footage")

    def ready(self) -> None:
        from compliance.retention.registry import register
        from media_processing.services.retention import RawFootage, RedactedOutputs
        from media_processing.services.retention_anonymise import AnonymisedFootage

        register(RawFootage())
        register(AnonymisedFootage())
        register(RedactedOutputs())

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DpiaConfig(AppConfig):
    name = "dpia"
    verbose_name = _("Impact assessments")

    def ready(self) -> None:
        from django.urls import register_converter

        from dpia.converters import ReferenceConverter

        # Before any URLconf is read: the view modules' routes use `<dpia_ref:reference>`.
        register_converter(ReferenceConverter, "dpia_ref")

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

        from compliance.panels import register_panel
        from dpia import receivers
        from dpia.views.living import dashboard_panel

        receivers.connect()
        register_panel("dpia", template="dpia/_dashboard_panel.html", provider=dashboard_panel)

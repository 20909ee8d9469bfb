from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(zone)s is not a known time zone, e.g. Europe/Berlin."), params={"zone": value})


class Organisation(models.Model):
    """The controller running this installation: one row, created by the first migration."""

    name = models.CharField(_("name"), max_length=200, default="")
    country = models.CharField(_("country"), max_length=2, default="BE", help_text=_("ISO 3166-1 code, e.g. DE."))
    subdivision = models.CharField(
        _("region"), max_length=10, blank=True, help_text=_("Region code where public holidays differ, e.g. BY.")
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Brussels", validators=[validate_time_zone]
    )
    dpo_name = models.CharField(_("data protection officer"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("DPO e-mail"), blank=True)
    supervisory_authority = models.CharField(_("supervisory authority"), max_length=200, blank=True)

    class Meta:
        permissions = (
            ("view_retention", _("Can view retention schedules and holds")),
            ("manage_retention", _("Can change retention schedules and holds")),
        )
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")

    def __str__(self) -> str:
        return self.name or str(_("Organisation"))

    @classmethod
    def current(cls) -> Organisation:
        organisation, _created = cls.objects.get_or_create(pk=1)
        return organisation

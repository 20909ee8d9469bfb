from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_reminder_days(value: str) -> None:
    try:
        days = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        days = [-1]
    if any(day < 0 for day in days):
        raise ValidationError(_("Give whole numbers of days separated by commas, e.g. 7,3,1."))


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(zone)s is not a known time zone, e.g. Europe/Berlin."), params={"zone": value})


class IdentityClock(models.TextChoices):
    SUSPEND = "suspend", _("Suspended while waiting for proof of identity, then resumes")
    RESTART = "restart", _("Starts again when proof of identity arrives")


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
    identity_clock = models.CharField(
        _("deadline while identity is checked"),
        max_length=16,
        choices=IdentityClock.choices,
        default=IdentityClock.SUSPEND,
        help_text=_("What happens to a request's deadline while the requester's identity is being checked."),
    )
    dsar_reminder_days = models.CharField(
        _("reminder days"),
        max_length=100,
        default="7,3,1",
        validators=[validate_reminder_days],
        help_text=_("Handlers are reminded this many days before a request is due, e.g. 7,3,1."),
    )
    dsar_hold_grace_days = models.PositiveIntegerField(
        _("hold grace period (days)"),
        default=30,
        help_text=_("Footage kept for a request stays held this many days after the request closes."),
    )

    class Meta:
        permissions = (
            ("view_retention", _("Can view retention schedules and holds")),
            ("manage_retention", _("Can change retention schedules and holds")),
        )
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")

    def __str__(self) -> str:
        return self.name or str(_("Organisation"))

    @property
    def reminder_days(self) -> list[int]:
        return sorted({int(part) for part in self.dsar_reminder_days.split(",") if part.strip()}, reverse=True)

    @classmethod
    def current(cls) -> Organisation:
        organisation, _created = cls.objects.get_or_create(pk=1)
        return organisation

from __future__ import annotations

import datetime as dt
from typing import Any

import holidays
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.models import AccessEvent, Organisation


class LoginForm(AuthenticationForm):
    """Django's login form without autofocus on the user name: focus starts at the top of
    the page, so the first Tab reaches the skip link and a screen reader starts at the heading."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)


class AccessLogFilterForm(forms.Form):
    user = forms.CharField(label=_("User"), required=False)
    target_type = forms.CharField(
        label=_("Object type"), required=False, help_text=_("e.g. media_processing.recording")
    )
    target_id = forms.CharField(label=_("Object id"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned

    def filtered(self) -> QuerySet[AccessEvent]:
        events = AccessEvent.objects.all()
        if not self.is_bound or not self.is_valid():
            return events
        data = self.cleaned_data
        if data["user"]:
            events = events.filter(actor_username__iexact=data["user"])
        if data["target_type"]:
            events = events.filter(target_type=data["target_type"])
        if data["target_id"]:
            events = events.filter(target_id=data["target_id"])
        # Dates are the organisation's local dates: a day is midnight to midnight there.
        if data["date_from"]:
            events = events.filter(timestamp__gte=_local_midnight(data["date_from"]))
        if data["date_to"]:
            events = events.filter(timestamp__lt=_local_midnight(data["date_to"] + dt.timedelta(days=1)))
        return events


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


class OrganisationForm(forms.ModelForm):
    """The organisation's settings; the country and region must name a public-holiday
    calendar, since the statutory deadlines roll over its holidays."""

    class Meta:
        model = Organisation
        fields = (
            "name",
            "country",
            "subdivision",
            "time_zone",
            "identity_clock",
            "dsar_reminder_days",
            "dsar_hold_grace_days",
            "dpo_name",
            "dpo_email",
            "supervisory_authority",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        country, subdivision = data.get("country", "").upper(), data.get("subdivision", "")
        supported = holidays.list_supported_countries()
        if country and country not in supported:
            self.add_error(
                "country",
                _("There is no public-holiday calendar for %(code)s. Use a two-letter ISO code such as DE.")
                % {"code": country},
            )
        elif country and subdivision and subdivision not in supported[country]:
            choices = ", ".join(supported[country]) or _("none")
            self.add_error(
                "subdivision",
                _("%(code)s is not a region of %(country)s. Regions: %(choices)s.")
                % {"code": subdivision, "country": country, "choices": choices},
            )
        data["country"] = country
        return data

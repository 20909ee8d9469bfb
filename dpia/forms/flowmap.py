"""Forms of the data-flow map: a stage, and a system at a stage.

They check the shape of the input; the rules live in `dpia.services.flowmap`, whose
refusals the views add to the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dpia.models import DataCategory, FlowStage, FlowSystem, Location, StageKind, TransferSafeguard


class StageForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of stage"),
        choices=StageKind.choices,
        help_text=_("What happens to the data at this step: collected, stored, prepared, analysed or passed on."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("As your staff call it, for example “Cameras in the shop” or “Face blurring”."),
    )

    @classmethod
    def for_stage(cls, stage: FlowStage, **kwargs: Any) -> StageForm:
        return cls(initial={"kind": stage.kind, "name": stage.name}, **kwargs)


class SystemForm(forms.Form):
    name = forms.CharField(
        label=_("System"),
        max_length=200,
        help_text=_("A device, server, program or service, for example “Entrance camera” or “Footage server”."),
    )
    data_categories = forms.MultipleChoiceField(
        label=_("Personal data present"),
        choices=DataCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick every kind of personal data this system holds or sees. Biometric templates are special-category "
            "data: they need an Art. 9 condition on the Legal basis tab."
        ),
    )
    location = forms.ChoiceField(label=_("Location"), choices=Location.choices)
    country = forms.CharField(
        label=_("Country (outside the EEA)"),
        max_length=100,
        required=False,
        help_text=_("Only for a third country: where the data goes."),
    )
    transfer_safeguard = forms.ChoiceField(
        label=_("Transfer safeguard"),
        choices=TransferSafeguard.choices,
        required=False,
        help_text=_("Only for a third country: what makes the transfer lawful."),
    )
    retention_days = forms.IntegerField(
        label=_("Retention (days)"),
        min_value=0,
        required=False,
        help_text=_("How long the data stays in this system. Leave empty if it is not kept (passed straight on)."),
    )
    access = forms.CharField(
        label=_("Who has access"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Roles or teams, and any processor's staff."),
    )
    safeguards = forms.CharField(
        label=_("Safeguards applied"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example blurring at ingest, encryption, personal accounts, access logging."),
    )

    @classmethod
    def for_system(cls, system: FlowSystem, **kwargs: Any) -> SystemForm:
        initial = {field: getattr(system, field) for field in cls.base_fields}
        return cls(initial=initial, **kwargs)

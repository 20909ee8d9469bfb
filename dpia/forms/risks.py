"""Forms of the Risks and measures tab and of the safeguard catalogue.

They check the shape of the input and show the version's scale in its own words; the
rules (justifications, the three-level scale, the action plan's owner and due date) live
in `dpia.services.risks`, whose refusals the views add to the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dpia.document import RISK_FIELDS
from dpia.feared_events import CATALOGUE
from dpia.models import AssessmentVersion, Measure, MeasureStatus, Risk, RiskKind, Safeguard
from dpia.risk_catalogue import STAGES, level_labels

STAGE_LEGENDS = {
    "inherent": _("Before measures"),
    "current": _("With the measures in place now"),
    "residual": _("Residual, once the planned measures are done"),
}


class NumberedChoice(forms.ModelMultipleChoiceField):
    """Risks or measures offered by their number on the page (R1…) or their title."""

    def __init__(self, *args: Any, numbers: dict[int, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.numbers = numbers or {}

    def label_from_instance(self, obj: Any) -> str:
        number = self.numbers.get(obj.pk)
        return f"{number} {obj}" if number else str(obj)


def risk_numbers(version: AssessmentVersion) -> dict[int, str]:
    """R1, R2… by risk id, in the order of the heat map's markers."""
    return {pk: f"R{index}" for index, pk in enumerate(version.risks.values_list("pk", flat=True), start=1)}


class RiskForm(forms.Form):
    kind = forms.ChoiceField(label=_("Feared event"), choices=RiskKind.choices)
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"size": 80}),
        help_text=_("The event as people would feel it, in one sentence."),
    )  # fmt: skip
    impacts = forms.CharField(
        label=_("Impacts on people"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_("What could happen to the people filmed if the event occurred."),
    )  # fmt: skip
    threats = forms.CharField(
        label=_("Threats"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=_("How it could happen: the ways in, the weak points."),
    )  # fmt: skip
    sources = forms.CharField(
        label=_("Risk sources"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=_("Who or what could cause it, on purpose or by accident."),
    )  # fmt: skip
    measures = NumberedChoice(
        label=_("Measures against it"), queryset=Measure.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args: Any, version: AssessmentVersion, read_only: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        severities, likelihoods = level_labels(version.scale)
        for stage in STAGES:
            self.fields[f"{stage}_severity"] = _rating_field(_("Severity"), severities)
            self.fields[f"{stage}_likelihood"] = _rating_field(_("Likelihood"), likelihoods)
            self.fields[f"{stage}_justification"] = forms.CharField(
                label=_("Why these ratings"),
                widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
                help_text=_(
                    "Every rating needs its reason: the facts that make the event this serious and this likely."
                ),
            )
        measures: Any = self.fields["measures"]
        measures.queryset = version.measures.order_by("id")
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    @classmethod
    def for_risk(cls, risk: Risk, **kwargs: Any) -> RiskForm:
        initial = {field: getattr(risk, field) for field in RISK_FIELDS} | {"measures": list(risk.measures.all())}
        return cls(initial=initial, version=risk.version, **kwargs)

    def stages(self) -> list[dict[str, Any]]:
        """The three ratings, each with its legend and fields, for the template's fieldsets."""
        return [
            {
                "legend": STAGE_LEGENDS[stage],
                "severity": self[f"{stage}_severity"],
                "likelihood": self[f"{stage}_likelihood"],
                "justification": self[f"{stage}_justification"],
            }
            for stage in STAGES
        ]

    def description_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("kind", "title", "impacts", "threats", "sources")]


def _rating_field(label: Any, levels: dict[int, str]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "—"), *((value, f"{value} · {name}") for value, name in levels.items())],
        coerce=int,
    )


class MeasureForm(forms.Form):
    safeguard = forms.ModelChoiceField(
        label=_("Start from a catalogue safeguard"), queryset=Safeguard.objects.none(), required=False,
        empty_label=_("None: a measure of our own"),
        help_text=_("Leave the title and description empty to copy the safeguard's name and how it works."),
    )  # fmt: skip
    title = forms.CharField(
        label=_("Measure"), max_length=200, required=False, widget=forms.TextInput(attrs={"size": 80})
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 80})
    )
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    owner = forms.CharField(
        label=_("Owner"), max_length=200, required=False,
        help_text=_("Who makes it happen. Planned and in-progress measures need an owner and a due date."),
    )  # fmt: skip
    due_date = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    risks = NumberedChoice(
        label=_("Risks it addresses"), queryset=Risk.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(
        self, *args: Any, version: AssessmentVersion, measure: Measure | None = None, read_only: bool = False,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        safeguard: Any = self.fields["safeguard"]
        current = Q(pk=measure.safeguard_id) if measure is not None and measure.safeguard_id else Q(pk__in=[])
        safeguard.queryset = Safeguard.objects.filter(Q(active=True) | current)
        risks: Any = self.fields["risks"]
        risks.queryset = version.risks.order_by("order", "id")
        risks.numbers = risk_numbers(version)
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    @classmethod
    def for_measure(cls, measure: Measure, **kwargs: Any) -> MeasureForm:
        fields = ("title", "description", "status", "owner", "due_date")
        initial = {field: getattr(measure, field) for field in fields}
        initial |= {"safeguard": measure.safeguard_id, "risks": list(measure.risks.all())}
        return cls(initial=initial, version=measure.version, measure=measure, **kwargs)


class CatalogueRisksForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Risks of the catalogue"),
        choices=[(kind, entry.title) for kind, entry in CATALOGUE.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each comes with typical descriptions and ratings: adjust them to your processing."),
    )


class SafeguardForm(forms.ModelForm):
    class Meta:
        model = Safeguard
        fields = ("key", "name", "kind", "how", "effort", "accuracy_effect", "small_business", "active")
        widgets = {"how": forms.Textarea(attrs={"rows": 4, "cols": 80})}
        help_texts = {
            "key": _(
                "Letters, digits and hyphens; measures and exported assessments refer to it, so it cannot change."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["key"].disabled = True
        else:
            self.fields["key"].required = False
            self.fields["key"].help_text = _("Leave empty to make one from the name. It cannot change later.")

"""The screening form: what is screened, which cameras, and one yes / no / not sure
answer per question of `dpia.screening_questions`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dpia.screening_questions import ANSWER_CHOICES, GROUPS, QUESTIONS
from media_processing.models import Camera, ZoneType


class CameraChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        labels = dict(ZoneType.choices)
        zones = ", ".join(str(labels[zone]) for zone in obj.zone_types) or _("no zone recorded")
        return f"{obj.name} — {obj.site.name} ({zones})"


class ScreeningForm(forms.Form):
    title = forms.CharField(
        label=_("Processing screened"),
        max_length=200,
        help_text=_("A name the DPO will recognise, e.g. “Shop-floor cameras, Ghent store”."),
    )
    cameras = CameraChoiceField(
        label=_("Cameras"),
        queryset=Camera.objects.select_related("site").order_by("site__name", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "The cameras of the camera register this processing uses; their register entries answer some questions."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=question.label,
                help_text=question.help,
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": _("Answer this question; choose “not sure” if you do not know yet.")},
            )

    def groups(self, support: dict[str, list[str]]) -> list[dict[str, Any]]:
        """The questions by group, each with the register facts that answer it."""
        return [
            {
                "key": key,
                "title": title,
                "questions": [
                    {"field": self[question.key], "name": question.name, "facts": support.get(question.key, [])}
                    for question in QUESTIONS
                    if question.group == key
                ],
            }
            for key, title in GROUPS
        ]

    def answers(self) -> dict[str, str]:
        return {question.key: self.cleaned_data[question.key] for question in QUESTIONS}

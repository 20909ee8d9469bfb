"""Forms of the Retention page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from compliance.models import LegalHold, RetentionAction, RetentionCategory, RetentionPolicy
from compliance.models.retention import CAMERA_CATEGORIES


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = ("period", "unit", "action")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.category != RetentionCategory.RAW_FOOTAGE:
            action: Any = self.fields["action"]
            action.choices = [choice for choice in action.choices if choice[0] != RetentionAction.ANONYMISE]


class OverrideForm(forms.ModelForm):
    """A per-camera policy for a footage category."""

    class Meta:
        model = RetentionPolicy
        fields = ("category", "camera", "period", "unit", "action")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category: Any = self.fields["category"]
        category.choices = [(c.value, c.label) for c in CAMERA_CATEGORIES]
        self.fields["camera"].required = True


class HoldForm(forms.ModelForm):
    recording_ids = forms.CharField(
        label=_("Recording numbers"),
        required=False,
        help_text=_("Optional: numbers of single recordings to hold, separated by commas."),
    )

    class Meta:
        model = LegalHold
        fields = ("case_reference", "reason", "cameras", "window_start", "window_end", "review_on")
        widgets = {
            "window_start": LocalDateTimeInput(),
            "window_end": LocalDateTimeInput(),
            "review_on": forms.DateInput(attrs={"type": "date"}),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "window_start": _("Leave empty for no start limit."),
            "window_end": _("Leave empty for no end limit."),
        }

    def clean_recording_ids(self) -> list[Any]:
        raw = [part.strip() for part in self.cleaned_data["recording_ids"].split(",") if part.strip()]
        if not all(part.isdigit() for part in raw):
            raise forms.ValidationError(_("Enter recording numbers separated by commas."))
        model = LegalHold._meta.get_field("recordings").related_model
        found = list(model._default_manager.filter(pk__in=[int(part) for part in raw]))  # type: ignore[union-attr]
        if len(found) != len(set(raw)):
            raise forms.ValidationError(_("Some of these recordings do not exist."))
        return found

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("window_start"), cleaned.get("window_end")
        if start and end and start >= end:
            raise forms.ValidationError(_("The window must end after it starts."))
        if not cleaned.get("cameras") and not cleaned.get("recording_ids"):
            raise forms.ValidationError(_("Choose at least one camera or recording to hold."))
        return cleaned


class ReleaseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for release"), widget=forms.Textarea(attrs={"rows": 2}))

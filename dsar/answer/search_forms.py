"""The forms of the answer's search page: a clip's bounds (local times, to the second),
including or leaving out a clip, adding or dropping a camera, and the reason for seeing
the clips' frames. Each form on the page has a prefix of its own, so labels stay unique."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from media_processing.forms import LocalDateTimeInput
from media_processing.models import Camera

REASON_WIDGET = forms.Textarea(attrs={"rows": 2})


class BoundsForm(forms.Form):
    start = forms.DateTimeField(label=gettext_lazy("From (local time)"), widget=LocalDateTimeInput)
    end = forms.DateTimeField(label=gettext_lazy("To (local time)"), widget=LocalDateTimeInput)

    def clean(self) -> dict[str, Any]:
        super().clean()
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end must come after the start."))
        return self.cleaned_data


class IncludeForm(forms.Form):
    include = forms.TypedChoiceField(
        choices=[("1", gettext_lazy("Include")), ("0", gettext_lazy("Leave out"))],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=REASON_WIDGET, max_length=2000)


class CameraDropForm(forms.Form):
    camera = forms.ModelChoiceField(queryset=Camera.objects.all(), widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("Why this camera is left out"), widget=REASON_WIDGET, max_length=2000)


class CameraAddForm(forms.Form):
    camera = forms.ModelChoiceField(
        label=gettext_lazy("Camera"),
        queryset=Camera.objects.select_related("site").order_by("name"),
        help_text=gettext_lazy("Its footage in the request's time windows is searched and proposed."),
    )

    def __init__(self, *args: Any, exclude: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["camera"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Camera.objects.select_related("site").order_by("name").exclude(pk__in=exclude or [])


class FramesForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for seeing the frames"),
        widget=REASON_WIDGET,
        max_length=2000,
        help_text=gettext_lazy("The frames are raw footage: the reason is written to the access log for each clip."),
    )

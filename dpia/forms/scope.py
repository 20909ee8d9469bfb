"""What an assessment covers: its cameras, sites and retention policies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from compliance.models import RetentionPolicy
from media_processing.models import Camera, Site


class ScopeForm(forms.Form):
    cameras = forms.ModelMultipleChoiceField(
        label=_("Cameras"),
        queryset=Camera.objects.select_related("site").order_by("site__name", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Changes to these cameras' masks, zones, sound or anonymisation flag the assessment for review."),
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Sites covered"),
        queryset=Site.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A camera added to one of these sites flags the assessment for review."),
    )
    policies = forms.ModelMultipleChoiceField(
        label=_("Retention policies"),
        queryset=RetentionPolicy.objects.select_related("camera"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A change to one of these policies flags the assessment for review."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cameras: Any = self.fields["cameras"]
        cameras.label_from_instance = lambda camera: f"{camera.name} ({camera.site.name})"

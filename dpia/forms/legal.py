"""The form of one purpose and its legal basis; the rules (the balancing test that
legitimate interests need) live in `dpia.services.legal`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dpia.models import Art6Basis, Art9Condition, Purpose
from dpia.services.legal import balancing_missing_fields

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# The id of the page's <datalist> of the assessment's cameras, offered as suggestions.
CAMERA_LIST = "dpia-camera-names"


def _text(label: _StrPromise, help_text: _StrPromise, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, help_text=help_text, required=False, widget=forms.Textarea(attrs={"rows": rows})
    )


class PurposeForm(forms.Form):
    description = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the processing is for, precisely enough to tell when footage is used for something else."),
    )
    camera_name = forms.CharField(
        label=_("Camera"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": CAMERA_LIST}),
        help_text=_("The camera or group of cameras this purpose is for; leave empty if it covers them all."),
    )
    art6_basis = forms.ChoiceField(
        label=_("Art. 6 legal basis"),
        choices=Art6Basis.choices,
        help_text=_("For video surveillance this is usually legitimate interests, which needs the balancing test."),
    )
    art9_condition = forms.ChoiceField(
        label=_("Art. 9 condition"),
        choices=Art9Condition.choices,
        required=False,
        help_text=_(
            "Needed only when people are identified from their biometric data (face templates used for matching)."
        ),
    )
    interest = _text(
        _("Legitimate interest pursued"),
        _("The interest, real and present: for example thefts recorded at the entrance last year."),
    )
    necessity = _text(
        _("Necessity"),
        _("Why cameras are needed, and why less intrusive means (better locks, staff, lighting) are not enough."),
    )
    balancing = _text(
        _("Balancing against people's rights"),
        _("Who is filmed, what they can reasonably expect at this place, and what the footage could do to them."),
    )
    balancing_safeguards = _text(
        _("Safeguards tipping the balance"),
        _("What limits the intrusion: masks, blurring, short retention, restricted access."),
    )
    objection = _text(
        _("How people can object or opt out"),
        _("Where people learn about the cameras and how they object, for example the sign at the door and a contact."),
    )

    @classmethod
    def for_purpose(cls, purpose: Purpose, **kwargs: Any) -> PurposeForm:
        return cls(initial={field: getattr(purpose, field) for field in cls.base_fields}, **kwargs)

    def clean(self) -> dict[str, Any]:
        """Point at each balancing-test answer legitimate interests still need (the rule is the service's)."""
        data = super().clean() or {}
        for label_field in balancing_missing_fields(data):
            self.add_error(label_field, _("Needed when the basis is legitimate interests."))
        return data

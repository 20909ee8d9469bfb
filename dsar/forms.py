"""Forms of the DSAR pages. They validate input; `dsar.services` writes the rows.

Times are typed in the organisation's zone (the middleware activates it), so every
datetime a form gives back is aware.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dsar.models import Channel, DataSubjectRequest, Decision, RequestKind
from dsar.selectors import handlers
from dsar.services.photo import MAX_PHOTO_BYTES
from media_processing.engine.images import DECODE_ERRORS, register_heif
from media_processing.models import Camera, Site

INPUT_FORMAT = "%Y-%m-%dT%H:%M"
# What Pillow calls the picture -> the type the photo is stored as.
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "HEIF": "image/heif"}
IDENTITY = ("requester_name", "requester_email", "requester_phone", "requester_address")
OPTIONAL_IDENTITY = IDENTITY[1:]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=INPUT_FORMAT, **kwargs)


def _local_now() -> str:
    return timezone.localtime().strftime(INPUT_FORMAT)


class TicketForm(forms.Form):
    """Logging a request, or changing one (`ticket` given): on a change the requester's
    details show only as pseudonyms, and a field typed in replaces the stored value."""

    kind = forms.ChoiceField(label=gettext_lazy("Type of request"), choices=RequestKind.choices)
    channel = forms.ChoiceField(
        label=gettext_lazy("Received by"),
        choices=[choice for choice in Channel.choices if choice[0] != Channel.API],
    )
    received_at = forms.DateTimeField(
        label=gettext_lazy("Received at (local time)"),
        widget=LocalDateTimeInput(),
        help_text=gettext_lazy("When the request reached the organisation; the deadline is counted from this day."),
    )
    requester_name = forms.CharField(label=gettext_lazy("Requester's name"), max_length=200)
    requester_email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254, required=False)
    requester_phone = forms.CharField(label=gettext_lazy("Phone number"), max_length=50, required=False)
    requester_address = forms.CharField(
        label=gettext_lazy("Postal address"), widget=forms.Textarea(attrs={"rows": 3}), max_length=500, required=False
    )
    description = forms.CharField(
        label=gettext_lazy("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        help_text=gettext_lazy("What the requester asks for, and how to recognise them (clothes, vehicle…)."),
    )
    sites = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Sites"),
        queryset=Site.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Every camera of a chosen site is searched and preserved."),
    )
    cameras = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Cameras"),
        queryset=Camera.objects.select_related("site").order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    assigned_to = forms.ModelChoiceField(
        label=gettext_lazy("Handler"), queryset=handlers(), required=False, empty_label=gettext_lazy("Nobody yet")
    )
    photo = forms.FileField(
        label=gettext_lazy("Photo of the requester"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif"}),
        help_text=gettext_lazy(
            "Optional, to recognise the requester in footage: JPEG, PNG, WebP or HEIC, at most 15 MB. "
            "It is stored encrypted and deleted when the request ends."
        ),
    )

    def __init__(self, *args: Any, ticket: DataSubjectRequest | None = None, **kwargs: Any) -> None:
        self.ticket = ticket
        if ticket is not None:
            kwargs.setdefault("initial", _initial(ticket))
        super().__init__(*args, **kwargs)
        if ticket is None:
            self.fields["received_at"].initial = _local_now
            return
        for name in IDENTITY:
            field = self.fields[name]
            field.required = False
            token = getattr(ticket, name)
            field.help_text = (
                _("Now %(token)s. Type a new value to replace it; leave empty to keep it.") % {"token": token}
                if token
                else _("None given. Type a value to add it.")
            )
        for name in OPTIONAL_IDENTITY:
            if getattr(ticket, name):
                label = str(self.fields[name].label).lower()
                self.fields[f"clear_{name}"] = forms.BooleanField(
                    label=_("Remove the %(what)s") % {"what": label}, required=False
                )
        if ticket.has_photo:
            self.fields["delete_photo"] = forms.BooleanField(label=_("Delete the photo"), required=False)

    def request_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("kind", "channel", "received_at", "description")]

    def requester_fields(self) -> list[forms.BoundField]:
        names = [name for field in IDENTITY for name in (field, f"clear_{field}") if name in self.fields]
        return [self[name] for name in names]

    def clean_photo(self) -> tuple[bytes, str] | None:
        upload: UploadedFile | None = self.cleaned_data.get("photo")
        if not upload:
            return None
        if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo is larger than 15 MB; choose a smaller one."))
        data = upload.read()
        content_type = picture_type(data)
        if content_type is None:
            raise forms.ValidationError(_("The photo must be a JPEG, PNG, WebP or HEIC picture."))
        return data, content_type

    def identity_changes(self) -> dict[str, str]:
        """For a change: the identity fields to replace ("" removes an optional one)."""
        data = self.cleaned_data
        changes = {name: data[name].strip() for name in IDENTITY if data.get(name, "").strip()}
        for name in OPTIONAL_IDENTITY:
            if data.get(f"clear_{name}") and name not in changes:
                changes[name] = ""
        return changes


def _initial(ticket: DataSubjectRequest) -> dict[str, Any]:
    return {
        "kind": ticket.kind,
        "channel": ticket.channel,
        "received_at": timezone.localtime(ticket.received_at).strftime(INPUT_FORMAT),
        "description": ticket.description,
        "sites": list(ticket.sites.all()),
        "cameras": list(ticket.cameras.all()),
        "assigned_to": ticket.assigned_to,
    }


def picture_type(data: bytes) -> str | None:
    """The stored type of a picture Pillow recognises, None for anything else."""
    from PIL import Image, UnidentifiedImageError

    register_heif()
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format or ""
    except (UnidentifiedImageError, *DECODE_ERRORS):
        return None
    return PHOTO_FORMATS.get(image_format)


class WindowForm(forms.Form):
    start = forms.DateTimeField(
        label=gettext_lazy("Seen from (local time)"), widget=LocalDateTimeInput(), required=False
    )
    end = forms.DateTimeField(label=gettext_lazy("Until (local time)"), widget=LocalDateTimeInput(), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None) and not self.errors:
            self.add_error("end" if start else "start", _("Give both the start and the end of the time window."))
        elif start and end and end <= start:
            self.add_error("end", _("The end must come after the start."))
        return data


class BaseWindowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this window")

    def windows(self) -> list[tuple[datetime, datetime]]:
        """The filled-in windows not marked for removal."""
        return [
            (form.cleaned_data["start"], form.cleaned_data["end"])
            for form in self.forms
            if form.cleaned_data.get("start") and not form.cleaned_data.get("DELETE")
        ]


WindowFormSet = forms.formset_factory(
    WindowForm, formset=BaseWindowFormSet, extra=1, can_delete=True, can_delete_extra=False, max_num=20
)


def window_formset(data: Any = None, ticket: DataSubjectRequest | None = None) -> BaseWindowFormSet:
    initial = None
    if ticket is not None:
        initial = [
            {
                "start": timezone.localtime(window.start).strftime(INPUT_FORMAT),
                "end": timezone.localtime(window.end).strftime(INPUT_FORMAT),
            }
            for window in ticket.windows.all()
        ]
    return cast(BaseWindowFormSet, WindowFormSet(data, initial=initial, prefix="windows"))


class ReasonForm(forms.Form):
    """The text of a step: reasons (extend, refuse, decide), a reason (hold, withdraw) or a note."""

    text = forms.CharField(max_length=5000, required=False, strip=True)
    decision = forms.ChoiceField(choices=Decision.choices, required=False)


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[(name, name) for name in IDENTITY])
    reason = forms.CharField(
        label=gettext_lazy("Reason for revealing"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Why you need the identity behind the pseudonym. It is written to the access log."),
    )


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("open", gettext_lazy("Open")), ("closed", gettext_lazy("Ended")), ("all", gettext_lazy("All"))],
        required=False,
    )
    handler = forms.ChoiceField(label=gettext_lazy("Handler"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"), choices=[("", gettext_lazy("All types")), *RequestKind.choices], required=False
    )
    due = forms.ChoiceField(
        label=gettext_lazy("Deadline"),
        choices=[
            ("", gettext_lazy("Any")),
            ("overdue", gettext_lazy("Overdue")),
            ("soon", gettext_lazy("Due soon")),
        ],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = [(str(user.pk), user.get_username()) for user in handlers()]
        self.fields["handler"].choices = [("", _("Everyone")), ("none", _("Unassigned")), *users]  # type: ignore[attr-defined]

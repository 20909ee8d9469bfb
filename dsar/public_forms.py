"""The public request form: what a member of the public may send without an account, and the
spam guard that needs no outside service (a honeypot field and a signed time stamp)."""

from __future__ import annotations

import re
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from django import forms
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dsar.models import RequestKind
from dsar.services import Photo
from dsar.services.photo import MAX_PHOTO_BYTES
from media_processing.engine.errors import MediaError
from media_processing.engine.images import NotAPicture, open_picture
from media_processing.engine.limits import Limits
from media_processing.models import Site

STAMP_SALT = "dsar.public.form-stamp"
# A person needs more than a few seconds to fill the form in; a form kept open for more than
# a day is sent again with a fresh stamp, so a stamp cannot be harvested and replayed forever.
MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 24 * 3600
HONEYPOT = "website"
STAMP = "stamp"
WINDOW_COUNT = 3
MAX_WINDOW = timedelta(hours=24)
# Times a little ahead of the server's clock are tolerated (the requester's clock may run fast).
CLOCK_SKEW = timedelta(minutes=5)
# Pillow format -> the content type the ticket stores.
PHOTO_FORMATS = {
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "HEIF": "image/heic",
}
PHOTO_MAX_PIXELS = 50_000_000
PHONE_PATTERN = re.compile(r"\+?[0-9 ()./-]+")


def form_stamp(now: float | None = None) -> str:
    """The signed moment a form was handed out."""
    return signing.dumps(time.time() if now is None else now, salt=STAMP_SALT)


def stamp_is_plausible(value: str, now: float | None = None) -> bool:
    """Whether a stamp is ours, at least MIN_FILL_SECONDS old and at most MAX_FORM_AGE_SECONDS."""
    try:
        issued = float(signing.loads(value, salt=STAMP_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return False
    age = (time.time() if now is None else now) - issued
    return MIN_FILL_SECONDS <= age <= MAX_FORM_AGE_SECONDS


class SiteChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)  # names only: addresses and cameras stay internal


class IntakeForm(forms.Form):
    """Who asks, what for, how to reach them, and where they were filmed. The time windows
    are a separate formset (`WindowFormSet`)."""

    kind = forms.ChoiceField(
        label=_("What do you ask for?"), choices=RequestKind.choices, widget=forms.RadioSelect, initial="access"
    )
    name = forms.CharField(label=_("Your full name"), max_length=200, widget=forms.TextInput({"autocomplete": "name"}))
    email = forms.EmailField(
        label=_("E-mail address"), required=False, widget=forms.EmailInput({"autocomplete": "email"})
    )
    phone = forms.CharField(
        label=_("Phone number"), max_length=40, required=False, widget=forms.TextInput({"autocomplete": "tel"})
    )
    address = forms.CharField(
        label=_("Postal address"),
        max_length=500,
        required=False,
        widget=forms.Textarea({"rows": 3, "autocomplete": "street-address"}),
    )
    sites = SiteChoices(
        label=_("Sites"), queryset=Site.objects.order_by("name"), required=False, widget=forms.CheckboxSelectMultiple
    )
    place = forms.CharField(
        label=_("Or describe the place"),
        max_length=500,
        required=False,
        help_text=_("For example: the car park entrance on Station Road."),
    )
    description = forms.CharField(
        label=_("Anything that helps us find you"),
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 5}),
        help_text=_("What you were wearing, what you were doing, who was with you, or any other detail."),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput({"accept": "image/jpeg,image/png,image/webp,image/heic"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.photo_data: Photo | None = None
        self.fields["photo"].help_text = _("JPEG, PNG, WebP or HEIC, at most %(size)s MB.") % {"size": _megabytes()}
        self.has_sites = Site.objects.exists()
        if not self.has_sites:
            self.fields["place"].label = _("Where were you filmed?")

    def looks_automated(self) -> bool:
        """The honeypot was filled, or the form came back too fast or too late to be a person's.

        Both fields are written by the template, never by this form: they are not the
        requester's data, and a form shown again always carries a fresh stamp and an empty trap."""
        return bool(self.data.get(HONEYPOT, "").strip()) or not stamp_is_plausible(self.data.get(STAMP, ""))

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        if phone and (not PHONE_PATTERN.fullmatch(phone) or sum(char.isdigit() for char in phone) < 6):
            raise forms.ValidationError(_("Give a phone number of digits, for example +32 2 123 45 67."))
        return phone

    def clean_photo(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("photo")
        if upload is None:
            return None
        if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(
                _("The photo is larger than %(size)s MB; send a smaller one.") % {"size": _megabytes()}
            )
        data = b"".join(upload.chunks())
        content_type = picture_type(data)
        if content_type is None:
            raise forms.ValidationError(_("The photo must be a JPEG, PNG, WebP or HEIC picture."))
        self.photo_data = Photo(data=data, content_type=content_type)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(field) for field in ("email", "phone", "address")) and not self.has_error("email"):
            self.add_error(
                "email", _("Give at least one way to reach you: an e-mail address, a phone number or a postal address.")
            )
        if not cleaned.get("sites") and not cleaned.get("place", "").strip():
            self.add_error("place", _("Tell us where you were filmed: choose a site or describe the place."))
        return cleaned

    def description_text(self) -> str:
        """The description as the ticket keeps it, with the place the requester described."""
        description = self.cleaned_data["description"].strip()
        place = self.cleaned_data["place"].strip()
        if not place:
            return description
        where = _("Place described by the requester: %(place)s") % {"place": place}
        return f"{description}\n\n{where}" if description else where


def _megabytes() -> int:
    return MAX_PHOTO_BYTES // (1024 * 1024)


def picture_type(data: bytes) -> str | None:
    """The content type of a picture the ticket accepts, None for anything else (checked by
    Pillow from the bytes, never from the name or the browser's word)."""
    with tempfile.NamedTemporaryFile(suffix=".upload") as handle:
        handle.write(data)
        handle.flush()
        try:
            with open_picture(Path(handle.name), Limits(max_pixels=PHOTO_MAX_PIXELS)) as image:
                return PHOTO_FORMATS.get(str(image.format))
        except (NotAPicture, MediaError):
            return None


class WindowForm(forms.Form):
    """One stretch of time, read in the organisation's time zone."""

    start = forms.DateTimeField(
        label=_("From"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    end = forms.DateTimeField(
        label=_("To"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start: datetime | None = cleaned.get("start")
        end: datetime | None = cleaned.get("end")
        if self.has_error("start") or self.has_error("end"):
            return cleaned
        if start is None and end is None:
            return cleaned
        if start is None:
            self.add_error("start", _("Give the time this stretch starts."))
        elif end is None:
            self.add_error("end", _("Give the time this stretch ends."))
        elif end <= start:
            self.add_error("end", _("The end must be after the start."))
        elif end - start > MAX_WINDOW:
            self.add_error("end", _("Give at most 24 hours per stretch; use the next one for another day."))
        elif start > timezone.now() + CLOCK_SKEW:
            self.add_error("start", _("This time is in the future."))
        return cleaned

    @property
    def window(self) -> tuple[datetime, datetime] | None:
        if not self.is_valid() or self.cleaned_data.get("start") is None:
            return None
        return self.cleaned_data["start"], self.cleaned_data["end"]


class BaseWindowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.windows():
            raise forms.ValidationError(_("Tell us when you were filmed: give at least one date and time."))

    def windows(self) -> list[tuple[datetime, datetime]]:
        return [form.window for form in self.forms if form.window is not None]


WindowFormSet = cast(
    "type[BaseWindowFormSet]",
    forms.formset_factory(
        WindowForm,
        formset=BaseWindowFormSet,
        extra=WINDOW_COUNT,
        max_num=WINDOW_COUNT,
        absolute_max=WINDOW_COUNT,
        validate_max=True,
    ),
)

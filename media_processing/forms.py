"""Forms of the footage pages. They validate input; the services write the rows."""

from __future__ import annotations

import json
import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from media_processing.engine.masks import validate_polygon
from media_processing.ingest.timing import validate_pattern
from media_processing.models import Camera, RedactionMode, RedactionShape, Site, TrackSet, ZoneType
from media_processing.services.imports import import_folder_path
from media_processing.services.redaction_media import Rendering

MAX_SEARCH_DAYS = 31
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M:%S"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # step=1: seconds matter when cutting evidence to the second.
        super().__init__(attrs={"step": "1", **(attrs or {})}, format=LOCAL_INPUT_FORMAT)


class WallClockField(forms.DateTimeField):
    """A date and time as typed, without a zone: the caller decides which clock it is
    read on (the camera's, not the organisation's)."""

    widget = LocalDateTimeInput

    def to_python(self, value: Any) -> datetime | None:
        # Parsed in UTC, which has no daylight-saving gaps, then stripped: nothing typed is shifted or refused.
        with timezone.override(UTC):
            moment = super().to_python(value)
        return moment.replace(tzinfo=None) if moment else None


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(zoneinfo.available_timezones())]


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "address"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class CameraForm(forms.ModelForm):
    zone_types = forms.MultipleChoiceField(
        label=gettext_lazy("Zones in view"),
        choices=ZoneType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("The kinds of area this camera's field of view covers."),
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        choices=_time_zone_choices,
        help_text=gettext_lazy("The zone of the camera's clock: file names and local times are read in it."),
    )

    class Meta:
        model = Camera
        fields = [
            "name",
            "site",
            "description",
            "zone_types",
            "purpose",
            "legal_basis",
            "time_zone",
            "records_audio",
            "anonymise_at_ingest",
            "import_folder",
            "filename_pattern",
            "processed_action",
            "active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("time_zone", timezone.get_current_timezone_name())

    def clean_import_folder(self) -> str:
        folder: str = self.cleaned_data["import_folder"].strip()
        if folder:
            try:
                import_folder_path(folder)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
        return folder

    def clean_filename_pattern(self) -> str:
        pattern: str = self.cleaned_data["filename_pattern"].strip()
        if pattern:
            try:
                validate_pattern(pattern)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
        return pattern


class MaskForm(forms.Form):
    """Privacy masks and the region of interest as one JSON document, the path for the
    keyboard and screen reader; the drawing tool writes the same text."""

    polygons = forms.CharField(
        label=gettext_lazy("Masks and region of interest (JSON)"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "code"}),
        help_text=gettext_lazy(
            'For example {"masks": [[[0.1, 0.1], [0.4, 0.1], [0.4, 0.3]]], "region_of_interest": null}. '
            "Each polygon is a list of at least three [x, y] points, from 0 (left, top) to 1 (right, bottom)."
        ),
    )

    @staticmethod
    def initial_text(camera: Camera) -> str:
        return json.dumps({"masks": camera.privacy_masks, "region_of_interest": camera.region_of_interest})

    def clean_polygons(self) -> dict[str, Any]:
        try:
            document = json.loads(self.cleaned_data["polygons"])
        except json.JSONDecodeError as exc:
            raise ValidationError(_("This is not valid JSON: %(problem)s.") % {"problem": exc}) from None
        if not isinstance(document, dict) or set(document) - {"masks", "region_of_interest"}:
            raise ValidationError(_('Write an object with the keys "masks" and "region_of_interest".'))
        masks = document.get("masks") or []
        roi = document.get("region_of_interest")
        if not isinstance(masks, list):
            raise ValidationError(_('"masks" must be a list of polygons.'))
        for number, polygon in enumerate(masks, start=1):
            _check_polygon(polygon, _("Mask %(number)d") % {"number": number})
        if roi is not None:
            _check_polygon(roi, _("Region of interest"))
        return {"privacy_masks": masks, "region_of_interest": roi}


def _check_polygon(polygon: Any, name: str) -> None:
    try:
        validate_polygon(polygon)
    except (ValueError, TypeError) as exc:
        raise ValidationError(_("%(name)s: %(problem)s") % {"name": name, "problem": exc}) from None


class RawAccessForm(forms.Form):
    """Why a person opens raw footage; it goes into the access log."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("Why you need to see this footage. It is written to the access log."),
    )
    reference = forms.CharField(
        label=gettext_lazy("DSAR or incident reference"),
        max_length=100,
        required=False,
    )


class UploadForm(forms.Form):
    """The fields sent with each uploaded file; the file itself is read from request.FILES."""

    camera = forms.ModelChoiceField(
        label=gettext_lazy("Camera"), queryset=Camera.objects.filter(active=True).select_related("site")
    )
    start = WallClockField(
        label=gettext_lazy("Start time (camera's local time)"),
        required=False,
        help_text=gettext_lazy(
            "For a single file. Leave empty to read it from the file name (the camera's pattern) or from the "
            "file itself."
        ),
    )


class SearchForm(forms.Form):
    cameras = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Cameras"),
        queryset=Camera.objects.select_related("site"),
        required=False,
        help_text=gettext_lazy("Choose none to search every camera."),
    )
    start = forms.DateTimeField(label=gettext_lazy("From"), widget=LocalDateTimeInput)
    end = forms.DateTimeField(label=gettext_lazy("To"), widget=LocalDateTimeInput)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end <= start:
                self.add_error("end", _("The end must come after the start."))
            elif end - start > timedelta(days=MAX_SEARCH_DAYS):
                self.add_error("end", _("Search at most %(days)d days at a time.") % {"days": MAX_SEARCH_DAYS})
        return data

    def chosen_cameras(self) -> list[Camera]:
        return list(self.cleaned_data["cameras"] or Camera.objects.select_related("site"))


class ClipForm(forms.Form):
    """Cut [start, end) of one camera; the window comes from the search as hidden ISO times."""

    start = forms.DateTimeField(widget=forms.HiddenInput)
    end = forms.DateTimeField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Reason for the evidence clip"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=gettext_lazy("It is written to the access log with every recording the clip draws on."),
    )
    reference = forms.CharField(label=gettext_lazy("DSAR or incident reference"), max_length=100, required=False)


TRACK_LABELS = {"face": gettext_lazy("Face"), "plate": gettext_lazy("Licence plate"), "person": gettext_lazy("Person")}


class RenderForm(forms.Form):
    """How to make a redacted copy: the cover, who stays visible, the sound and the part.

    The tracks offered are those of `track_set`, whose id travels with the form so a
    keep list is never applied to another detection store.
    """

    mode = forms.ChoiceField(
        label=gettext_lazy("Cover"), choices=RedactionMode.choices, initial=RedactionMode.BLUR, widget=forms.RadioSelect
    )
    shape = forms.ChoiceField(
        label=gettext_lazy("Shape"),
        choices=RedactionShape.choices,
        initial=RedactionShape.ELLIPSE,
        widget=forms.RadioSelect,
    )
    keep = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Keep visible"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Track %(value)s is not among the tracks found. Reload the page and choose again."
            )
        },
    )
    audio = forms.ChoiceField(
        label=gettext_lazy("Sound"),
        choices=[("drop", gettext_lazy("Remove the sound")), ("keep", gettext_lazy("Keep the sound"))],
        initial="drop",
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Voices identify people too: keep the sound only if the requester needs it."),
    )
    start_s = forms.FloatField(label=gettext_lazy("From (seconds into the footage)"), required=False, min_value=0)
    end_s = forms.FloatField(
        label=gettext_lazy("To (seconds into the footage)"),
        required=False,
        min_value=0,
        help_text=gettext_lazy("Leave both empty to redact the whole footage."),
    )
    track_set = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, track_set: TrackSet | None = None, picture: bool = False, sound: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.shown_track_set = track_set
        tracks = track_set.tracks if track_set is not None else []
        keep = self.fields["keep"]
        assert isinstance(keep, forms.TypedMultipleChoiceField)
        keep.choices = [(track["track_id"], str(track["track_id"])) for track in tracks]
        self.fields["track_set"].initial = track_set.pk if track_set is not None else None
        if picture:  # one frame, no sound
            for name in ("start_s", "end_s", "audio"):
                del self.fields[name]
        elif not sound:
            del self.fields["audio"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        start, end = self.cleaned_data.get("start_s"), self.cleaned_data.get("end_s")
        if start is not None and end is not None and end <= start:
            self.add_error("end_s", _("The end must come after the start."))
        return self.cleaned_data

    def rendering(self) -> Rendering:
        data = self.cleaned_data
        return Rendering(
            mode=data["mode"],
            shape=data["shape"],
            keep_tracks=frozenset(data["keep"]),
            keep_audio=data.get("audio") == "keep",
            start_s=data.get("start_s"),
            end_s=data.get("end_s"),
        )

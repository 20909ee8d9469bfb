from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from compliance.models.organisation import validate_time_zone
from media_processing.validators import validate_polygon_field, validate_polygons_field, validate_zone_types


class Rights(models.Model):
    """Holds this app's role permissions; it has no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = (
            ("view_footage", _("Can view footage")),
            ("manage_footage", _("Can add and change cameras and footage")),
            ("redact_footage", _("Can find faces and plates in footage and make redacted copies")),
        )

    def __str__(self) -> str:
        return self._meta.app_label


class ZoneType(models.TextChoices):
    PUBLIC = "public", _("Public area")
    CUSTOMER = "customer", _("Customer area")
    WORKPLACE = "workplace", _("Workplace")
    SENSITIVE = "sensitive", _("Sensitive area")


class LegalBasis(models.TextChoices):
    """Article 6(1) GDPR."""

    CONSENT = "consent", _("Consent — Art. 6(1)(a)")
    CONTRACT = "contract", _("Contract — Art. 6(1)(b)")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation — Art. 6(1)(c)")
    VITAL_INTERESTS = "vital_interests", _("Vital interests — Art. 6(1)(d)")
    PUBLIC_TASK = "public_task", _("Public task — Art. 6(1)(e)")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests — Art. 6(1)(f)")


class ProcessedAction(models.TextChoices):
    DELETE = "delete", _("Delete the original once its cleaned copy is stored")
    MOVE = "move", _("Move the original to the folder's processed/ subfolder")


class Site(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    address = models.TextField(_("address"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class Camera(models.Model):
    """A camera of the register: what it films, why, on which legal basis, and how its
    footage is cleaned at ingestion."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="cameras", verbose_name=_("site"))
    description = models.TextField(_("description"), blank=True)
    zone_types = models.JSONField(
        _("zones in view"),
        default=list,
        blank=True,
        validators=[validate_zone_types],
        help_text=_("The kinds of area this camera's field of view covers."),
    )
    purpose = models.TextField(
        _("purpose"), blank=True, help_text=_("Why this camera films, in words a visitor would understand.")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=32, choices=LegalBasis.choices, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Brussels",
        validators=[validate_time_zone],
        help_text=_("The zone of the camera's clock: file names and local times are read in it."),
    )
    records_audio = models.BooleanField(_("records audio"), default=False)
    privacy_masks = models.JSONField(
        _("privacy masks"),
        default=list,
        blank=True,
        validators=[validate_polygons_field],
        help_text=_("Polygons filled solid in every frame at ingestion (coordinates from 0 to 1)."),
    )
    region_of_interest = models.JSONField(
        _("region of interest"),
        null=True,
        blank=True,
        validators=[validate_polygon_field],
        help_text=_("Only this part of the picture is kept; the rest is blacked out and cropped away."),
    )
    anonymise_at_ingest = models.BooleanField(
        _("anonymise at ingestion"),
        default=False,
        help_text=_("Redact faces and plates as footage arrives and keep only the redacted copy."),
    )
    import_folder = models.CharField(
        _("import folder"),
        max_length=500,
        blank=True,
        help_text=_("A folder under the import root that is watched for new files from this camera."),
    )
    filename_pattern = models.CharField(
        _("file-name time pattern"),
        max_length=100,
        blank=True,
        help_text=_(
            "How the start time is written in file names, e.g. %Y%m%d_%H%M%S. Leave empty to use the time "
            "stored in the file."
        ),
    )
    processed_action = models.CharField(
        _("after import"), max_length=10, choices=ProcessedAction.choices, default=ProcessedAction.DELETE
    )
    active = models.BooleanField(_("active"), default=True)
    # The longest recording ever stored for this camera bounds the index scan of a
    # time-window search: a recording overlapping [from, to) starts after from - longest.
    longest_recording_seconds = models.FloatField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["site__name", "name"]
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")

    def __str__(self) -> str:
        return self.name

    @property
    def register_complete(self) -> bool:
        """The register needs a purpose and a legal basis for every camera (Art. 30)."""
        return bool(self.purpose.strip() and self.legal_basis)

    def zone_labels(self) -> list[str]:
        labels = dict(ZoneType.choices)
        return [str(labels.get(zone, zone)) for zone in self.zone_types]


class RecordingKind(models.TextChoices):
    VIDEO = "video", _("Video")
    IMAGE = "image", _("Still image")


class RecordingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class RecordingSource(models.TextChoices):
    UPLOAD = "upload", _("Browser upload")
    FOLDER = "folder", _("Import folder")
    API = "api", _("API")
    COMMAND = "command", _("Command line")
    DEMO = "demo", _("Demonstration data")


class Recording(models.Model):
    """One stored file of one camera, placed on the absolute (UTC) time line.

    A still image is a recording whose start and end are its capture time. Until the
    ingestion job has finished, `status` is pending or processing and the original
    waits at `incoming_path`; a failed recording keeps its reason in `error`.
    """

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="recordings", verbose_name=_("camera"))
    kind = models.CharField(_("kind"), max_length=8, choices=RecordingKind.choices, default=RecordingKind.VIDEO)
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    duration_seconds = models.FloatField(_("duration (s)"), null=True, blank=True)
    file = models.FileField(_("stored file"), max_length=500, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255)
    original_sha256 = models.CharField(_("SHA-256 of the original"), max_length=64, blank=True, db_index=True)
    sha256 = models.CharField(_("SHA-256 of the stored file"), max_length=64, blank=True)
    original_size = models.BigIntegerField(_("original size (bytes)"), null=True, blank=True)
    size = models.BigIntegerField(_("stored size (bytes)"), null=True, blank=True)
    container = models.CharField(_("container"), max_length=32, blank=True)
    video_codec = models.CharField(_("video codec"), max_length=32, blank=True)
    audio_codec = models.CharField(_("audio codec"), max_length=32, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    fps = models.FloatField(_("frames per second"), null=True, blank=True)
    has_audio = models.BooleanField(_("has audio"), default=False)
    # Codec, picture size and format, audio format: files with equal signatures can be
    # joined into one clip by stream copy.
    stream_signature = models.CharField(max_length=200, blank=True)
    metadata_removed = models.JSONField(_("metadata removed"), default=list, blank=True)
    masks_applied = models.BooleanField(_("privacy masks applied"), default=False)
    redaction = models.JSONField(
        _("redaction record"),
        null=True,
        blank=True,
        help_text=_("What anonymisation did, at ingestion or under the retention schedule."),
    )
    cropped = models.BooleanField(_("cropped to the region of interest"), default=False)
    status = models.CharField(
        _("ingest status"), max_length=12, choices=RecordingStatus.choices, default=RecordingStatus.PENDING
    )
    error = models.TextField(_("error"), blank=True)
    error_code = models.CharField(max_length=32, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=RecordingSource.choices)
    requested_start = models.DateTimeField(
        null=True, blank=True, help_text="The start time given with the file, if any; it wins over the file's own."
    )
    incoming_path = models.CharField(max_length=1000, blank=True, help_text="Where the original waits for ingestion.")
    import_folder = models.CharField(max_length=500, blank=True, help_text="The watched folder it came from.")
    quarantine_path = models.CharField(_("quarantined as"), max_length=1000, blank=True)
    ingested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    ingested_at = models.DateTimeField(_("ingested"), null=True, blank=True)

    class Meta:
        ordering = ["-start", "-pk"]
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        indexes = [
            # Time-window search: camera equality, then a bounded range on start; end is
            # in the index so overlapping rows are found without visiting the table.
            models.Index(fields=["camera", "start", "end"], condition=Q(status="ready"), name="recording_ready_window"),
            models.Index(fields=["status", "created_at"], name="recording_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="recording_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.camera} · {self.original_name}"

    @property
    def is_ready(self) -> bool:
        return self.status == RecordingStatus.READY

    def offset_of(self, moment: Any) -> float:
        """Seconds into the file at an absolute moment (clamped to the recording)."""
        assert self.start is not None and self.end is not None
        moment = min(max(moment, self.start), self.end)
        return (moment - self.start) / timedelta(seconds=1)


class ClipStatus(models.TextChoices):
    PENDING = "pending", _("Being cut")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Clip(models.Model):
    """An evidence copy of one camera's footage over [start, end), cut by stream copy."""

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="clips", verbose_name=_("camera"))
    requested_start = models.DateTimeField(_("from"))
    requested_end = models.DateTimeField(_("to"))
    reason = models.TextField(_("reason"))
    reference = models.CharField(_("DSAR or incident reference"), max_length=100, blank=True)
    file = models.FileField(_("file"), max_length=500, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), null=True, blank=True)
    duration_seconds = models.FloatField(_("duration (s)"), null=True, blank=True)
    redaction = models.JSONField(
        _("redaction record"),
        null=True,
        blank=True,
        help_text=_("What anonymisation under the retention schedule did."),
    )
    recordings = models.ManyToManyField(Recording, related_name="clips", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ClipStatus.choices, default=ClipStatus.PENDING)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("made by")
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("clip")
        verbose_name_plural = _("clips")

    def __str__(self) -> str:
        return f"{self.camera} {self.requested_start:%Y-%m-%d %H:%M}"


class RedactionMode(models.TextChoices):
    BLUR = "blur", _("Blur")
    PIXELATE = "pixelate", _("Pixelate")
    FILL = "fill", _("Solid fill")


class RedactionShape(models.TextChoices):
    ELLIPSE = "ellipse", _("Ellipse")
    BOX = "box", _("Box")


def _one_subject(name: str) -> models.CheckConstraint:
    """Exactly one of recording and clip: the footage the row was made from."""
    return models.CheckConstraint(
        condition=Q(recording__isnull=False, clip__isnull=True) | Q(recording__isnull=True, clip__isnull=False),
        name=name,
    )


class MadeFromFootage(models.Model):
    """Something a job made from one recording or one clip (exactly one of the two,
    declared by each subclass with its own reverse name): who, when, which job."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("made by")
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    job = models.ForeignKey("compliance.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def subject(self) -> Recording | Clip:
        subject: Recording | Clip | None = getattr(self, "recording", None) or getattr(self, "clip", None)
        assert subject is not None
        return subject


class TrackSet(MadeFromFootage):
    """The detection store of one recording or clip: a `.npz` file under the media root
    with every anonymous track's box, frame by frame.

    It holds boxes, scores and track ids only; no picture content, face crop or
    embedding. `tracks` repeats each track's summary (span, best frame and box) so the
    pages need not open the file. [`start_s`, `end_s`) is the part analysed; empty
    means from the beginning, or to the end.
    """

    recording = models.ForeignKey(Recording, null=True, blank=True, on_delete=models.PROTECT, related_name="track_sets")
    clip = models.ForeignKey(Clip, null=True, blank=True, on_delete=models.PROTECT, related_name="track_sets")
    file = models.FileField(_("detection store"), max_length=500)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.BigIntegerField(_("size (bytes)"))
    source_sha256 = models.CharField(_("SHA-256 of the footage analysed"), max_length=64, blank=True)
    start_s = models.FloatField(_("from (s)"), null=True, blank=True)
    end_s = models.FloatField(_("to (s)"), null=True, blank=True)
    start_frame = models.PositiveIntegerField(default=0)
    frame_count = models.PositiveIntegerField(_("frames"))
    fps = models.FloatField(_("frames per second"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    track_count = models.PositiveIntegerField(_("tracks"))
    detection_count = models.PositiveIntegerField(_("detections"))
    tracks = models.JSONField(_("track summaries"), default=list, blank=True)
    detectors = models.JSONField(_("detectors"), default=list, blank=True)
    finding = models.JSONField(_("finding settings"), default=dict, blank=True)

    class Meta(MadeFromFootage.Meta):
        verbose_name = _("detection store")
        verbose_name_plural = _("detection stores")
        constraints = [_one_subject("trackset_one_subject")]

    def __str__(self) -> str:
        return f"{self.subject} · {self.track_count} tracks"

    def covers(self, start_s: float | None, end_s: float | None) -> bool:
        """Whether the part analysed contains [start_s, end_s) (None: the start, the end)."""
        starts_early = (self.start_s or 0.0) <= (start_s or 0.0)
        ends_late = self.end_s is None or (end_s is not None and self.end_s >= end_s)
        return starts_early and ends_late

    def track(self, track_id: int) -> dict[str, Any] | None:
        return next((track for track in self.tracks if track.get("track_id") == track_id), None)


class RedactedCopy(MadeFromFootage):
    """One redacted output of a recording or clip, made from the tracks of `track_set`.

    `record` is the engine's full redaction record (hashes, detectors and model hashes,
    settings, counts, keep list, wall time): counts and ids only, never picture content.
    """

    recording = models.ForeignKey(
        Recording, null=True, blank=True, on_delete=models.PROTECT, related_name="redacted_copies"
    )
    clip = models.ForeignKey(Clip, null=True, blank=True, on_delete=models.PROTECT, related_name="redacted_copies")
    track_set = models.ForeignKey(
        TrackSet, on_delete=models.PROTECT, related_name="copies", verbose_name=_("detection store")
    )
    file = models.FileField(_("file"), max_length=500)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.BigIntegerField(_("size (bytes)"))
    mode = models.CharField(_("cover"), max_length=10, choices=RedactionMode.choices)
    shape = models.CharField(_("shape"), max_length=10, choices=RedactionShape.choices)
    keep_tracks = models.JSONField(_("tracks left visible"), default=list, blank=True)
    keep_audio = models.BooleanField(_("sound kept"), default=False)
    start_s = models.FloatField(_("from (s)"), null=True, blank=True)
    end_s = models.FloatField(_("to (s)"), null=True, blank=True)
    record = models.JSONField(_("redaction record"), default=dict)

    class Meta(MadeFromFootage.Meta):
        verbose_name = _("redacted copy")
        verbose_name_plural = _("redacted copies")
        constraints = [_one_subject("redactedcopy_one_subject")]

    def __str__(self) -> str:
        return f"{self.subject} · {self.get_mode_display()}"

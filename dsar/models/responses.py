"""The footage answer to a request: what was searched and found, the clips proposed,
the review of each clip (who stays visible, boxes drawn by hand, the decision on each
third party), the package handed over, and the links it is delivered through.

Clips are `media_processing.Clip` rows (cut by stream copy from the recordings); their
detection stores and redacted copies are `TrackSet` and `RedactedCopy` rows of that app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dsar.models.requests import DataSubjectRequest, TimeWindow


class FootageSearch(models.Model):
    """One run of the search: where and when was looked, and what was not found and why.

    `gaps` lists, per camera and window, each stretch without footage:
    {"camera": name, "camera_id": id, "start": iso, "end": iso, "reason": "not_recorded" |
    "deleted", "deleted_on": iso date or null, "certificate": id or null}."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="searches")
    searched_at = models.DateTimeField(_("searched"), auto_now_add=True)
    searched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job = models.ForeignKey("compliance.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cameras = models.JSONField(_("cameras searched"), default=list)  # [{"id": .., "name": ..}]
    windows = models.JSONField(_("windows searched"), default=list)  # [{"start": iso, "end": iso}]
    gaps = models.JSONField(_("not found"), default=list)

    class Meta:
        ordering = ["-searched_at", "-pk"]
        verbose_name = _("footage search")
        verbose_name_plural = _("footage searches")

    def __str__(self) -> str:
        return f"{self.request} {self.searched_at:%Y-%m-%d %H:%M}"


class ResponseItem(models.Model):
    """One clip proposed for the answer and its review.

    `requester_tracks` are the ids (in `track_set`) of the requester's tracks, left visible;
    every other track is covered. `manual_boxes` are boxes a reviewer drew, each
    {"keyframes": [{"frame", "x", "y", "w", "h"}], "note": text}, in the clip's frames and
    pixels; always covered. `redacted` is the final copy made for the package."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="items")
    clip = models.OneToOneField("media_processing.Clip", on_delete=models.PROTECT, related_name="response_item")
    window = models.ForeignKey(TimeWindow, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveIntegerField(_("order"), default=0)
    included = models.BooleanField(_("included in the answer"), default=True)
    drop_reason = models.TextField(_("why it was left out"), blank=True)
    track_set = models.ForeignKey(
        "media_processing.TrackSet", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requester_tracks = models.JSONField(_("requester's tracks"), default=list)
    manual_boxes = models.JSONField(_("boxes drawn by hand"), default=list)
    keep_audio = models.BooleanField(_("keep the sound"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    redacted = models.ForeignKey(
        "media_processing.RedactedCopy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["request", "position", "pk"]
        verbose_name = _("clip of an answer")
        verbose_name_plural = _("clips of an answer")

    def __str__(self) -> str:
        return f"{self.request} #{self.position}"


class ThirdPartyChoice(models.TextChoices):
    REDACT = "redact", _("Obscured")
    CONSENTED = "consented", _("Shown: the person consented")
    REASONABLE = "reasonable", _("Shown: reasonable to disclose without consent")


class ThirdPartyDecision(models.Model):
    """What was decided for one other person in a clip, and why (Art. 15(4))."""

    item = models.ForeignKey(ResponseItem, on_delete=models.CASCADE, related_name="decisions")
    track_id = models.IntegerField(_("track"))  # negative: the manual box of that number
    decision = models.CharField(_("decision"), max_length=16, choices=ThirdPartyChoice.choices)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), auto_now=True)

    class Meta:
        ordering = ["item", "track_id"]
        constraints = [models.UniqueConstraint(fields=["item", "track_id"], name="one_decision_per_track")]
        verbose_name = _("third-party decision")
        verbose_name_plural = _("third-party decisions")

    def __str__(self) -> str:
        return f"{self.item} track {self.track_id}: {self.decision}"


class ResponseReview(models.Model):
    """The four-eyes step: who submitted the review and who, another person, approved it."""

    request = models.OneToOneField(DataSubjectRequest, on_delete=models.CASCADE, related_name="review")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    note = models.TextField(_("approver's note"), blank=True)

    class Meta:
        verbose_name = _("review of an answer")
        verbose_name_plural = _("reviews of answers")

    def __str__(self) -> str:
        return f"{self.request} review"


class Disclosure(models.Model):
    """A recipient footage went to (police, insurer, processor...), for the register that
    answers name: the cameras and time it covered, when and why."""

    class Kind(models.TextChoices):
        POLICE = "police", _("Police or prosecutor")
        INSURER = "insurer", _("Insurer")
        PROCESSOR = "processor", _("Processor acting for us")
        LAWYER = "lawyer", _("Lawyer or court")
        OTHER = "other", _("Other recipient")

    recipient = models.CharField(_("recipient"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    standing = models.BooleanField(
        _("receives footage routinely"), default=False, help_text=_("e.g. a processor that hosts or monitors footage")
    )
    cameras = models.ManyToManyField("media_processing.Camera", blank=True, related_name="+", verbose_name=_("cameras"))
    window_start = models.DateTimeField(_("footage from"), null=True, blank=True)
    window_end = models.DateTimeField(_("footage to"), null=True, blank=True)
    disclosed_on = models.DateField(_("disclosed on"), null=True, blank=True)
    purpose = models.TextField(_("purpose"))
    reference = models.CharField(_("case reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-disclosed_on", "-pk"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosure log")

    def __str__(self) -> str:
        return f"{self.recipient} ({self.disclosed_on or _('routinely')})"


class ResponsePackage(models.Model):
    """The zip handed to the requester: redacted clips, stills, the cover letter, the
    manifest with every file's SHA-256 and the redaction records. `purged_at` is set once
    its files are deleted (after its links expired, or under its retention policy)."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.PROTECT, related_name="packages")
    file = models.FileField(_("package"), max_length=500, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    letter = models.FileField(_("cover letter"), max_length=500, blank=True)
    letter_sha256 = models.CharField(max_length=64, blank=True)
    manifest = models.JSONField(_("manifest"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    job = models.ForeignKey("compliance.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    purged_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("answer package")
        verbose_name_plural = _("answer packages")

    def __str__(self) -> str:
        return f"{self.request} package {self.pk}"


class DeliveryLink(models.Model):
    """A link the requester downloads the package through. Only a hash of its token (and
    of the optional code sent separately) is stored."""

    package = models.ForeignKey(ResponsePackage, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=128, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    single_use = models.BooleanField(_("one download only"), default=False)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    failed_codes = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery link")
        verbose_name_plural = _("delivery links")

    def __str__(self) -> str:
        return f"{self.package} link {self.pk}"


class Download(models.Model):
    """One download through a link: which file, when, from where."""

    link = models.ForeignKey(DeliveryLink, on_delete=models.CASCADE, related_name="downloads")
    file_name = models.CharField(_("file"), max_length=300)
    at = models.DateTimeField(_("downloaded"), auto_now_add=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("download")
        verbose_name_plural = _("downloads")

    def __str__(self) -> str:
        return f"{self.link} {self.file_name}"

"""Retention schedules, legal holds and the certificates of what the sweep deleted.

Camera and recording references are lazy ("media_processing.Camera"): the footage app
registers what its categories mean (`compliance.retention.registry`), so no code here
imports it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RetentionCategory(models.TextChoices):
    RAW_FOOTAGE = "raw_footage", _("Raw footage (recordings and clips)")
    REDACTED_OUTPUTS = "redacted_outputs", _("Redacted copies")
    DSAR_PACKAGES = "dsar_packages", _("DSAR response packages")
    CLOSED_DSARS = "closed_dsars", _("Closed DSAR tickets")
    ACCESS_LOG = "access_log", _("Access log entries")
    JOB_RECORDS = "job_records", _("Background job records")


# Categories a policy may give a per-camera override.
CAMERA_CATEGORIES = (RetentionCategory.RAW_FOOTAGE, RetentionCategory.REDACTED_OUTPUTS)


class RetentionAction(models.TextChoices):
    DELETE = "delete", _("Delete when the period has passed")
    KEEP = "keep", _("Keep (never deleted automatically)")
    ANONYMISE = "anonymise", _("Anonymise, then keep the anonymised copy")


class PeriodUnit(models.TextChoices):
    DAYS = "days", _("days")
    HOURS = "hours", _("hours")


class RetentionPolicy(models.Model):
    """How long one category of data is kept; a row with a camera overrides the default row."""

    category = models.CharField(_("data category"), max_length=32, choices=RetentionCategory.choices)
    camera = models.ForeignKey(
        "media_processing.Camera",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="retention_policies",
        verbose_name=_("camera"),
    )
    period = models.PositiveIntegerField(_("period"))
    unit = models.CharField(_("unit"), max_length=8, choices=PeriodUnit.choices, default=PeriodUnit.DAYS)
    action = models.CharField(_("action"), max_length=16, choices=RetentionAction.choices)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["category", "camera_id"]
        constraints = [
            models.UniqueConstraint(fields=["category"], condition=Q(camera__isnull=True), name="retention_default"),
            models.UniqueConstraint(fields=["category", "camera"], name="retention_per_camera"),
        ]
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        scope = str(self.camera) if self.camera_id else str(_("all cameras"))
        return f"{self.get_category_display()} ({scope}): {self.describe()}"

    @property
    def duration(self) -> timedelta:
        return timedelta(hours=self.period) if self.unit == PeriodUnit.HOURS else timedelta(days=self.period)

    def describe(self) -> str:
        if self.action == RetentionAction.KEEP:
            return str(_("kept, not deleted automatically"))
        return str(_("deleted after %(period)s %(unit)s") % {"period": self.period, "unit": self.get_unit_display()})

    def clean(self) -> None:
        if self.action == RetentionAction.ANONYMISE and self.category != RetentionCategory.RAW_FOOTAGE:
            raise ValidationError(
                {"action": _("Only raw footage can be anonymised; choose delete or keep for this category.")}
            )

    def snapshot(self) -> dict[str, object]:
        return {
            "id": self.pk,
            "category": self.category,
            "camera_id": self.camera_id,
            "period": self.period,
            "unit": self.unit,
            "action": self.action,
        }


class LegalHold(models.Model):
    """Keeps footage from deletion while a case needs it.

    Scope: the cameras over a time window (an open end means no limit), and/or named
    recordings, and/or whatever a subject object (a DSAR ticket, later) links to.
    """

    reason = models.TextField(_("reason"))
    case_reference = models.CharField(_("case reference"), max_length=100)
    cameras = models.ManyToManyField(
        "media_processing.Camera", blank=True, related_name="legal_holds", verbose_name=_("cameras")
    )
    window_start = models.DateTimeField(_("from"), null=True, blank=True)
    window_end = models.DateTimeField(_("to"), null=True, blank=True)
    recordings = models.ManyToManyField(
        "media_processing.Recording", blank=True, related_name="legal_holds", verbose_name=_("recordings")
    )
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("placed by")
    )
    placed_at = models.DateTimeField(_("placed"), auto_now_add=True)
    review_on = models.DateField(_("review date"))
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    release_reason = models.TextField(_("reason for release"), blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    def __str__(self) -> str:
        return self.case_reference

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class DeletionCertificate(models.Model):
    """What one real sweep deleted; dry runs leave none. `finished_at` stays empty when
    the sweep was stopped part-way, and the items it did delete are still listed."""

    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    policies = models.JSONField(_("policies applied"), default=list)
    job = models.ForeignKey("compliance.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("deletion certificate")
        verbose_name_plural = _("deletion certificates")

    def __str__(self) -> str:
        return f"#{self.pk} {self.started_at:%Y-%m-%d %H:%M}"


class DeletedItem(models.Model):
    """One line of a certificate: an item deleted, or footage whose original was replaced
    by its anonymised copy (`files` then names the original, now gone)."""

    certificate = models.ForeignKey(DeletionCertificate, on_delete=models.PROTECT, related_name="items")
    category = models.CharField(_("data category"), max_length=32, choices=RetentionCategory.choices)
    action = models.CharField(
        _("action"), max_length=16, choices=RetentionAction.choices, default=RetentionAction.DELETE
    )
    label = models.CharField(_("item"), max_length=200)
    camera_name = models.CharField(_("camera"), max_length=200, blank=True)
    start = models.DateTimeField(_("from"), null=True, blank=True)
    end = models.DateTimeField(_("to"), null=True, blank=True)
    size = models.BigIntegerField(_("bytes"), default=0)
    files = models.JSONField(_("files and SHA-256"), default=list)
    policy = models.JSONField(_("policy applied"), default=dict)
    deleted_at = models.DateTimeField(_("deleted"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("deleted item")
        verbose_name_plural = _("deleted items")

    def __str__(self) -> str:
        return self.label


class PendingFileDeletion(models.Model):
    """A file whose row is already gone: written in the same transaction that deletes the
    row, removed once the file is unlinked. A sweep first finishes what a crash left."""

    path = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.path

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)

# Human names of job kinds; each app adds its own kinds here from its AppConfig.ready().
JOB_KIND_LABELS: dict[str, Any] = {
    "access_log.verify": _("Access log verification"),
    "retention.sweep": _("Retention sweep"),
}


class JobRun(models.Model):
    """What a person sees of one background job: its state survives a Redis restart."""

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    task = models.CharField(max_length=200, help_text="Dotted path of the function the worker runs.")
    arguments = models.JSONField(default=dict, blank=True)
    subject_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    subject_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    traceback = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    rq_job_id = models.CharField(max_length=64, blank=True, db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"])]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def kind_label(self) -> str:
        return str(JOB_KIND_LABELS.get(self.kind, self.kind))

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def as_progress(self) -> dict[str, Any]:
        return {"status": self.status, "progress": self.progress, "message": self.message, "error": self.error}

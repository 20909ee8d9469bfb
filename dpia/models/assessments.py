"""Assessments, their versions, the screening that started them and the evaluation of
each section.

An `Assessment` is the living record (what it covers, when it is next reviewed, whether
reality has drifted from it). Its content lives in `AssessmentVersion`s: the newest one
is edited while it is a draft; a submitted version is read-only, and an approved or
rejected one is frozen with a `snapshot` of everything it said. Rows are written only by
`dpia.services`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dpia.models.choices import EffortRole, Scale, SectionVerdict, Verdict, VersionStatus

# The default interval between reviews: quarterly, as video analytics need.
DEFAULT_REVIEW_DAYS = 91


class Screening(models.Model):
    """Answers to the screening questions and the verdict they led to."""

    title = models.CharField(_("processing screened"), max_length=200)
    cameras = models.ManyToManyField("media_processing.Camera", blank=True, related_name="+")
    answers = models.JSONField(_("answers"), default=dict)
    register = models.JSONField(_("facts from the camera register"), default=dict)
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    created_at = models.DateTimeField(_("screened"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"{self.title} ({self.get_verdict_display()})"


class Assessment(models.Model):
    reference = models.CharField(_("reference"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    screening = models.OneToOneField(
        Screening, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessment"
    )
    cameras = models.ManyToManyField(
        "media_processing.Camera", blank=True, related_name="assessments", verbose_name=_("cameras")
    )
    sites = models.ManyToManyField(
        "media_processing.Site", blank=True, related_name="assessments", verbose_name=_("sites covered")
    )
    retention_policies = models.ManyToManyField(
        "compliance.RetentionPolicy", blank=True, related_name="assessments", verbose_name=_("retention policies")
    )
    review_interval_days = models.PositiveIntegerField(_("days between reviews"), default=DEFAULT_REVIEW_DAYS)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    review_reminded_on = models.DateField(null=True, blank=True, editable=False)
    # What the approved version relied on, to compare with the live configuration.
    baseline = models.JSONField(default=dict, blank=True, editable=False)
    drift = models.JSONField(_("differences from the configuration"), default=list, blank=True)
    drift_since = models.DateTimeField(_("review needed since"), null=True, blank=True)
    drift_notified = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["reference"]
        verbose_name = _("impact assessment")
        verbose_name_plural = _("impact assessments")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def review_needed(self) -> bool:
        return bool(self.drift)

    def review_overdue(self, today: date) -> bool:
        return self.next_review is not None and self.next_review < today


class AssessmentVersion(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    template = models.JSONField(_("questionnaire (frozen copy)"))
    template_name = models.CharField(_("questionnaire template"), max_length=200)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    scale = models.CharField(_("risk scale"), max_length=8, choices=Scale.choices, default=Scale.FOUR)
    # Validation: the DPO's opinion, what data subjects said, and the sign-off.
    dpo_opinion = models.TextField(_("DPO opinion"), blank=True)
    data_subject_views = models.TextField(_("views of the people concerned"), blank=True)
    attestations = models.JSONField(_("attestations"), default=list, blank=True)
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    snapshot = models.JSONField(_("frozen content"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["assessment", "-number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "number"], name="dpia_version_number")]
        verbose_name = _("assessment version")
        verbose_name_plural = _("assessment versions")

    def __str__(self) -> str:
        return f"{self.assessment.reference} v{self.number}"

    @property
    def editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def frozen(self) -> bool:
        return self.status in (VersionStatus.APPROVED, VersionStatus.REJECTED)

    def sections(self) -> list[dict[str, Any]]:
        return list(self.template.get("sections", []))


class SectionEvaluation(models.Model):
    version = models.ForeignKey(AssessmentVersion, on_delete=models.CASCADE, related_name="evaluations")
    section = models.CharField(_("section"), max_length=80)
    verdict = models.CharField(_("evaluation"), max_length=16, choices=SectionVerdict.choices)
    comment = models.TextField(_("comment"), blank=True)
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    evaluated_at = models.DateTimeField(_("evaluated"), auto_now=True)

    class Meta:
        ordering = ["version", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "section"], name="dpia_one_evaluation_per_section")]
        verbose_name = _("section evaluation")
        verbose_name_plural = _("section evaluations")

    def __str__(self) -> str:
        return f"{self.section}: {self.get_verdict_display()}"


class AssessmentEvent(models.Model):
    """One step in an assessment's history: who did what, in which role, when.

    Also the source of the effort figures: edits close together in time count as one
    sitting (`compliance.effort`).
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="events")
    version_number = models.PositiveIntegerField(_("version"))
    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=EffortRole.choices, blank=True)
    action = models.CharField(_("action"), max_length=40)
    summary = models.TextField(_("what changed"), blank=True)

    class Meta:
        ordering = ["assessment", "at", "id"]
        verbose_name = _("assessment event")
        verbose_name_plural = _("assessment events")

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.action}"

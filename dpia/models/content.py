"""What a version of an assessment says in structured form: its data-flow map, the legal
basis of each purpose, its risks and the measures against them.

Every row belongs to one `AssessmentVersion`; a new version starts as a copy
(`dpia.document`), so rows of a frozen version never change.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dpia.models.assessments import AssessmentVersion
from dpia.models.catalogue import Safeguard
from dpia.models.choices import (
    Art6Basis,
    Art9Condition,
    Level,
    Location,
    MeasureStatus,
    RiskKind,
    StageKind,
    TransferSafeguard,
)


class FlowStage(models.Model):
    version = models.ForeignKey(AssessmentVersion, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind of stage"), max_length=16, choices=StageKind.choices)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("data-flow stage")
        verbose_name_plural = _("data-flow stages")

    def __str__(self) -> str:
        return self.name


class FlowSystem(models.Model):
    """One system at one stage, and the personal data it holds there."""

    stage = models.ForeignKey(FlowStage, on_delete=models.CASCADE, related_name="systems")
    order = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("system"), max_length=200)
    data_categories = models.JSONField(_("personal data present"), default=list, blank=True)
    location = models.CharField(_("location"), max_length=16, choices=Location.choices)
    country = models.CharField(_("country (outside the EEA)"), max_length=100, blank=True)
    transfer_safeguard = models.CharField(
        _("transfer safeguard"), max_length=16, choices=TransferSafeguard.choices, blank=True
    )
    retention_days = models.PositiveIntegerField(_("retention (days)"), null=True, blank=True)
    access = models.TextField(_("who has access"), blank=True)
    safeguards = models.TextField(_("safeguards applied"), blank=True)

    class Meta:
        ordering = ["stage", "order", "id"]
        verbose_name = _("system")
        verbose_name_plural = _("systems")

    def __str__(self) -> str:
        return self.name


class Purpose(models.Model):
    """A purpose of the processing with its Art. 6 basis (and Art. 9 condition where needed)."""

    version = models.ForeignKey(AssessmentVersion, on_delete=models.CASCADE, related_name="purposes")
    order = models.PositiveIntegerField(_("order"), default=0)
    camera_name = models.CharField(_("camera"), max_length=100, blank=True)
    description = models.TextField(_("purpose"))
    art6_basis = models.CharField(_("Art. 6 legal basis"), max_length=32, choices=Art6Basis.choices)
    art9_condition = models.CharField(_("Art. 9 condition"), max_length=4, choices=Art9Condition.choices, blank=True)
    # The balancing test, needed when the basis is legitimate interests.
    interest = models.TextField(_("legitimate interest pursued"), blank=True)
    necessity = models.TextField(_("necessity"), blank=True)
    balancing = models.TextField(_("balancing against people's rights"), blank=True)
    balancing_safeguards = models.TextField(_("safeguards tipping the balance"), blank=True)
    objection = models.TextField(_("how people can object or opt out"), blank=True)

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")

    def __str__(self) -> str:
        return self.description[:60]


class Measure(models.Model):
    """A measure taken or planned; planned ones form the action plan."""

    version = models.ForeignKey(AssessmentVersion, on_delete=models.CASCADE, related_name="measures")
    safeguard = models.ForeignKey(
        Safeguard, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("safeguard")
    )
    title = models.CharField(_("measure"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MeasureStatus.choices)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)

    class Meta:
        ordering = ["version", "id"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.title


class Risk(models.Model):
    """A feared event, rated before measures, with current measures, and residual."""

    version = models.ForeignKey(AssessmentVersion, on_delete=models.CASCADE, related_name="risks")
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("feared event"), max_length=32, choices=RiskKind.choices)
    title = models.CharField(_("title"), max_length=200)
    impacts = models.TextField(_("impacts on people"), blank=True)
    threats = models.TextField(_("threats"), blank=True)
    sources = models.TextField(_("risk sources"), blank=True)
    inherent_severity = models.PositiveSmallIntegerField(_("severity before measures"), choices=Level.choices)
    inherent_likelihood = models.PositiveSmallIntegerField(_("likelihood before measures"), choices=Level.choices)
    inherent_justification = models.TextField(_("justification before measures"))
    current_severity = models.PositiveSmallIntegerField(_("severity with current measures"), choices=Level.choices)
    current_likelihood = models.PositiveSmallIntegerField(_("likelihood with current measures"), choices=Level.choices)
    current_justification = models.TextField(_("justification with current measures"))
    residual_severity = models.PositiveSmallIntegerField(_("residual severity"), choices=Level.choices)
    residual_likelihood = models.PositiveSmallIntegerField(_("residual likelihood"), choices=Level.choices)
    residual_justification = models.TextField(_("justification of the residual rating"))
    measures = models.ManyToManyField(Measure, blank=True, related_name="risks", verbose_name=_("measures"))

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")

    def __str__(self) -> str:
        return self.title

"""What assessments are built from: questionnaire templates and the safeguard catalogue.

Neither is versioned with an assessment: an assessment keeps a frozen copy of its
template (`AssessmentVersion.template`) and its own measures, so editing either
catalogue never changes what was signed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dpia.models.choices import Effort, SafeguardKind


class QuestionnaireTemplate(models.Model):
    """Sections of questions, as data (see `dpia.questionnaire` for the shape of `body`)."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=16, default="en")
    body = models.JSONField(_("sections and questions"))
    built_in = models.BooleanField(_("shipped with Obscura"), default=False, editable=False)
    is_default = models.BooleanField(_("used for new assessments"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("questionnaire template")
        verbose_name_plural = _("questionnaire templates")

    def __str__(self) -> str:
        return self.name


class Safeguard(models.Model):
    """One entry of the catalogue of measures an assessment can apply to its risks."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=SafeguardKind.choices)
    how = models.TextField(_("how it works"))
    effort = models.CharField(_("effort"), max_length=16, choices=Effort.choices)
    accuracy_effect = models.CharField(_("effect on accuracy"), max_length=200, blank=True)
    small_business = models.CharField(_("suitable for small businesses"), max_length=200, blank=True)
    active = models.BooleanField(_("offered for new measures"), default=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("safeguard")
        verbose_name_plural = _("safeguards")

    def __str__(self) -> str:
        return self.name

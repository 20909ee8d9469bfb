"""Reads for the DPIA pages and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from dpia.models import Assessment, AssessmentVersion


@dataclass(frozen=True)
class AssessmentRow:
    assessment: Assessment
    version: AssessmentVersion
    approved: AssessmentVersion | None

    @property
    def review_overdue(self) -> bool:
        return self.assessment.review_overdue(timezone.localdate())


def assessment_rows() -> list[AssessmentRow]:
    """Every assessment with its newest version and its newest approved version."""
    assessments = Assessment.objects.prefetch_related(
        Prefetch("versions", queryset=AssessmentVersion.objects.order_by("-number"))
    )
    rows = []
    for assessment in assessments:
        versions = list(assessment.versions.all())
        if not versions:
            continue
        approved = next((v for v in versions if v.status == "approved"), None)
        rows.append(AssessmentRow(assessment=assessment, version=versions[0], approved=approved))
    return rows


def reviews_due(today: date) -> list[Assessment]:
    """Assessments whose next review date has passed, oldest first."""
    return list(Assessment.objects.filter(next_review__lt=today).order_by("next_review"))


def review_needed() -> list[Assessment]:
    """Assessments whose covered configuration has drifted from what was approved."""
    return list(Assessment.objects.exclude(drift=[]).order_by("drift_since"))

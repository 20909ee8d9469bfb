"""The living assessment: what an approved version relied on, and how far reality has
moved from it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from dpia.models import Assessment, AssessmentVersion


def assessment_approved(*, assessment: Assessment, version: AssessmentVersion) -> None:
    """Called by the approval, inside its transaction: restart the review clock from today."""
    assessment.next_review = timezone.localdate() + timedelta(days=assessment.review_interval_days)
    assessment.drift = []
    assessment.drift_since = None
    assessment.save(update_fields=["next_review", "drift", "drift_since"])

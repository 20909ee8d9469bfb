"""The living assessment: what an approved version relied on, and how far reality has
moved from it.

On approval the live configuration the assessment covers is written down as its
`baseline` (`configuration_facts`). `detect_drift` compares that baseline with the
configuration now (`dpia.drift` words each difference); `assessment_check_drift` keeps
the assessment's "review needed" flag, its history and the DPO's e-mail in step with it.
It runs hourly (`check_all_assessments`, compliance/cron.py) and as soon as a camera or
a retention policy changes (`dpia.receivers`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import smtplib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.models import RetentionPolicy
from compliance.models.retention import CAMERA_CATEGORIES
from dpia.drift import Difference, Facts, differences
from dpia.models import Assessment, AssessmentVersion
from dpia.notify import mail_dpo
from dpia.reviews import approved_version, first_review
from dpia.services.common import lock, record_event
from media_processing.engine_config import detector_facts
from media_processing.models import Camera

logger = logging.getLogger(__name__)


def assessment_approved(*, assessment: Assessment, version: AssessmentVersion) -> None:
    """Called by the approval, inside its transaction: the approved version's baseline is
    the configuration now, nothing differs from it, and the review clock restarts."""
    assessment.baseline = configuration_facts(assessment)
    assessment.drift = []
    assessment.drift_since = None
    assessment.drift_notified = ""
    first_review(assessment)
    assessment.save(
        update_fields=["baseline", "drift", "drift_since", "drift_notified", "next_review", "review_reminded_on"]
    )


def _retention(policy: RetentionPolicy | None) -> Facts | None:
    if policy is None:
        return None
    return {"policy": policy.pk, "period": policy.period, "unit": policy.unit, "action": policy.action}


def _effective(camera: Camera, policies: list[RetentionPolicy]) -> Facts:
    """The raw-footage and redacted-copy policies that apply to `camera` (its override, else the default)."""
    facts = {}
    for category in CAMERA_CATEGORIES:
        own = [p for p in policies if p.category == category and p.camera_id == camera.pk]
        default = [p for p in policies if p.category == category and p.camera_id is None]
        applying = own or default
        facts[str(category)] = _retention(applying[0] if applying else None)
    return facts


def _camera(camera: Camera, policies: list[RetentionPolicy]) -> Facts:
    return {
        "name": camera.name,
        "site": camera.site.name,
        "masks": len(camera.privacy_masks or []),
        "region_of_interest": bool(camera.region_of_interest),
        "anonymise_at_ingest": camera.anonymise_at_ingest,
        "records_audio": camera.records_audio,
        "zone_types": sorted(camera.zone_types or []),
        "purpose": camera.purpose,
        "legal_basis": camera.legal_basis,
        "retention": _effective(camera, policies),
    }


def configuration_facts(assessment: Assessment) -> Facts:
    """The live configuration the assessment covers, as JSON-able facts: its cameras with
    what they film and how, the cameras of its sites, its retention policies and the
    policies its cameras fall under, and the detector."""
    policies = list(RetentionPolicy.objects.filter(category__in=CAMERA_CATEGORIES).select_related("camera"))
    cameras = assessment.cameras.select_related("site").order_by("pk")
    linked = assessment.retention_policies.select_related("camera").order_by("pk")
    return {
        "cameras": {str(camera.pk): _camera(camera, policies) for camera in cameras},
        "sites": {
            str(site.pk): {"name": site.name, "cameras": {str(c.pk): c.name for c in site.cameras.order_by("pk")}}
            for site in assessment.sites.order_by("pk")
        },
        "policies": {
            str(policy.pk): {"label": _policy_label(policy), **(_retention(policy) or {})} for policy in linked
        },
        "detector": detector_facts(),
    }


def _policy_label(policy: RetentionPolicy) -> str:
    scope = policy.camera.name if policy.camera is not None else _("all cameras")
    return f"{policy.get_category_display()} ({scope})"


def detect_drift(assessment: Assessment) -> list[Difference]:
    """How the configuration now differs from the approved baseline (`dpia.drift`). No
    baseline (never approved): nothing to compare, so no differences."""
    if not assessment.baseline:
        return []
    return differences(assessment.baseline, configuration_facts(assessment))


def _fingerprint(drift: list[Difference]) -> str:
    return hashlib.sha256(json.dumps(drift, sort_keys=True).encode()).hexdigest() if drift else ""


def assessment_check_drift(*, assessment: Assessment) -> list[Difference]:
    """Compare the configuration with the approved baseline and record the outcome.

    The "review needed" flag holds the differences; `drift_since` is when they first
    appeared and is cleared once reality matches again. A change in the set of
    differences goes into the history and the access log (by "system"), and each
    distinct set is e-mailed to the DPO once (`drift_notified` holds its fingerprint; a
    failed e-mail is tried again on the next check). Returns the differences now.
    """
    with transaction.atomic():
        assessment = lock(assessment)
        drift = detect_drift(assessment)
        if drift != assessment.drift:
            _record_change(assessment, drift)
        if _fingerprint(drift) != assessment.drift_notified:
            _notify(assessment, drift)
    return drift


def _record_change(assessment: Assessment, drift: list[Difference]) -> None:
    assessment.drift = drift
    if not drift:
        assessment.drift_since = None
    elif assessment.drift_since is None:
        assessment.drift_since = timezone.now()
    assessment.save(update_fields=["drift", "drift_since"])
    if drift:
        summary = _("Review needed: the configuration differs from the approved assessment. %(list)s") % {
            "list": " ".join(item["message"] for item in drift)
        }
    else:
        summary = _("The configuration matches the approved assessment again.")
    record_event(assessment, version=approved_version(assessment), actor=None, action="drift", summary=summary)


def _notify(assessment: Assessment, drift: list[Difference]) -> None:
    fingerprint = _fingerprint(drift)
    if drift:
        subject = _("Impact assessment %(reference)s needs a review") % {"reference": assessment.reference}
        lines = [
            _("The configuration no longer matches the approved impact assessment %(reference)s “%(title)s”:")
            % {"reference": assessment.reference, "title": assessment.title},
            "",
            *(f"- {item['message']}" for item in drift),
            "",
            _("Review the assessment and start a new version, or change the configuration back."),
        ]
        try:
            mail_dpo(assessment, subject, lines)
        except (smtplib.SMTPException, OSError):
            logger.exception("Could not e-mail the DPO about assessment %s", assessment.reference)
            return
    assessment.drift_notified = fingerprint
    assessment.save(update_fields=["drift_notified"])


def check_all_assessments() -> int:
    """Check every approved assessment (hourly cron, and after a configuration change);
    returns how many need a review."""
    flagged = 0
    for assessment in Assessment.objects.order_by("pk"):
        if assessment.baseline:  # never approved: nothing to compare with
            flagged += bool(assessment_check_drift(assessment=assessment))
    return flagged

"""The DPO's part of the workflow: the opinion on an evaluated version, then its approval
(with the attestations) or its rejection (with reasons).

A decided version is frozen: its `snapshot` holds everything it said, taken after the
decision's fields are set, so the frozen document carries its own validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dpia.document import version_document
from dpia.living import assessment_approved
from dpia.models import AssessmentVersion, EffortRole, SectionVerdict, VersionStatus
from dpia.risk_catalogue import residual_high
from dpia.services.common import DpiaError, record_event
from dpia.services.workflow import locked_version, require_status


@dataclass(frozen=True)
class Attestation:
    key: str
    text: Promise


ATTESTATIONS = (
    Attestation("read", gettext_lazy("I have read the whole assessment, every section, the map and the risks.")),
    Attestation(
        "measures",
        gettext_lazy("The measures and the action plan are accepted, with their owners and due dates."),
    ),
    Attestation(
        "data_subjects",
        gettext_lazy(
            "The views of the people concerned (or their representatives) were sought, "
            "or the reasons for not seeking them are recorded."
        ),
    ),
)
PRIOR_CONSULTATION = Attestation(
    "prior_consultation",
    gettext_lazy(
        "A high residual risk remains: the supervisory authority will be consulted (Art. 36 GDPR) "
        "before the processing starts."
    ),
)


def attestations_for(document: dict[str, Any]) -> list[Attestation]:
    """What the DPO must attest for this document: prior consultation only when a residual risk is high."""
    return [*ATTESTATIONS, PRIOR_CONSULTATION] if residual_high(document) else list(ATTESTATIONS)


def version_opinion(
    *, version: AssessmentVersion, opinion: str, data_subject_views: str, actor: Any, ip: str | None = None
) -> AssessmentVersion:
    """Record (or revise) the DPO's opinion and the views of the people concerned on an evaluated version."""
    opinion = opinion.strip()
    if not opinion:
        raise DpiaError(_("Write the DPO opinion before saving it."))
    with transaction.atomic():
        version = locked_version(version)
        require_status(version, (VersionStatus.EVALUATED,), doing=_("give the DPO opinion"))
        version.dpo_opinion = opinion
        version.data_subject_views = data_subject_views.strip()
        version.save(update_fields=["dpo_opinion", "data_subject_views"])
        record_event(
            version.assessment,
            version=version,
            actor=actor,
            action="opinion",
            summary=_("DPO opinion given on version %(number)s.") % {"number": version.number},
            role=EffortRole.DPO,
            ip=ip,
        )
    return version


def version_approve(
    *, version: AssessmentVersion, actor: Any, attestations: list[str], ip: str | None = None
) -> AssessmentVersion:
    """Sign off an evaluated version: it becomes the approved, frozen version and the review clock restarts."""
    with transaction.atomic():
        version = locked_version(version)
        require_status(version, (VersionStatus.EVALUATED,), doing=_("approve it"))
        if not version.dpo_opinion.strip():
            raise DpiaError(_("Give the DPO opinion before approving."))
        to_correct = version.evaluations.filter(verdict=SectionVerdict.TO_CORRECT).count()
        if to_correct:
            raise DpiaError(
                _("%(count)s section(s) are marked “to correct”: return the version for correction first.")
                % {"count": to_correct}
            )
        required = attestations_for(version_document(version))
        unticked = [str(item.text) for item in required if item.key not in attestations]
        if unticked:
            raise DpiaError(
                _("Tick every attestation to approve. Not ticked: %(items)s") % {"items": " ".join(unticked)}
            )
        version.status = VersionStatus.APPROVED
        version.attestations = [{"key": item.key, "text": str(item.text)} for item in required]
        _decide(version, actor, reason="")
        assessment_approved(assessment=version.assessment, version=version)
        record_event(
            version.assessment,
            version=version,
            actor=actor,
            action="approve",
            summary=_("Version %(number)s approved and signed off.") % {"number": version.number},
            role=EffortRole.DPO,
            ip=ip,
        )
    return version


def version_reject(*, version: AssessmentVersion, actor: Any, reason: str, ip: str | None = None) -> AssessmentVersion:
    """Refuse a submitted or evaluated version, with reasons; a new version continues the work."""
    reason = reason.strip()
    if not reason:
        raise DpiaError(_("Give the reasons for the rejection: they are kept with the version."))
    with transaction.atomic():
        version = locked_version(version)
        require_status(version, (VersionStatus.SUBMITTED, VersionStatus.EVALUATED), doing=_("reject it"))
        version.status = VersionStatus.REJECTED
        _decide(version, actor, reason=reason)
        record_event(
            version.assessment,
            version=version,
            actor=actor,
            action="reject",
            summary=_("Version %(number)s rejected: %(reason)s") % {"number": version.number, "reason": reason},
            role=EffortRole.DPO,
            ip=ip,
        )
    return version


def _decide(version: AssessmentVersion, actor: Any, *, reason: str) -> None:
    """Set the decision, then freeze the document that now includes it."""
    version.decision_reason = reason
    version.decided_at = timezone.now()
    version.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    version.snapshot = version_document(version)
    version.save(update_fields=["status", "attestations", "decision_reason", "decided_at", "decided_by", "snapshot"])

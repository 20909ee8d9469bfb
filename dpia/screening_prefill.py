"""What an assessment started from a screening begins with: its cameras, sites and
retention policies, the answers the register already gives, and a first data-flow map,
purposes and risks (the document shape of `dpia.document`).

Built from the live register and retention schedule (what is configured now), and from
the screening's answers. Every pre-filled value is a draft for the author to check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from compliance.models import Organisation, RetentionAction, RetentionPolicy
from compliance.models.retention import CAMERA_CATEGORIES, RetentionCategory
from compliance.retention.policies import effective_policies
from dpia.models import Art6Basis, DataCategory, Location, Screening, StageKind
from dpia.risk_catalogue import suggested_risks
from dpia.screening import criteria_met, register_facts
from dpia.screening_questions import YES
from media_processing.engine_config import detector_facts
from media_processing.models import Camera, Site, ZoneType


@dataclass(frozen=True)
class Prefill:
    cameras: list[Camera]
    sites: list[Site]
    policies: list[RetentionPolicy]
    answers: dict[str, Any]
    document: dict[str, Any]


def prefill(screening: Screening) -> Prefill:
    cameras = list(screening.cameras.select_related("site").order_by("site__name", "name"))
    sites = sorted({camera.site for camera in cameras}, key=lambda site: site.name)
    facts = register_facts(cameras)
    policies = applicable_policies(cameras)
    raw_days = _raw_footage_days(cameras)
    biometric = screening.answers.get("biometric") == YES
    document = {
        "stages": _stages(cameras, raw_days, biometric),
        "purposes": [_purpose(camera) for camera in cameras],
        "measures": [],
        "risks": suggested_risks(risk_facts(screening.answers, facts)),
    }
    return Prefill(cameras, sites, policies, _answers(screening, cameras, facts, policies), document)


def risk_facts(answers: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    """The facts `dpia.risk_catalogue.suggested_risks` chooses its risks from."""
    met = criteria_met(answers, facts)
    return {
        **{key: value for key, value in facts.items() if key != "per_camera"},
        "biometric": answers.get("biometric") == YES,
        "automated_decisions": "automated_decision" in met,
        "vulnerable": "vulnerable" in met,
    }


def applicable_policies(cameras: list[Camera]) -> list[RetentionPolicy]:
    """The defaults for raw footage and redacted copies, and the cameras' own overrides."""
    policies = []
    for category in CAMERA_CATEGORIES:
        default, overrides = effective_policies(category)
        if default is not None:
            policies.append(default)
        policies.extend(overrides[camera.pk] for camera in cameras if camera.pk in overrides)
    return policies


def _days(policy: RetentionPolicy | None) -> int | None:
    """Whole days (hours rounded up); None when nothing is deleted automatically."""
    if policy is None or policy.action == RetentionAction.KEEP:
        return None
    return math.ceil(policy.duration.total_seconds() / 86400)


def _raw_footage_days(cameras: list[Camera]) -> int | None:
    """The longest raw-footage retention among the cameras (the default without cameras)."""
    default, overrides = effective_policies(RetentionCategory.RAW_FOOTAGE)
    days = [_days(overrides.get(camera.pk, default)) for camera in cameras] or [_days(default)]
    return None if None in days else max(day for day in days if day is not None)


def _captured(cameras: list[Camera]) -> list[str]:
    categories = [DataCategory.IMAGES, DataCategory.FACES, DataCategory.PLATES]
    if any(camera.records_audio for camera in cameras):
        categories.append(DataCategory.VOICE)
    return [str(category) for category in categories]


def _system(name: str, categories: list[str], location: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "data_categories": categories, "location": str(location), **fields}


def _stages(cameras: list[Camera], raw_days: int | None, biometric: bool) -> list[dict[str, Any]]:
    captured = _captured(cameras)
    detector = detector_facts()
    inference = [
        _system(
            _("Face and licence-plate detection (Obscura)"),
            [*captured[:3], DataCategory.DETECTIONS.value],
            Location.ON_PREMISE,
            access=_("No one directly; detections are shown only to staff preparing a redacted copy."),
            safeguards=_(
                "Detections serve only to redact people in copies and answers, never to identify them. Faces: "
                "%(model)s, threshold %(threshold)s; plates: %(plates)s."
            )
            % {
                "model": detector["face_model"],
                "threshold": detector["face_threshold"],
                "plates": detector["plate_detector"],
            },
        )
    ]
    if biometric:
        inference.append(
            _system(
                _("Face matching (biometric identification)"),
                [DataCategory.FACES.value, DataCategory.BIOMETRIC.value],
                Location.ON_PREMISE,
            )
        )
    stages = [
        (
            StageKind.COLLECTION,
            [
                _system(f"{camera.name} ({camera.site.name})", _captured([camera]), Location.DEVICE)
                for camera in cameras
            ],
        ),
        (StageKind.STORAGE, [_storage(cameras, captured, raw_days)]),
        (StageKind.PREPROCESSING, [_preprocessing(cameras, captured)]),
        (StageKind.INFERENCE, inference),
        (StageKind.OUTPUT, _outputs(captured, raw_days)),
    ]
    return [{"kind": kind.value, "name": str(kind.label), "systems": systems} for kind, systems in stages]


def _storage(cameras: list[Camera], captured: list[str], raw_days: int | None) -> dict[str, Any]:
    all_anonymised = bool(cameras) and all(camera.anonymise_at_ingest for camera in cameras)
    categories = [DataCategory.IMAGES.value, DataCategory.ANONYMISED.value] if all_anonymised else captured
    return _system(
        _("Obscura server"),
        categories,
        Location.ON_PREMISE,
        retention_days=raw_days,
        access=_("Staff whose role lets them view footage; every view of raw footage is written to the access log."),
        safeguards=_("The retention sweep deletes expired footage; legal holds keep only what a case needs."),
    )


def _preprocessing(cameras: list[Camera], captured: list[str]) -> dict[str, Any]:
    steps = [_("Location metadata (GPS in photos, location atoms in videos) is stripped from every file.")]
    for camera in cameras:
        if camera.privacy_masks:
            steps.append(
                _("%(camera)s: %(count)s privacy mask(s) filled solid in every frame.")
                % {"camera": camera.name, "count": len(camera.privacy_masks)}
            )
        if camera.region_of_interest:
            steps.append(_("%(camera)s: cropped to its region of interest.") % {"camera": camera.name})
        if camera.anonymise_at_ingest:
            steps.append(
                _("%(camera)s: faces and plates blurred at ingestion; only the blurred copy is kept.")
                % {"camera": camera.name}
            )
    return _system(_("Ingestion (Obscura)"), captured, Location.ON_PREMISE, safeguards="\n".join(steps))


def _outputs(captured: list[str], raw_days: int | None) -> list[dict[str, Any]]:
    package_days = _days(effective_policies(RetentionCategory.DSAR_PACKAGES)[0])
    schedule = (
        _("Deleted after %(days)s days (the DSAR package schedule).") % {"days": package_days}
        if package_days
        else _("Kept until deleted by hand (no automatic deletion of DSAR packages).")
    )
    return [
        _system(
            _("DSAR answer packages"),
            [DataCategory.IMAGES.value, DataCategory.FACES.value, DataCategory.ANONYMISED.value],
            Location.ON_PREMISE,
            access=_("The requester, through a time-limited download link; the staff handling the request."),
            safeguards=_("Third parties redacted; the requester stays visible. %(schedule)s") % {"schedule": schedule},
        ),
        _system(
            _("Evidence clips"),
            captured,
            Location.ON_PREMISE,
            retention_days=raw_days,
            access=_("Staff whose role lets them view footage; every disclosure to a third party is recorded."),
        ),
    ]


def _purpose(camera: Camera) -> dict[str, Any]:
    basis = camera.legal_basis if camera.legal_basis in Art6Basis.values else Art6Basis.LEGITIMATE_INTERESTS.value
    description = camera.purpose or _(
        "The camera register gives no purpose for this camera; describe it (and complete the register)."
    )
    purpose = {"camera_name": camera.name, "description": description, "art6_basis": basis}
    if basis == Art6Basis.LEGITIMATE_INTERESTS and camera.purpose:
        purpose["interest"] = camera.purpose
    return purpose


def _answers(
    screening: Screening, cameras: list[Camera], facts: dict[str, Any], policies: list[RetentionPolicy]
) -> dict[str, Any]:
    organisation = Organisation.current()
    detector = detector_facts()
    zone_labels = dict(ZoneType.choices)
    return {
        "context_description": _description(screening, cameras, facts),
        "context_controller": organisation.name,
        "context_dpo": organisation.dpo_name,
        "visual_zones": "\n".join(
            f"{camera.name} ({camera.site.name}): "
            + (", ".join(str(zone_labels[zone]) for zone in camera.zone_types) or _("no zone recorded"))
            for camera in cameras
        ),
        "visual_masks": "\n".join(_masks_line(camera) for camera in cameras),
        "visual_retention": "\n".join(str(policy) for policy in policies),
        "visual_audio": YES if facts["audio"] else "no",
        "model_name": _("%(faces)s (faces); %(plates)s (licence plates)")
        % {"faces": detector["face_model"], "plates": detector["plate_detector"]},
        "model_version": (
            f"SHA-256 {detector['face_model_sha256']}"
            if detector["face_model_sha256"]
            else _("the model file shipped with Obscura (no SHA-256 pinned in the settings)")
        ),
        "model_threshold": _number(detector["face_threshold"]),
        "visual_purposes": "\n".join(
            f"{camera.name}: {camera.purpose or _('no purpose in the camera register')}" for camera in cameras
        ),
        "visual_anonymisation": "at_ingest" if facts["anonymise_at_ingest"] else "on_disclosure",
        "visual_analysis": _analysis(screening),
        **({"ai_public_space": YES} if set(facts["zones"]) & {ZoneType.PUBLIC, ZoneType.CUSTOMER} else {}),
    }


def _analysis(screening: Screening) -> str:
    text = _(
        "Faces and licence plates are detected to blur them in copies of footage and in answers to access requests."
    )
    if screening.answers.get("biometric") == YES:
        text += " " + _(
            "The screening also names biometric identification: describe what is matched, and against what."
        )
    return text


def _number(text: str) -> int | float:
    """As the questionnaire stores a number answer."""
    number = float(text)
    return int(number) if number.is_integer() else number


def _description(screening: Screening, cameras: list[Camera], facts: dict[str, Any]) -> str:
    zone_labels = dict(ZoneType.choices)
    zones = ", ".join(str(zone_labels[zone]).lower() for zone in facts["zones"]) or _("no zone recorded")
    text = _("%(title)s: %(count)s camera(s) on %(sites)s, filming: %(zones)s.") % {
        "title": screening.title,
        "count": len(cameras),
        "sites": ", ".join(facts["sites"]) or _("no site"),
        "zones": zones,
    }
    purposes = [f"{camera.name}: {camera.purpose}" for camera in cameras if camera.purpose]
    if purposes:
        text += "\n" + _("Purposes: %(purposes)s.") % {"purposes": "; ".join(purposes)}
    return text


def _masks_line(camera: Camera) -> str:
    parts = [_("%(count)s privacy mask(s)") % {"count": len(camera.privacy_masks or [])}]
    if camera.region_of_interest:
        parts.append(_("cropped to a region of interest"))
    parts.append(_("anonymised at ingestion") if camera.anonymise_at_ingest else _("not anonymised at ingestion"))
    return f"{camera.name}: " + ", ".join(str(part) for part in parts)

"""Whether a processing needs a DPIA: the facts of the camera register, and the verdict.

Rules only, no database writes (`dpia.services.screening` stores a screening). The
verdict follows Art. 35 GDPR and the EDPB guidelines (WP248 rev.01):

- **required** when one of the cases of Art. 35(3) applies, or constant monitoring of
  employees (on the national lists of the supervisory authorities);
- **likely required** when two or more of the nine WP248 criteria are met;
- **not required** otherwise.

A criterion is met when it is answered yes, or when the camera register shows it
(a register fact outweighs a "no": a camera filming a workplace films employees,
whatever the answer says). WP248 advises carrying out a DPIA whenever it is unclear
whether one is needed, so an unsure answer counts towards "likely required", never
towards "required".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from dpia.models import Verdict
from dpia.screening_questions import BY_KEY, CRITERIA, MANDATORY, NO, UNSURE, YES
from media_processing.models import ZoneType

PUBLICLY_ACCESSIBLE = (ZoneType.PUBLIC, ZoneType.CUSTOMER)


def register_facts(cameras: Iterable[Any]) -> dict[str, Any]:
    """What the camera register says about `cameras`, as plain JSON values.

    `masks` and `anonymise_at_ingest` are protections, so they hold only when they hold
    for every camera (and there is at least one); `per_camera` has each camera's own.
    """
    per_camera = [
        {
            "id": camera.pk,
            "name": camera.name,
            "site": camera.site.name,
            "zones": [zone for zone in ZoneType.values if zone in camera.zone_types],
            "audio": camera.records_audio,
            "masks": len(camera.privacy_masks or []),
            "region_of_interest": bool(camera.region_of_interest),
            "anonymise_at_ingest": camera.anonymise_at_ingest,
            "purpose": camera.purpose,
            "legal_basis": camera.legal_basis,
        }
        for camera in cameras
    ]
    zones = [zone for zone in ZoneType.values if any(zone in camera["zones"] for camera in per_camera)]
    return {
        "cameras": len(per_camera),
        "sites": sorted({camera["site"] for camera in per_camera}),
        "zones": zones,
        "audio": any(camera["audio"] for camera in per_camera),
        "masks": bool(per_camera) and all(c["masks"] or c["region_of_interest"] for c in per_camera),
        "anonymise_at_ingest": bool(per_camera) and all(c["anonymise_at_ingest"] for c in per_camera),
        "employees_in_view": ZoneType.WORKPLACE in zones,
        "per_camera": per_camera,
    }


def _names(cameras: list[dict[str, Any]]) -> str:
    return ", ".join(camera["name"] for camera in cameras)


def _filming(facts: dict[str, Any], zones: Iterable[str]) -> list[dict[str, Any]]:
    wanted = set(zones)
    return [camera for camera in facts.get("per_camera", []) if wanted & set(camera["zones"])]


def register_support(facts: dict[str, Any]) -> dict[str, list[str]]:
    """For each criterion the register answers, the facts that answer it (in words)."""
    support: dict[str, list[str]] = {}

    def add(key: str, cameras: list[dict[str, Any]], message: str) -> None:
        if cameras:
            support.setdefault(key, []).append(message % {"cameras": _names(cameras)})

    public = _filming(facts, PUBLICLY_ACCESSIBLE)
    add("systematic_monitoring", public, _("the register shows %(cameras)s filming a public or customer area"))
    add("vulnerable", _filming(facts, [ZoneType.WORKPLACE]), _("the register shows %(cameras)s filming a workplace"))
    add(
        "sensitive_data",
        _filming(facts, [ZoneType.SENSITIVE]),
        _("the register shows %(cameras)s filming a sensitive area"),
    )
    audio = [camera for camera in facts.get("per_camera", []) if camera["audio"]]
    add("sensitive_data", audio, _("the register shows %(cameras)s recording sound, which catches conversations"))
    return support


def clean_answers(answers: dict[str, Any]) -> dict[str, str]:
    """The answers to known questions with a known value; anything else is dropped."""
    return {key: value for key, value in answers.items() if key in BY_KEY and value in (YES, NO, UNSURE)}


def criterion_name(key: str) -> str:
    return str(BY_KEY[key].name)


def screening_verdict(answers: dict[str, Any], facts: dict[str, Any]) -> tuple[str, list[str]]:
    """The verdict (a `Verdict` value) and its reasons, each naming a criterion and what it rests on."""
    answers = clean_answers(answers)
    met = criteria_met(answers, facts)
    unsure = [key for key in CRITERIA if key not in met and answers.get(key) == UNSURE]
    mandatory = _mandatory(answers, facts, met)
    criteria_reasons = [
        _("Criterion met — %(criterion)s: %(grounds)s.") % {"criterion": criterion_name(key), "grounds": grounds}
        for key, grounds in met.items()
    ]
    unsure_reasons = [
        _("Not settled — %(criterion)s: answered “not sure”; in case of doubt the EDPB advises carrying out a DPIA.")
        % {"criterion": criterion_name(key)}
        for key in unsure
    ]
    if mandatory:
        return Verdict.REQUIRED, [*mandatory, *criteria_reasons, *unsure_reasons]
    open_cases = [key for key in MANDATORY if answers.get(key) == UNSURE]
    if len(met) + len(unsure) >= 2 or open_cases:
        lead = _(
            "A DPIA is likely required: %(count)s of the nine EDPB criteria are met or not settled, and two are enough."
        ) % {"count": len(met) + len(unsure)}
        cases = [
            _("Not settled — %(case)s: answered “not sure”; settle it, as this case always needs a DPIA.")
            % {"case": criterion_name(key)}
            for key in open_cases
        ]
        return Verdict.LIKELY, [lead, *cases, *criteria_reasons, *unsure_reasons]
    if met:
        lead = _(
            "A DPIA is not required: one of the nine EDPB criteria is met, and none of the cases that always need one."
        )
    else:
        lead = _("A DPIA is not required: none of the nine EDPB criteria is met, nor any case that always needs one.")
    advice = _(
        "Keep this screening as the record of why no DPIA is carried out, and screen again whenever the processing "
        "changes: a camera added or moved, a new zone or purpose, sound recorded, a new model or threshold."
    )
    return Verdict.NOT_REQUIRED, [lead, *criteria_reasons, *unsure_reasons, advice]


def criteria_met(answers: dict[str, Any], facts: dict[str, Any]) -> dict[str, str]:
    """The WP248 criteria met, each with what it rests on (answers and register facts)."""
    answers = clean_answers(answers)
    support = register_support(facts)
    if answers.get("biometric") == YES:
        because = _("you answered that biometric templates are made to recognise people")
        for key in ("sensitive_data", "innovative"):
            support.setdefault(key, []).append(because)
    return {key: _grounds(key, answers, support) for key in CRITERIA if answers.get(key) == YES or key in support}


def _grounds(key: str, answers: dict[str, str], support: dict[str, list[str]]) -> str:
    grounds = list(support.get(key, []))
    if answers.get(key) == YES:
        grounds.insert(0, _("answered yes"))
    elif answers.get(key) == NO:
        grounds.append(_("this outweighs the answer no"))
    return "; ".join(grounds)


def _mandatory(answers: dict[str, str], facts: dict[str, Any], met: dict[str, str]) -> list[str]:
    """The reasons a DPIA is required: the cases of Art. 35(3) and the national lists that apply."""
    reasons = []

    def case(key: str, grounds: str) -> None:
        reasons.append(
            _("A DPIA is required — %(case)s (%(grounds)s).") % {"case": criterion_name(key), "grounds": grounds}
        )

    answered = _("answered yes")
    if answers.get("art35_evaluation") == YES:
        case("art35_evaluation", answered)
    elif "evaluation" in met and "automated_decision" in met:
        case("art35_evaluation", _("people are evaluated and decisions with a significant effect follow from it"))
    if answers.get("art35_special_large") == YES:
        case("art35_special_large", answered)
    elif answers.get("biometric") == YES and "large_scale" in met:
        case("art35_special_large", _("biometric templates identify people, and the processing is large-scale"))
    public = _filming(facts, PUBLICLY_ACCESSIBLE)
    if answers.get("art35_public_monitoring") == YES:
        case("art35_public_monitoring", answered)
    elif public and "large_scale" in met:
        case(
            "art35_public_monitoring",
            _("the register shows %(cameras)s filming a public or customer area, and the processing is large-scale")
            % {"cameras": _names(public)},
        )
    if answers.get("employee_monitoring") == YES:
        workplace = _filming(facts, [ZoneType.WORKPLACE])
        grounds = str(answered)
        if workplace:
            grounds += "; " + _("the register shows %(cameras)s filming a workplace") % {"cameras": _names(workplace)}
        case("employee_monitoring", grounds)
    return reasons

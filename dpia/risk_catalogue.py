"""The feared events an assessment of camera and visual-AI processing starts from, the rule
that turns a severity and a likelihood into a risk level, and the risks a screening suggests.

Suggested ratings are a starting point, never a conclusion: every suggested justification
says where it came from and asks the author to confirm it (`suggested_risks`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from django.utils.translation import gettext as _

from dpia.feared_events import CATALOGUE, CatalogueRisk
from dpia.models import Level, RiskKind, Scale
from dpia.models.choices import LIKELIHOOD_THREE, SEVERITY_THREE

RiskLevel = Literal["low", "medium", "high"]
CLASSIC = (RiskKind.ILLEGITIMATE_ACCESS, RiskKind.UNWANTED_MODIFICATION, RiskKind.DISAPPEARANCE)
STAGES = ("inherent", "current", "residual")


def level_labels(scale: str) -> tuple[dict[int, str], dict[int, str]]:
    """The severity and likelihood labels of `scale`, lowest level first."""
    if scale == Scale.THREE:
        return ({k: str(v) for k, v in SEVERITY_THREE.items()}, {k: str(v) for k, v in LIKELIHOOD_THREE.items()})
    four = {int(value): str(label) for value, label in Level.choices}
    return four, dict(four)


def scale_top(scale: str) -> int:
    return 3 if scale == Scale.THREE else 4


def risk_level(severity: int, likelihood: int, scale: str = Scale.FOUR) -> RiskLevel:
    """The level of a risk rated `severity` by `likelihood`.

    Three by three (the UK regulator's matrix): the product of the two ratings; 1 or 2 low,
    3 or 4 medium, 6 and above high.

    Four levels (negligible 1, limited 2, significant 3, maximum 4), a symmetric rule:
    high when both are at least significant, or when one is maximum and the other at least
    limited — an event that is both plausible and serious, or certain and not trivial;
    low when the two add up to 4 or less (both at most limited, or one negligible and the
    other at most significant); medium otherwise. Raises ValueError outside the scale.
    """
    top = scale_top(scale)
    if not (1 <= severity <= top and 1 <= likelihood <= top):
        raise ValueError(f"ratings must be between 1 and {top} on this scale")
    if scale == Scale.THREE:
        product = severity * likelihood
        return "low" if product <= 2 else "medium" if product <= 4 else "high"
    if (severity >= 3 and likelihood >= 3) or (max(severity, likelihood) == 4 and min(severity, likelihood) >= 2):
        return "high"
    return "low" if severity + likelihood <= 4 else "medium"


def rated_level(risk: dict[str, Any], stage: str, scale: str) -> RiskLevel | None:
    """The level of a document risk at `stage` (inherent, current, residual); None when unrated or off the scale."""
    try:
        return risk_level(int(risk[f"{stage}_severity"]), int(risk[f"{stage}_likelihood"]), scale)
    except (KeyError, TypeError, ValueError):
        return None


def residual_high(document: dict[str, Any]) -> list[str]:
    """Titles of the risks whose residual level is high: processing may start only after
    prior consultation of the supervisory authority (Art. 36)."""
    scale = document.get("scale") or Scale.FOUR
    return [risk["title"] for risk in document.get("risks", []) if rated_level(risk, "residual", scale) == "high"]


def relevant_kinds(facts: dict[str, Any]) -> list[str]:
    """The catalogue's visual-AI risks the screening facts make relevant, in catalogue order."""
    zones = set(facts.get("zones") or ())
    biometric, automated = bool(facts.get("biometric")), bool(facts.get("automated_decisions"))
    staff = bool(facts.get("employees_in_view")) or "workplace" in zones
    rules = {
        RiskKind.FUNCTION_CREEP: staff or biometric or automated or (facts.get("cameras") or 0) >= 10,
        RiskKind.REIDENTIFICATION: biometric or bool(facts.get("anonymise_at_ingest")) or bool(facts.get("audio"))
        or (facts.get("cameras") or 0) >= 2,
        RiskKind.WRONGFUL_ACCUSATION: biometric or automated,
        RiskKind.BIAS: biometric or automated,
        RiskKind.AUTOMATED_DECISIONS: automated,
        RiskKind.CHILLING_EFFECT: "public" in zones or staff or bool(facts.get("audio")),
    }  # fmt: skip
    return [kind.value for kind, relevant in rules.items() if relevant]


def suggested_risks(facts: dict[str, Any], *, scale: str = Scale.FOUR) -> list[dict[str, Any]]:
    """Document-shaped risks (`dpia.document.RISK_FIELDS` plus `measures`) for the three
    classic feared events and the visual-AI risks `facts` make relevant.

    facts (all optional): zones (public/customer/workplace/sensitive), audio, cameras,
    biometric, automated_decisions, employees_in_view, vulnerable, anonymise_at_ingest, masks.
    """
    kinds = [kind.value for kind in CLASSIC] + relevant_kinds(facts)
    return [catalogue_risk(kind, facts, scale=scale, origin="screening") for kind in kinds]


def catalogue_risk(kind: str, facts: dict[str, Any], *, scale: str, origin: str = "catalogue") -> dict[str, Any]:
    """One catalogue risk as a document dict, rated from `facts` (empty: the typical case)."""
    entry = CATALOGUE[kind]
    severity, likelihood, reasons = _inherent(entry, facts)
    current_severity, current_likelihood, current_reasons = _current(entry, facts, severity, likelihood)
    residual_likelihood = max(1, current_likelihood - 1)
    top = scale_top(scale)
    return {
        "kind": kind,
        "title": str(entry.title),
        "impacts": str(entry.impacts),
        "threats": str(entry.threats),
        "sources": str(entry.sources),
        "inherent_severity": min(severity, top),
        "inherent_likelihood": min(likelihood, top),
        "inherent_justification": _justify(origin, reasons),
        "current_severity": min(current_severity, top),
        "current_likelihood": min(current_likelihood, top),
        "current_justification": _justify(origin, current_reasons or [_("no measure known from the screening")]),
        "residual_severity": min(current_severity, top),
        "residual_likelihood": min(residual_likelihood, top),
        "residual_justification": _justify(
            origin, [_("assumes the catalogue safeguards for this risk are put in place, making it less likely")]
        ),
        "measures": [],
    }


def _inherent(entry: CatalogueRisk, facts: dict[str, Any]) -> tuple[int, int, list[str]]:
    """The typical ratings, raised by each fact that makes this kind of risk worse or likelier."""
    zones = set(facts.get("zones") or ())
    kind = entry.kind
    raise_severity = [
        (bool(facts.get("vulnerable")), _("vulnerable people (children, patients, staff) are filmed")),
        (bool(facts.get("biometric")) and kind in _BIOMETRIC_SEVERE, _("biometric data identifies people uniquely")),
        ("sensitive" in zones and kind in _PLACE_SEVERE, _("a sensitive place is filmed")),
        (bool(facts.get("audio")) and kind in _PLACE_SEVERE, _("sound is recorded")),
    ]
    staff = bool(facts.get("employees_in_view")) or "workplace" in zones
    raise_likelihood = [
        ((facts.get("cameras") or 0) >= 10 and kind in _SCALE_LIKELY, _("many cameras, many copies and many viewers")),
        (staff and kind in _STAFF_LIKELY, _("staff are filmed at work")),
        ("public" in zones and kind == RiskKind.CHILLING_EFFECT, _("publicly accessible space is filmed")),
        (bool(facts.get("automated_decisions")) and kind in _AUTOMATION_LIKELY,
         _("the system acts on people without a person deciding")),
    ]  # fmt: skip
    severity = entry.severity + sum(applies for applies, _reason in raise_severity)
    likelihood = entry.likelihood + sum(applies for applies, _reason in raise_likelihood)
    reasons = [reason for applies, reason in raise_severity + raise_likelihood if applies]
    return _clamp(severity), _clamp(likelihood), reasons or [_("the typical case for this kind of risk")]


def _current(entry: CatalogueRisk, facts: dict[str, Any], severity: int, likelihood: int) -> tuple[int, int, list[str]]:
    reasons: list[str] = []
    if facts.get("anonymise_at_ingest") and entry.kind in _ANONYMISED_MILDER:
        severity, reasons = severity - 1, [_("faces and plates are blurred when footage comes in")]
    if facts.get("masks") and entry.kind in _MASKED_RARER:
        likelihood, reasons = likelihood - 1, [*reasons, _("privacy masks hide areas that must not be filmed")]
    return _clamp(severity), _clamp(likelihood), reasons


def _clamp(value: int) -> int:
    return max(1, min(4, value))


def _justify(origin: str, reasons: Iterable[str]) -> str:
    why = "; ".join(str(reason) for reason in reasons)
    if origin == "screening":
        return _("Suggested from the screening facts (%(why)s); confirm or change this rating.") % {"why": why}
    return _("Suggested from the risk catalogue (%(why)s); confirm or change this rating.") % {"why": why}


_BIOMETRIC_SEVERE = {RiskKind.ILLEGITIMATE_ACCESS, RiskKind.REIDENTIFICATION, RiskKind.FUNCTION_CREEP,
                     RiskKind.WRONGFUL_ACCUSATION}  # fmt: skip
_PLACE_SEVERE = {RiskKind.ILLEGITIMATE_ACCESS, RiskKind.REIDENTIFICATION, RiskKind.CHILLING_EFFECT}
_SCALE_LIKELY = {RiskKind.ILLEGITIMATE_ACCESS, RiskKind.FUNCTION_CREEP, RiskKind.DISAPPEARANCE}
_STAFF_LIKELY = {RiskKind.FUNCTION_CREEP, RiskKind.CHILLING_EFFECT}
_AUTOMATION_LIKELY = {RiskKind.WRONGFUL_ACCUSATION, RiskKind.AUTOMATED_DECISIONS}
_ANONYMISED_MILDER = {RiskKind.ILLEGITIMATE_ACCESS, RiskKind.REIDENTIFICATION, RiskKind.FUNCTION_CREEP}
_MASKED_RARER = {RiskKind.ILLEGITIMATE_ACCESS, RiskKind.REIDENTIFICATION, RiskKind.CHILLING_EFFECT}

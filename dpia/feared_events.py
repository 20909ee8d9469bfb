"""The catalogue of feared events for camera and visual-AI processing: the three classic
events of the French regulator's method and the visual-AI ones, each with its typical
impacts, threats, sources, the catalogue safeguards that usually address it, and typical
ratings before measures (four-level scale) that `dpia.risk_catalogue` adjusts to the facts."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _lazy

from dpia.models import RiskKind


@dataclass(frozen=True)
class CatalogueRisk:
    kind: RiskKind
    title: Promise
    impacts: Promise
    threats: Promise
    sources: Promise
    safeguards: tuple[str, ...]  # keys of the safeguard catalogue that usually address it
    severity: int  # typical ratings before measures, on the four-level scale
    likelihood: int


CATALOGUE: dict[str, CatalogueRisk] = {
    risk.kind.value: risk
    for risk in (
        CatalogueRisk(
            RiskKind.ILLEGITIMATE_ACCESS,
            _lazy("Footage is seen by someone who has no reason to see it"),
            _lazy(
                "People filmed are recognised, followed or exposed: embarrassment, harassment, stalking, "
                "loss of trust in the organisation."
            ),
            _lazy(
                "Shared or weak passwords; screens visible to visitors; copies on USB sticks or phones; "
                "a recorder reachable from the internet; theft of a device."
            ),
            _lazy("Curious or malicious staff, former employees, contractors, intruders on the network."),
            (
                "personal-accounts",
                "access-logging",
                "encryption-at-rest",
                "retention-schedule",
                "on-premise-anonymisation",
            ),
            2,
            2,
        ),
        CatalogueRisk(
            RiskKind.UNWANTED_MODIFICATION,
            _lazy("Footage or detections are altered without anyone noticing"),
            _lazy(
                "An edited clip or a wrong timestamp points at the wrong person, or hides what happened; "
                "people lose the means to prove their version."
            ),
            _lazy(
                "Editing tools on the storage server; wrong camera clocks; accounts that may delete or "
                "replace files; silent corruption of disks."
            ),
            _lazy("Staff with a stake in an incident, intruders, faulty hardware or software."),
            ("integrity-hashes", "access-logging", "personal-accounts", "backups"),
            2,
            1,
        ),
        CatalogueRisk(
            RiskKind.DISAPPEARANCE,
            _lazy("Footage people rely on is lost before its time"),
            _lazy(
                "A person cannot obtain the footage they asked for, or cannot prove an incident that "
                "concerns them (an accident, an assault)."
            ),
            _lazy(
                "Disk failure, ransomware, deletion by mistake, a retention period set too short, a "
                "recorder that stopped without anyone noticing."
            ),
            _lazy("Hardware faults, attackers, staff errors."),
            ("backups", "incident-response", "retention-schedule"),
            1,
            2,
        ),
        CatalogueRisk(
            RiskKind.FUNCTION_CREEP,
            _lazy("Footage is reused for purposes it was not collected for"),
            _lazy(
                "Security cameras turn into a tool to watch staff performance, track customers' habits "
                "or share images with third parties; people lose control over what is done with them."
            ),
            _lazy(
                "New analytics switched on without review; requests from managers, marketing or police "
                "handled informally; long retention that makes reuse tempting."
            ),
            _lazy("Management, other departments, vendors offering new features, third parties asking for copies."),
            ("purpose-register", "dpia-review", "staff-training", "data-minimisation", "retention-schedule"),
            2,
            2,
        ),
        CatalogueRisk(
            RiskKind.REIDENTIFICATION,
            _lazy("People are recognised in footage thought to be anonymous"),
            _lazy(
                "Blurred or pseudonymised people are recognised from clothing, gait, voice, place and time, "
                "or by matching with other data; sensitive facts about them come to light."
            ),
            _lazy(
                "Weak blurring; tokens whose key is kept beside the data; combining cameras or other "
                "sources; sound left in clips."
            ),
            _lazy("Staff, recipients of disclosed clips, anyone who obtains a copy."),
            (
                "on-premise-anonymisation",
                "pseudonymisation",
                "privacy-masks",
                "data-minimisation",
                "four-eyes-disclosure",
            ),
            2,
            2,
        ),
        CatalogueRisk(
            RiskKind.WRONGFUL_ACCUSATION,
            _lazy("A false detection leads to someone being wrongly suspected"),
            _lazy(
                "A person is stopped, searched, banned or reported because a detector or a match was wrong; "
                "distress, reputational harm, loss of a job or a service."
            ),
            _lazy(
                "Detection thresholds set for sensitivity; staff trusting alerts without checking; poor "
                "image quality; look-alikes."
            ),
            _lazy("The model and its settings, staff acting on alerts."),
            ("human-review", "model-testing", "four-eyes-disclosure", "staff-training"),
            3,
            2,
        ),
        CatalogueRisk(
            RiskKind.BIAS,
            _lazy("The system works worse for some groups of people"),
            _lazy(
                "Some people (by skin tone, age, gender, disability, clothing) are more often missed, "
                "misidentified or flagged, and bear more of the errors' consequences."
            ),
            _lazy(
                "Training data that under-represents groups; error rates never measured per group; "
                "lighting and camera angles that suit some faces better than others."
            ),
            _lazy("The model's supplier, the organisation's configuration."),
            ("model-testing", "human-review", "dpia-review"),
            3,
            2,
        ),
        CatalogueRisk(
            RiskKind.AUTOMATED_DECISIONS,
            _lazy("Decisions about people are taken by the system alone"),
            _lazy(
                "Access refused, an alarm raised or a sanction triggered with no person weighing the "
                "case; people cannot explain themselves or contest the outcome (Art. 22)."
            ),
            _lazy(
                "Alerts wired directly to gates, bans or reports; no documented way to contest; staff "
                "without time to review."
            ),
            _lazy("The system's design, the organisation's procedures."),
            ("human-review", "layered-signage", "model-testing", "dpia-review"),
            3,
            2,
        ),
        CatalogueRisk(
            RiskKind.CHILLING_EFFECT,
            _lazy("People change how they behave because they feel watched"),
            _lazy(
                "People avoid a place, a meeting or a demonstration, or stop speaking freely; staff "
                "feel under constant surveillance."
            ),
            _lazy(
                "Cameras covering public space or break rooms; sound recording; unclear signs about "
                "what is filmed and why."
            ),
            _lazy("The organisation's choice of what to film and how openly it says so."),
            ("privacy-masks", "layered-signage", "data-minimisation", "retention-schedule"),
            2,
            2,
        ),
    )
}

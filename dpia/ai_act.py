"""Where a visual-AI system stands under the EU AI Act (Regulation (EU) 2024/1689).

`ai_act_check(answers)` reads the AI Act questions of the visual-AI section (yes/no
answers; `ai_emotion_context` is workplace / education / other) and names the most
serious category that applies, with every finding as a reason:

prohibited (Art. 5) > high-risk (Art. 6(2) and Annex III) > transparency duties
(Art. 50) > minimal risk. A category is "unknown" while a question that could change
it is unanswered; a prohibited practice already shown by the answers given is reported
even then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PROHIBITED = "prohibited"
HIGH_RISK = "high_risk"
TRANSPARENCY = "transparency"
MINIMAL = "minimal"
UNKNOWN = "unknown"

QUESTION_NAMES = {
    "ai_remote_biometric_identification": gettext_lazy("remote biometric identification"),
    "ai_real_time": gettext_lazy("real time"),
    "ai_public_space": gettext_lazy("publicly accessible spaces"),
    "ai_law_enforcement": gettext_lazy("law enforcement"),
    "ai_emotion_recognition": gettext_lazy("emotion recognition"),
    "ai_emotion_context": gettext_lazy("where emotions are recognised"),
    "ai_biometric_categorisation": gettext_lazy("biometric categorisation"),
    "ai_sensitive_attributes": gettext_lazy("sensitive attributes inferred"),
    "ai_workplace_monitoring": gettext_lazy("monitoring or evaluating workers"),
    "ai_synthetic_media": gettext_lazy("synthetic or manipulated media"),
}


@dataclass(frozen=True)
class AiActResult:
    category: str
    title: str
    consequence: str
    reasons: list[str] = field(default_factory=list)


def ai_act_check(answers: dict[str, Any]) -> AiActResult:
    """The AI Act category of the system described by `answers` (see the module docstring)."""
    found = _Findings(answers)
    found.biometric_identification()
    found.emotion_recognition()
    found.biometric_categorisation()
    found.workplace_monitoring()
    found.synthetic_media()
    if found.prohibited:
        return _result(PROHIBITED, [*found.prohibited, *found.high_risk, *found.transparency, *found.missing_note()])
    if found.missing:
        return _result(UNKNOWN, found.missing_note())
    if found.high_risk:
        return _result(HIGH_RISK, [*found.high_risk, *found.transparency])
    if found.transparency:
        return _result(TRANSPARENCY, found.transparency)
    return _result(
        MINIMAL,
        [_("None of the answers describes a prohibited practice, a high-risk use or a use with transparency duties.")],
    )


class _Findings:
    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.prohibited: list[str] = []
        self.high_risk: list[str] = []
        self.transparency: list[str] = []
        self.missing: list[str] = []

    def yes(self, key: str) -> bool | None:
        """True or False as answered; None (and noted as missing) when unanswered."""
        value = self.answers.get(key)
        if value in ("yes", True):
            return True
        if value in ("no", False):
            return False
        self.missing.append(key)
        return None

    def missing_note(self) -> list[str]:
        if not self.missing:
            return []
        names = ", ".join(str(QUESTION_NAMES[key]) for key in self.missing)
        return [_("Still to answer: %(questions)s.") % {"questions": names}]

    def biometric_identification(self) -> None:
        if not self.yes("ai_remote_biometric_identification"):
            return
        real_time = self.yes("ai_real_time")
        if real_time:
            public = self.yes("ai_public_space")
            police = self.yes("ai_law_enforcement") if public else False
            if public and police:
                self.prohibited.append(
                    _(
                        "Real-time remote biometric identification in publicly accessible spaces for law "
                        "enforcement is prohibited (Art. 5(1)(h)), save for a targeted search for victims or missing "
                        "people, an imminent threat to life or of terrorism, or locating suspects of serious "
                        "crimes, each with prior authorisation by a court or independent authority (Art. 5(2) and (3))."
                    )
                )
                return
            if public is None or police is None:
                return
        if real_time is not None:
            self.high_risk.append(
                _(
                    "Remote biometric identification is high-risk (Annex III, point 1(a)); only verification that "
                    "a person is who they claim to be is excluded."
                )
            )

    def emotion_recognition(self) -> None:
        if not self.yes("ai_emotion_recognition"):
            return
        context = self.answers.get("ai_emotion_context")
        if context in ("workplace", "education"):
            self.prohibited.append(
                _(
                    "Recognising emotions of people at work or in education is prohibited (Art. 5(1)(f)), "
                    "except for medical or safety reasons."
                )
            )
        elif context:
            self.high_risk.append(_("Emotion recognition is high-risk (Annex III, point 1(c))."))
            self.transparency.append(
                _("People exposed to emotion recognition must be told it is running (Art. 50(3)).")
            )
        else:
            self.missing.append("ai_emotion_context")

    def biometric_categorisation(self) -> None:
        if not self.yes("ai_biometric_categorisation"):
            return
        sensitive = self.yes("ai_sensitive_attributes")
        if sensitive:
            self.prohibited.append(
                _(
                    "Biometric categorisation that infers race, political opinions, trade-union membership, "
                    "religious or philosophical beliefs, sex life or sexual orientation is prohibited (Art. 5(1)(g))."
                )
            )
        elif sensitive is not None:
            self.high_risk.append(
                _("Biometric categorisation by other attributes is high-risk (Annex III, point 1(b)).")
            )
            self.transparency.append(
                _("People exposed to biometric categorisation must be told it is running (Art. 50(3)).")
            )

    def workplace_monitoring(self) -> None:
        if self.yes("ai_workplace_monitoring"):
            self.high_risk.append(
                _(
                    "Monitoring or evaluating the performance and behaviour of workers is high-risk "
                    "(Annex III, point 4(b)); workers and their representatives must be told before it starts "
                    "(Art. 26(7))."
                )
            )

    def synthetic_media(self) -> None:
        if self.yes("ai_synthetic_media"):
            self.transparency.append(
                _(
                    "Images or video generated or manipulated to look real must be disclosed as such, and a "
                    "provider must mark them machine-readably (Art. 50(2) and (4))."
                )
            )


def _result(category: str, reasons: list[str]) -> AiActResult:
    title, consequence = {
        PROHIBITED: (
            _("Prohibited practice under the EU AI Act"),
            _(
                "The system must not be deployed as described (the prohibitions apply since 2 February 2025). "
                "Remove the prohibited function, or stop the processing, before anything else."
            ),
        ),
        HIGH_RISK: (
            _("High-risk AI system under the EU AI Act"),
            _(
                "The deployer's duties of Art. 26 apply: use it as the provider's instructions say, assign human "
                "oversight to trained people with the authority to overrule it, keep its logs for at least six "
                "months, monitor how it works and report serious incidents, and inform the people and workers "
                "concerned. Public bodies and private bodies providing public services also carry out a fundamental "
                "rights impact assessment first (Art. 27). Use the provider's information in this DPIA (Art. 26(9))."
            ),
        ),
        TRANSPARENCY: (
            _("Transparency duties under the EU AI Act"),
            _("The system may be used, provided people are told, clearly and at the latest when first exposed to it."),
        ),
        MINIMAL: (
            _("Minimal risk under the EU AI Act"),
            _(
                "No specific obligations beyond making sure the staff who run it have enough AI literacy (Art. 4); "
                "voluntary codes of conduct may be followed. The GDPR applies in full."
            ),
        ),
        UNKNOWN: (
            _("EU AI Act category not yet known"),
            _("Answer the AI Act questions of this section to see which obligations apply."),
        ),
    }[category]
    return AiActResult(category=category, title=title, consequence=consequence, reasons=reasons)

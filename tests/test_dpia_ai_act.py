"""The EU AI Act check of the visual-AI section: each category, with its consequence and
reasons, and the partial that shows it."""

from __future__ import annotations

from django.template.loader import render_to_string

from dpia.ai_act import HIGH_RISK, MINIMAL, PROHIBITED, TRANSPARENCY, UNKNOWN, ai_act_check

NOTHING = {
    "ai_remote_biometric_identification": "no",
    "ai_public_space": "no",
    "ai_law_enforcement": "no",
    "ai_emotion_recognition": "no",
    "ai_biometric_categorisation": "no",
    "ai_workplace_monitoring": "no",
    "ai_synthetic_media": "no",
}


def check(**answers: str) -> tuple[str, str, str]:
    result = ai_act_check(NOTHING | answers)
    return result.category, result.consequence, " ".join(result.reasons)


def test_face_detection_for_redaction_is_minimal_risk() -> None:
    category, consequence, reasons = check()
    assert category == MINIMAL
    assert "AI literacy (Art. 4)" in consequence
    assert "None of the answers describes" in reasons


def test_live_face_recognition_in_public_for_the_police_is_prohibited() -> None:
    category, consequence, reasons = check(
        ai_remote_biometric_identification="yes", ai_real_time="yes", ai_public_space="yes", ai_law_enforcement="yes"
    )
    assert category == PROHIBITED
    assert "must not be deployed" in consequence
    assert "Art. 5(1)(h)" in reasons
    assert "prior authorisation" in reasons


def test_face_recognition_outside_that_case_is_high_risk() -> None:
    for answers in (
        {"ai_real_time": "no", "ai_public_space": "yes", "ai_law_enforcement": "yes"},  # after the event
        {"ai_real_time": "yes", "ai_public_space": "yes", "ai_law_enforcement": "no"},  # a shop's own watch list
        {"ai_real_time": "yes", "ai_public_space": "no"},  # staff-only areas
    ):
        category, consequence, reasons = check(ai_remote_biometric_identification="yes", **answers)
        assert category == HIGH_RISK, answers
        assert "Annex III, point 1(a)" in reasons
        assert "Art. 26" in consequence and "human oversight" in consequence and "Art. 27" in consequence


def test_emotion_recognition_at_work_or_school_is_prohibited_elsewhere_high_risk() -> None:
    for context in ("workplace", "education"):
        category, _consequence, reasons = check(ai_emotion_recognition="yes", ai_emotion_context=context)
        assert category == PROHIBITED
        assert "Art. 5(1)(f)" in reasons and "medical or safety" in reasons
    category, _consequence, reasons = check(ai_emotion_recognition="yes", ai_emotion_context="other")
    assert category == HIGH_RISK
    assert "Annex III, point 1(c)" in reasons
    assert "Art. 50(3)" in reasons  # people must also be told


def test_biometric_categorisation_by_sensitive_attributes_is_prohibited_otherwise_high_risk() -> None:
    category, _consequence, reasons = check(ai_biometric_categorisation="yes", ai_sensitive_attributes="yes")
    assert category == PROHIBITED
    assert "Art. 5(1)(g)" in reasons
    category, _consequence, reasons = check(ai_biometric_categorisation="yes", ai_sensitive_attributes="no")
    assert category == HIGH_RISK
    assert "Annex III, point 1(b)" in reasons


def test_monitoring_workers_is_high_risk_and_workers_must_be_told() -> None:
    category, _consequence, reasons = check(ai_workplace_monitoring="yes")
    assert category == HIGH_RISK
    assert "Annex III, point 4(b)" in reasons
    assert "Art. 26(7)" in reasons


def test_synthetic_media_carry_transparency_duties() -> None:
    category, consequence, reasons = check(ai_synthetic_media="yes")
    assert category == TRANSPARENCY
    assert "people are told" in consequence
    assert "Art. 50(2) and (4)" in reasons


def test_the_most_serious_category_wins_and_every_finding_is_a_reason() -> None:
    category, _consequence, reasons = check(
        ai_workplace_monitoring="yes",
        ai_synthetic_media="yes",
        ai_emotion_recognition="yes",
        ai_emotion_context="workplace",
    )
    assert category == PROHIBITED
    assert "Art. 5(1)(f)" in reasons and "Annex III, point 4(b)" in reasons and "Art. 50(2)" in reasons


def test_unanswered_questions_leave_the_category_unknown() -> None:
    result = ai_act_check({})
    assert result.category == UNKNOWN
    assert "Answer the AI Act questions" in result.consequence
    assert "Still to answer: remote biometric identification" in result.reasons[0]
    # A follow-up question decides between prohibited and high-risk: unknown until answered.
    assert ai_act_check(NOTHING | {"ai_remote_biometric_identification": "yes"}).category == UNKNOWN
    assert ai_act_check(NOTHING | {"ai_emotion_recognition": "yes"}).category == UNKNOWN


def test_a_prohibited_practice_shows_even_with_questions_unanswered() -> None:
    result = ai_act_check({"ai_biometric_categorisation": "yes", "ai_sensitive_attributes": "yes"})
    assert result.category == PROHIBITED
    assert any("Still to answer" in reason for reason in result.reasons)


def test_the_partial_shows_the_title_consequence_and_reasons_under_a_third_level_heading() -> None:
    html = render_to_string("dpia/_ai_act.html", {"ai_act": ai_act_check(NOTHING | {"ai_workplace_monitoring": "yes"})})
    assert '<h3 id="ai-act-heading">EU AI Act check: High-risk AI system under the EU AI Act</h3>' in html
    assert "Art. 26" in html
    assert "<li>Monitoring or evaluating the performance and behaviour of workers" in html
    assert render_to_string("dpia/_ai_act.html", {}).strip() == ""

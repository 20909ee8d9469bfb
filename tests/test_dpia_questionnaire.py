"""The questionnaire: the template contract, the built-in template, conditional questions,
and answering a section through its page."""

from __future__ import annotations

import copy
import importlib
import importlib.util
from typing import Any

import pytest
from django.apps import apps
from django.http import QueryDict
from django.urls import reverse

from dpia.models import AssessmentEvent, QuestionnaireTemplate, VersionStatus
from dpia.questionnaire import (
    clean_section_answers,
    find_section,
    iter_questions,
    section_progress,
    validate_template,
    visible,
)
from tests.support.dpia import make_assessment, newest
from tests.support.footage import logged_in

pytestmark = pytest.mark.django_db

BUILT_IN = "obscura-visual-ai"


def built_in() -> QuestionnaireTemplate:
    return QuestionnaireTemplate.objects.get(key=BUILT_IN)


def questions() -> dict[str, dict[str, Any]]:
    return {question["key"]: question for _section, question in iter_questions(built_in().body)}


def load_built_in() -> None:
    migration = importlib.import_module("dpia.migrations.0005_default_template")
    migration.load_template(apps, None)


def section_url(assessment: Any, section: str) -> str:
    return reverse("dpia:questionnaire_section", args=[assessment.reference, section])


def form(**answers: Any) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in answers.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def one_section(*questions: dict[str, Any], parts: list[str] | None = None) -> dict[str, Any]:
    return {"sections": [{"key": "only", "title": "Only", "parts": parts or [], "questions": list(questions)}]}


# The contract of a template -------------------------------------------------------------


def test_the_built_in_template_is_valid_and_asks_what_a_dpo_expects() -> None:
    body = built_in().body
    assert validate_template(body) == []
    assert [section["key"] for section in body["sections"]] == [
        "context",
        "principles",
        "visual_ai",
        "risks",
        "validation",
    ]
    assert 40 <= len(questions()) <= 65
    assert all(question.get("help") for question in questions().values())  # guidance for every question


def test_the_built_in_template_has_the_keys_the_screening_fills_and_the_ai_act_asks() -> None:
    found = questions()
    types = {key: question["type"] for key, question in found.items()}
    assert {
        k: types[k] for k in ("context_description", "visual_zones", "visual_masks", "visual_retention")
    } == dict.fromkeys(("context_description", "visual_zones", "visual_masks", "visual_retention"), "textarea")
    assert types["visual_audio"] == "yesno"
    for key in ("context_controller", "context_dpo", "model_name", "model_version", "model_threshold", "human_review"):
        assert key in found
    ai_keys = [key for key in found if key.startswith("ai_")]
    assert ai_keys == [
        "ai_remote_biometric_identification",
        "ai_real_time",
        "ai_public_space",
        "ai_law_enforcement",
        "ai_emotion_recognition",
        "ai_emotion_context",
        "ai_biometric_categorisation",
        "ai_sensitive_attributes",
        "ai_workplace_monitoring",
        "ai_synthetic_media",
    ]
    assert found["ai_real_time"]["show_if"] == {"question": "ai_remote_biometric_identification", "equals": "yes"}
    assert [choice["value"] for choice in found["ai_emotion_context"]["choices"]] == ["workplace", "education", "other"]
    assert found["ai_sensitive_attributes"]["show_if"]["question"] == "ai_biometric_categorisation"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"pages": []}, "Unknown field “pages”"),
        ({"sections": []}, "non-empty list of “sections”"),
        (
            one_section({"key": "a", "label": "A", "type": "text"}, {"key": "a", "label": "B", "type": "text"}),
            "keys must be unique",
        ),
        (one_section({"key": "a", "label": "A", "type": "slider"}), "unknown type “slider”"),
        (one_section({"key": "a", "label": "A", "type": "choice"}), "needs a list of choices"),
        (one_section({"key": "a", "label": "A", "type": "text", "requried": True}), "unknown field “requried”"),
        (one_section({"key": "a", "label": "", "type": "text"}), "needs a label"),
        (one_section({"key": "A b", "label": "A", "type": "text"}), "the key must start with a letter"),
        (one_section({"key": "a", "label": "A", "type": "text"}, parts=["heat_map"]), "unknown part “heat_map”"),
        (
            one_section({"key": "a", "label": "A", "type": "text", "show_if": {"question": "nope", "equals": "x"}}),
            "not a question of this template",
        ),
        (
            one_section(
                {"key": "a", "label": "A", "type": "text", "show_if": {"question": "b", "equals": "yes"}},
                {"key": "b", "label": "B", "type": "yesno"},
            ),
            "comes later",
        ),
        (
            one_section(
                {"key": "b", "label": "B", "type": "yesno"},
                {"key": "a", "label": "A", "type": "text", "show_if": {"question": "b", "equals": "maybe"}},
            ),
            "cannot have (possible: yes, no)",
        ),
    ],
)
def test_a_broken_template_is_refused_with_a_message_naming_the_problem(body: Any, message: str) -> None:
    errors = validate_template(body)
    assert any(message in error for error in errors), errors


def test_an_unquoted_yes_in_yaml_still_makes_a_valid_condition() -> None:
    body = one_section(
        {"key": "b", "label": "B", "type": "yesno"},
        {"key": "a", "label": "A", "type": "text", "show_if": {"question": "b", "equals": True}},
    )
    assert validate_template(body) == []
    assert visible(body["sections"][0]["questions"][1], {"b": "yes"})


# Loading the built-in template ----------------------------------------------------------


def test_loading_the_built_in_template_again_updates_the_one_row_and_keeps_the_chosen_default() -> None:
    other = QuestionnaireTemplate.objects.create(key="ours", name="Ours", body=one_section())
    QuestionnaireTemplate.objects.update(is_default=False)
    QuestionnaireTemplate.objects.filter(pk=other.pk).update(is_default=True)
    QuestionnaireTemplate.objects.filter(key=BUILT_IN).update(body={"sections": []}, name="Old name")

    load_built_in()
    load_built_in()

    assert QuestionnaireTemplate.objects.filter(key=BUILT_IN).count() == 1
    template = built_in()
    assert template.built_in and template.name == "Cameras and visual AI"
    assert validate_template(template.body) == []
    assert not template.is_default
    assert QuestionnaireTemplate.objects.get(is_default=True) == other


def test_the_built_in_template_becomes_the_default_when_none_is() -> None:
    QuestionnaireTemplate.objects.update(is_default=False)
    load_built_in()
    assert built_in().is_default


# Conditional questions ------------------------------------------------------------------


def test_a_hidden_question_loses_its_answer_and_a_half_done_section_saves() -> None:
    section = one_section(
        {"key": "signs", "label": "Signs?", "type": "yesno", "required": True},
        {
            "key": "where",
            "label": "Where?",
            "type": "text",
            "required": True,
            "show_if": {"question": "signs", "equals": "yes"},
        },
        {"key": "deeper", "label": "More", "type": "text", "show_if": {"question": "where", "in": ["hall"]}},
    )["sections"][0]

    answers, errors = clean_section_answers(section, form(signs="no", where="hall", deeper="kept?"))
    assert answers == {"signs": "no"} and errors == {}

    # Required questions are enforced at submission, so an author can save and come back.
    answers, errors = clean_section_answers(section, form(signs="yes"))
    assert answers == {"signs": "yes"} and errors == {}

    answers, errors = clean_section_answers(section, form(signs="yes", where="hall", deeper="stairs"))
    assert answers == {"signs": "yes", "where": "hall", "deeper": "stairs"} and errors == {}
    assert section_progress(section, answers) == (3, 3)
    assert section_progress(section, {"signs": "no"}) == (1, 1)


def test_answers_are_stored_as_their_type() -> None:
    section = one_section(
        {"key": "threshold", "label": "T", "type": "number"},
        {"key": "days", "label": "D", "type": "number"},
        {"key": "start", "label": "S", "type": "date"},
        {
            "key": "who",
            "label": "W",
            "type": "multichoice",
            "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
        },
        {"key": "pick", "label": "P", "type": "choice", "choices": [{"value": "x", "label": "X"}]},
    )["sections"][0]
    answers, errors = clean_section_answers(
        section, form(threshold="0,35", days="30", start="2026-03-01", who=["b", "a"], pick="x")
    )
    assert errors == {}
    assert answers == {"threshold": 0.35, "days": 30, "start": "2026-03-01", "who": ["a", "b"], "pick": "x"}

    _answers, errors = clean_section_answers(section, form(threshold="many", start="1 March", who=["c"], pick="y"))
    assert errors == {
        "threshold": "Enter a number.",
        "start": "Enter a date as YYYY-MM-DD.",
        "who": "Choose among the answers offered.",
        "pick": "Choose among the answers offered.",
    }


# The pages ------------------------------------------------------------------------------


def test_the_questionnaire_lists_the_sections_with_their_progress(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    html = logged_in(client, dpo).get(reverse("dpia:questionnaire", args=[assessment.reference])).content.decode()
    for title in ("Context", "Fundamental principles", "Cameras and visual AI", "Risks", "Validation"):
        assert title in html
    assert section_url(assessment, "visual_ai") in html
    assert "Version 1 follows the questionnaire “Cameras and visual AI”" in html
    assert "0 of 5" in html  # the risks section: five questions, none answered yet


def test_answering_a_section_through_the_page(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    client = logged_in(client, dpo)
    url = section_url(assessment, "visual_ai")

    page = client.get(url).content.decode()
    assert 'aria-describedby="q-visual_zones-help"' in page
    assert 'id="q-visual_zones-help"' in page
    assert 'data-show-if="ai_remote_biometric_identification"' in page
    assert "js/dpia-questionnaire.js" in page

    answers = {
        "visual_purposes": "Entrance: theft",
        "visual_zones": "Shop entrance",
        "visual_retention": "7 days",
        "visual_audio": "no",
        "human_review": "The manager checks every alert.",
        "model_threshold": "0.5",
        "ai_remote_biometric_identification": "no",
        "ai_real_time": "yes",  # hidden: nobody is identified, so nothing is live either
    }
    response = client.post(url, answers, follow=True)
    assert "Your answers to “Cameras and visual AI” are saved." in response.content.decode()
    saved = newest(assessment).answers
    assert saved["visual_zones"] == "Shop entrance" and saved["model_threshold"] == 0.5
    assert "ai_real_time" not in saved
    event = AssessmentEvent.objects.filter(assessment=assessment, action="answers").get()
    assert event.role == "author" and "Cameras and visual AI" in event.summary

    done, asked = section_progress(find_section(built_in().body, "visual_ai") or {}, saved)
    assert done == 7  # the eight given, less the one not asked
    html = client.get(reverse("dpia:questionnaire", args=[assessment.reference])).content.decode()
    assert f"{done} of {asked}" in html

    # Going on to the next section with the second button.
    response = client.post(url, answers | {"continue": ""})
    assert response["Location"] == section_url(assessment, "risks")


def test_a_wrong_answer_keeps_what_was_typed_and_saves_nothing(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    response = logged_in(client, dpo).post(
        section_url(assessment, "visual_ai"), {"visual_zones": "Entrance hall", "model_threshold": "a lot"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in html
    assert 'href="#q-model_threshold"' in html
    assert "Entrance hall" in html
    assert "visual_zones" not in newest(assessment).answers


def test_a_half_done_section_saves_and_the_required_question_waits_for_submission(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    response = logged_in(client, dpo).post(section_url(assessment, "context"), {"context_dpo": "Dora, dpo@example.org"})
    assert response.status_code == 302
    assert newest(assessment).answers["context_dpo"] == "Dora, dpo@example.org"


def test_the_section_links_to_its_parts_and_shows_the_ai_act_check(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    client = logged_in(client, dpo)
    html = client.get(section_url(assessment, "context")).content.decode()
    assert reverse("dpia:flow_map", args=[assessment.reference]) in html
    html = client.get(section_url(assessment, "visual_ai")).content.decode()
    if importlib.util.find_spec("dpia.ai_act") is not None:
        assert "EU AI Act check" in html


def test_a_submitted_version_is_shown_read_only(client: Any, dpo: Any, auditor: Any) -> None:
    assessment = make_assessment(actor=dpo)
    version = newest(assessment)
    version.answers = {"context_description": "Two cameras at the entrance", "context_controller": "Shop Ltd"}
    version.status = VersionStatus.SUBMITTED
    version.save()
    client = logged_in(client, dpo)
    url = section_url(assessment, "context")

    html = client.get(url).content.decode()
    assert "Two cameras at the entrance" in html and "Not answered" in html
    assert 'id="questionnaire-form"' not in html and "can be read but no longer changed" in html

    response = client.post(url, {"context_description": "Changed", "context_controller": "Other"}, follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert newest(assessment).answers["context_description"] == "Two cameras at the entrance"


def test_someone_who_may_only_read_sees_answers_and_cannot_post(client: Any, dpo: Any, auditor: Any) -> None:
    assessment = make_assessment(actor=dpo)
    client = logged_in(client, auditor)
    html = client.get(section_url(assessment, "context")).content.decode()
    assert 'id="questionnaire-form"' not in html
    assert client.post(section_url(assessment, "context"), {"context_description": "x"}).status_code == 403
    assert client.get(section_url(assessment, "no-such-section")).status_code == 404


def test_the_version_keeps_the_questionnaire_it_started_from(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    template = built_in()
    frozen = copy.deepcopy(newest(assessment).template)
    body = copy.deepcopy(template.body)
    find_section(body, "context")["questions"][0]["label"] = "A reworded question"  # type: ignore[index]
    template.body = body
    template.save()

    assert newest(assessment).template == frozen
    html = logged_in(client, dpo).get(section_url(assessment, "context")).content.decode()
    assert "Describe the processing" in html and "A reworded question" not in html

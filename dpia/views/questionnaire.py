"""The questionnaire of an assessment: its sections with their progress, and one section's form."""

from __future__ import annotations

import importlib
import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dpia.access import access_assessment
from dpia.models import AssessmentVersion
from dpia.questionnaire import (
    Question,
    Section,
    answered,
    clean_section_answers,
    condition_values,
    display_answer,
    find_section,
    section_progress,
    section_questions,
    visible,
)
from dpia.services.answers import version_answers_save
from dpia.services.common import DpiaError
from dpia.views.common import assessment_context

# The structured pages a section's `parts` lead to: (URL name, link text).
PART_LINKS = {
    "flow_map": ("dpia:flow_map", gettext_lazy("Data-flow map: stages, systems, data, locations and retention")),
    "legal_basis": ("dpia:legal_basis", gettext_lazy("Legal basis of each purpose and the balancing test")),
    "risks": ("dpia:risks", gettext_lazy("Risks: feared events, ratings and measures")),
    "action_plan": ("dpia:risks", gettext_lazy("Action plan: planned measures, owners and due dates")),
    "sign_off": ("dpia:evaluation", gettext_lazy("Evaluation, DPO opinion and sign-off")),
}


def questionnaire(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference)
    context = assessment_context(request, item, "dpia:questionnaire")
    version: AssessmentVersion = context["version"]
    evaluations = {evaluation.section: evaluation for evaluation in version.evaluations.all()}
    rows: list[dict[str, Any]] = []
    for section in version.sections():
        done, asked = section_progress(section, version.answers)
        rows.append(
            {"section": section, "answered": done, "asked": asked, "evaluation": evaluations.get(section["key"])}
        )
    context.update(
        {
            "rows": rows,
            "answered": sum(row["answered"] for row in rows),
            "asked": sum(row["asked"] for row in rows),
        }
    )
    return render(request, "dpia/questionnaire.html", context)


def questionnaire_section(request: HttpRequest, reference: str, section: str) -> HttpResponse:
    perm = "dpia.edit_dpia" if request.method == "POST" else "dpia.view_dpia"
    item = access_assessment(request.user, reference, perm)
    context = assessment_context(request, item, "dpia:questionnaire")
    version: AssessmentVersion = context["version"]
    found = find_section(version.template, section)
    if found is None:
        raise Http404
    values: dict[str, Any] = version.answers
    errors: dict[str, str] = {}
    if request.method == "POST":
        answers, errors = clean_section_answers(found, request.POST, version.answers)
        if not errors:
            return _save(request, version, found, answers)
        values = _submitted(found, request, version.answers, answers, errors)
    context.update(_section_context(version, found, values, errors, editing=context["can_edit"]))
    return render(request, "dpia/questionnaire_section.html", context)


def _save(request: HttpRequest, version: AssessmentVersion, section: Section, answers: dict[str, Any]) -> HttpResponse:
    here = reverse("dpia:questionnaire_section", args=[version.assessment.reference, section["key"]])
    try:
        version_answers_save(version=version, section_key=section["key"], answers=answers, actor=request.user)
    except DpiaError as exc:
        messages.error(request, exc.message)
        return redirect(here)
    messages.success(request, _("Your answers to “%(section)s” are saved.") % {"section": section["title"]})
    following = _neighbours(version, section)[1]
    if "continue" in request.POST and following is not None:
        return redirect("dpia:questionnaire_section", version.assessment.reference, following["key"])
    return redirect(here)


def _submitted(
    section: Section, request: HttpRequest, saved: dict[str, Any], answers: dict[str, Any], errors: dict[str, str]
) -> dict[str, Any]:
    """What the form shows again after errors: what was typed, even where it was refused."""
    values = {key: value for key, value in saved.items()}
    for question in section.get("questions", []):
        key = question["key"]
        if key in errors:
            raw = request.POST.getlist(key)
            values[key] = raw if question["type"] == "multichoice" else (raw[0] if raw else "")
        else:
            values[key] = answers.get(key)
    return values


def _section_context(
    version: AssessmentVersion, section: Section, values: dict[str, Any], errors: dict[str, str], *, editing: bool
) -> dict[str, Any]:
    own = {question["key"] for question in section.get("questions", [])}
    previous, following = _neighbours(version, section)
    done, asked = section_progress(section, version.answers)
    return {
        "section": section,
        "fields": [
            _field(question, values, errors.get(question["key"], ""), own)
            for question in section.get("questions", [])
            # A condition on another section's answer is settled: ask only what is asked.
            if question.get("show_if", {}).get("question") in own or visible(question, version.answers)
        ]
        if editing
        else [],
        "readings": [] if editing else _readings(section, version.answers),
        "errors": errors,
        "previous": previous,
        "following": following,
        "answered": done,
        "asked": asked,
        "evaluation": version.evaluations.filter(section=section["key"]).first(),
        "part_links": _part_links(version, section),
        "ai_act": _ai_act(section, version.answers),
    }


def _field(question: Question, values: dict[str, Any], error: str, own: set[str]) -> dict[str, Any]:
    key = question["key"]
    value = values.get(key)
    field_id = f"q-{key}"
    described = [f"{field_id}-help"] if question.get("help") else []
    if error:
        described.append(f"{field_id}-error")
    condition = question.get("show_if")
    return {
        "question": question,
        "id": field_id,
        "value": "" if value is None or isinstance(value, list) else str(value),
        "chosen": [str(item) for item in value] if isinstance(value, list) else [],
        "error": error,
        "describedby": " ".join(described),
        "show_if": condition["question"] if condition and condition["question"] in own else "",
        "show_values": json.dumps(condition_values(question)) if condition else "",
    }


def _readings(section: Section, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The questions asked and their answers, for a version that is not edited here."""
    return [
        {
            "question": question,
            "answer": display_answer(question, answers.get(question["key"])),
            "answered": answered(answers.get(question["key"])),
        }
        for question in section_questions(section, answers)
    ]


def _neighbours(version: AssessmentVersion, section: Section) -> tuple[Section | None, Section | None]:
    sections = version.sections()
    index = next(i for i, candidate in enumerate(sections) if candidate["key"] == section["key"])
    return (sections[index - 1] if index else None, sections[index + 1] if index + 1 < len(sections) else None)


def _part_links(version: AssessmentVersion, section: Section) -> list[dict[str, Any]]:
    links = []
    for part in section.get("parts", []):
        if part not in PART_LINKS:
            continue  # the AI Act check is shown in the page itself
        name, label = PART_LINKS[part]
        try:
            links.append({"url": reverse(name, args=[version.assessment.reference]), "label": label})
        except NoReverseMatch:  # that part of the app is not installed
            continue
    return links


def _ai_act(section: Section, answers: dict[str, Any]) -> Any:
    """The EU AI Act check of the answers, where the section asks for it and the check is installed."""
    if "ai_act" not in section.get("parts", []):
        return None
    try:
        module = importlib.import_module("dpia.ai_act")
    except ImportError:
        return None
    return module.ai_act_check(answers)


urlpatterns: list[URLPattern] = [
    path("<dpia_ref:reference>/questionnaire/", questionnaire, name="questionnaire"),
    path("<dpia_ref:reference>/questionnaire/<slug:section>/", questionnaire_section, name="questionnaire_section"),
]

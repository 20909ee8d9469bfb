"""Builders for the workflow, diff and export tests: a version with every required
question answered, and an assessment taken through its whole workflow."""

from __future__ import annotations

from typing import Any

from dpia.document import version_document
from dpia.models import Assessment, AssessmentVersion
from dpia.questionnaire import answered, visible
from dpia.services.answers import version_answers_save
from dpia.services.decisions import attestations_for, version_approve, version_opinion
from dpia.services.workflow import section_evaluate, version_submit
from tests.support.dpia import make_assessment, newest


def sample_answer(question: dict[str, Any]) -> Any:
    kind = question.get("type")
    choices = [str(item["value"]) for item in question.get("choices", [])]
    if kind == "yesno":
        return "no"
    if kind == "choice":
        return choices[0]
    if kind == "multichoice":
        return choices[:1]
    if kind == "number":
        return 1
    if kind == "date":
        return "2026-01-15"
    return f"Answer to {question['label']}"


def answer_required(version: AssessmentVersion, *, actor: Any = None) -> AssessmentVersion:
    """Answer every required question that is asked, section by section, through the service."""
    for section in version.sections():
        answers = dict(version.answers)
        for question in section.get("questions", []):
            if question.get("required") and visible(question, answers) and not answered(answers.get(question["key"])):
                answers[question["key"]] = sample_answer(question)
        own = {q["key"]: answers[q["key"]] for q in section.get("questions", []) if q["key"] in answers}
        version = version_answers_save(version=version, section_key=section["key"], answers=own, actor=actor)
    return version


def submitted(author: Any, **extra: Any) -> Assessment:
    """An assessment whose first version `author` filled in and submitted."""
    assessment = make_assessment(actor=author, **extra)
    version_submit(version=answer_required(newest(assessment), actor=author), actor=author)
    return assessment


def evaluate_all(assessment: Assessment, evaluator: Any, verdict: str = "acceptable") -> AssessmentVersion:
    version = newest(assessment)
    for section in version.sections():
        section_evaluate(version=version, section=section["key"], verdict=verdict, comment="Checked.", actor=evaluator)
    return newest(assessment)


def approved(author: Any, evaluator: Any, **extra: Any) -> Assessment:
    """An assessment taken from draft to approved: `author` (the DPO) writes and signs, `evaluator` evaluates."""
    assessment = submitted(author, **extra)
    version = evaluate_all(assessment, evaluator)
    version_opinion(version=version, opinion="Proportionate.", data_subject_views="Staff asked.", actor=author)
    keys = [item.key for item in attestations_for(version_document(version))]
    version_approve(version=version, actor=author, attestations=keys)
    return assessment

"""How answers to a questionnaire are read, checked and counted.

The shape of a template is described (and checked) in `dpia.questionnaire_schema`;
`validate_template` and `parse_template` are re-exported here.

Answers are plain JSON, stored flat by question key: text as strings, yes/no as
"yes"/"no", a choice as its value, a multichoice as a list of values, a number as a
number, a date as "YYYY-MM-DD". Only answered questions appear; the answer of a question
that is hidden is dropped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from dpia.questionnaire_schema import (
    CHOICE_TYPES,
    LARGEST,
    PARTS,
    TYPES,
    Question,
    Section,
    answer_values,
    as_answer,
    body_of,
    parse_template,
    validate_template,
)

__all__ = [
    "CHOICE_TYPES",
    "PARTS",
    "TYPES",
    "Question",
    "Section",
    "answer_values",
    "answered",
    "body_of",
    "clean_section_answers",
    "condition_values",
    "display_answer",
    "find_section",
    "iter_questions",
    "parse_template",
    "section_progress",
    "section_questions",
    "validate_template",
    "visible",
]


def iter_questions(body: Mapping[str, Any]) -> Iterator[tuple[Section, Question]]:
    for section in body.get("sections", []):
        for question in section.get("questions", []):
            yield section, question


def find_section(body: Mapping[str, Any], key: str) -> Section | None:
    return next((section for section in body.get("sections", []) if section.get("key") == key), None)


def condition_values(question: Question) -> list[str]:
    """The answers of the `show_if` question that make this one visible."""
    condition = question["show_if"]
    values = condition["in"] if "in" in condition else [condition["equals"]]
    return [as_answer(value) for value in values]


def visible(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether the question is asked, given the answers so far (a question without `show_if` always is)."""
    condition = question.get("show_if")
    if not condition:
        return True
    answer = answers.get(condition["question"])
    given = [as_answer(item) for item in answer] if isinstance(answer, list) else [as_answer(answer)]
    return answer is not None and any(value in given for value in condition_values(question))


def section_questions(section: Section, answers: Mapping[str, Any]) -> list[Question]:
    """The section's questions that are asked, given `answers` (all answers of the version)."""
    return [question for question in section.get("questions", []) if visible(question, answers)]


def answered(value: Any) -> bool:
    return value not in (None, "", [])


def section_progress(section: Section, answers: Mapping[str, Any]) -> tuple[int, int]:
    """(answered, asked): how many of the questions asked in the section have an answer."""
    asked = section_questions(section, answers)
    return sum(1 for question in asked if answered(answers.get(question["key"]))), len(asked)


def clean_section_answers(
    section: Section, data: QueryDict, others: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The section's answers read from a submitted form, and the error of each question that has one.

    Questions are read in order; one hidden by the answers before it (or by `others`, the
    answers of the other sections) is dropped. Unanswered questions are left out of the
    answers; a required one is not an error here, so an author can save a section half
    done: submission (`dpia.services.workflow`) refuses while a required question asked is
    unanswered.
    """
    own = {question["key"] for question in section.get("questions", [])}
    known = {key: value for key, value in (others or {}).items() if key not in own}
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in section.get("questions", []):
        if not visible(question, known):
            continue
        key = question["key"]
        try:
            value = _coerce(question, data)
        except ValueError as exc:
            errors[key] = str(exc)
            continue
        if answered(value):
            answers[key] = known[key] = value
    return answers, errors


def _coerce(question: Question, data: QueryDict) -> Any:
    key, kind = question["key"], question["type"]
    if kind == "multichoice":
        chosen = data.getlist(key)
        allowed = answer_values(question) or ()
        if any(value not in allowed for value in chosen):
            raise ValueError(_("Choose among the answers offered."))
        return [value for value in allowed if value in chosen]  # in the template's order
    raw = (data.get(key) or "").strip()
    if not raw:
        return None
    if kind in ("yesno", "choice"):
        if raw not in (answer_values(question) or ()):
            raise ValueError(_("Choose among the answers offered."))
        return raw
    if kind == "number":
        return _number(raw)
    if kind == "date":
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    return raw


def _number(raw: str) -> int | float:
    try:
        number = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("Enter a number.")) from None
    if not number.is_finite() or abs(number) >= LARGEST:
        raise ValueError(_("Enter a number."))
    return int(number) if number == number.to_integral_value() else float(number)


def display_answer(question: Question, value: Any) -> str:
    """An answer as a reader sees it: choice labels rather than values."""
    if not answered(value):
        return ""
    labels = {str(choice["value"]): choice["label"] for choice in question.get("choices", [])}
    if question.get("type") == "yesno":
        return _("Yes") if value == "yes" else _("No")
    if isinstance(value, list):
        return ", ".join(labels.get(str(item), str(item)) for item in value)
    return labels.get(str(value), str(value))

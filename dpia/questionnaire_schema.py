"""The shape of a questionnaire template: reading one from text and checking it.

A template body is `{"sections": [...]}`. Each section has a `key` (a slug, used in its
URL), a `title`, a `help` text, `parts` (the structured pages it leads to, from
`PARTS`) and `questions`. Each question has a `key` unique across the template (answers
are stored flat, by key, in `AssessmentVersion.answers`), a `label`, a `help` text, a
`type` from `TYPES`, `required` (default false), `choices` (a list of `{value, label}`,
for choice and multichoice only) and optionally `show_if`: `{question: KEY, equals:
VALUE}` or `{question: KEY, in: [VALUES]}`, naming a question that comes before it.
A template file may also carry its `key`, `name`, `description`, `language` and
`is_default`; those are not part of the body.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import yaml
from django.utils.translation import gettext as _

TYPES = ("text", "textarea", "yesno", "choice", "multichoice", "number", "date")
CHOICE_TYPES = ("choice", "multichoice")
PARTS = ("flow_map", "legal_basis", "ai_act", "risks", "action_plan", "sign_off")
YES_NO = ("yes", "no")
METADATA = ("key", "name", "description", "language", "is_default")
SECTION_FIELDS = ("key", "title", "help", "parts", "questions")
QUESTION_FIELDS = ("key", "label", "help", "type", "required", "choices", "show_if")
SECTION_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
QUESTION_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
LARGEST = Decimal("1e15")  # beyond any count or rate a questionnaire asks for

Question = dict[str, Any]
Section = dict[str, Any]


def parse_template(text: str) -> tuple[dict[str, Any] | None, list[str]]:
    """A template read from YAML or JSON text (JSON is YAML too), or the reason it cannot be read."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        if mark is not None:
            return None, [
                _("The text cannot be read as YAML or JSON: %(problem)s (line %(line)s, column %(column)s).")
                % {"problem": problem, "line": mark.line + 1, "column": mark.column + 1}
            ]
        return None, [_("The text cannot be read as YAML or JSON: %(problem)s.") % {"problem": problem}]
    if not isinstance(data, dict):
        return None, [_("A template is a mapping with a list of “sections”; this text holds something else.")]
    return data, []


def body_of(data: Mapping[str, Any]) -> dict[str, Any]:
    """What is stored as a template's body: its sections, without the file's name and key."""
    return {"sections": data.get("sections", [])}


def validate_template(body: Any) -> list[str]:
    """Every problem that makes `body` unusable as a template, as messages a person can act on."""
    if not isinstance(body, dict):
        return [_("A template is a mapping with a list of “sections”.")]
    errors = [
        _("Unknown field “%(field)s” at the top of the template.") % {"field": field}
        for field in body
        if field not in (*METADATA, "sections")
    ]
    sections = body.get("sections")
    if not isinstance(sections, list) or not sections:
        return [*errors, _("The template needs a non-empty list of “sections”.")]
    section_keys: set[str] = set()
    earlier: dict[str, Question] = {}  # questions before the one being checked, by key
    later = {question.get("key") for _section, question in _all_questions(sections)}
    for number, section in enumerate(sections, start=1):
        if not isinstance(section, dict):
            errors.append(_("Section %(number)s is not a mapping.") % {"number": number})
            continue
        where = _("Section “%(key)s”") % {"key": section.get("key", number)}
        errors += _section_errors(section, where, section_keys)
        questions = section.get("questions", [])
        if not isinstance(questions, list):
            errors.append(_("%(where)s: “questions” must be a list.") % {"where": where})
            continue
        for position, question in enumerate(questions, start=1):
            if not isinstance(question, dict):
                errors.append(
                    _("%(where)s: question %(number)s is not a mapping.") % {"where": where, "number": position}
                )
                continue
            errors += _question_errors(question, where, earlier, later)
            if isinstance(question.get("key"), str):
                earlier.setdefault(question["key"], question)
    return errors


def _section_errors(section: Section, where: str, seen: set[str]) -> list[str]:
    errors = [
        _("%(where)s: unknown field “%(field)s”.") % {"where": where, "field": field}
        for field in section
        if field not in SECTION_FIELDS
    ]
    key = section.get("key")
    if not isinstance(key, str) or not SECTION_KEY.match(key):
        errors.append(_("%(where)s: the key must be lower-case letters, digits, “-” or “_”.") % {"where": where})
    elif key in seen:
        errors.append(_("%(where)s: another section has the same key.") % {"where": where})
    else:
        seen.add(key)
    if not _text(section.get("title")):
        errors.append(_("%(where)s needs a title.") % {"where": where})
    if not isinstance(section.get("help", ""), str):
        errors.append(_("%(where)s: the help must be text.") % {"where": where})
    parts = section.get("parts", [])
    if not isinstance(parts, list):
        errors.append(_("%(where)s: “parts” must be a list.") % {"where": where})
        parts = []
    errors += [
        _("%(where)s: unknown part “%(part)s” (known parts: %(known)s).")
        % {"where": where, "part": part, "known": ", ".join(PARTS)}
        for part in parts
        if part not in PARTS
    ]
    return errors


def _all_questions(sections: list[Any]) -> Iterator[tuple[Any, Any]]:
    for section in sections:
        questions = section.get("questions", []) if isinstance(section, dict) else []
        for question in questions if isinstance(questions, list) else []:
            if isinstance(question, dict):
                yield section, question


def _question_errors(
    question: Question, section_where: str, earlier: Mapping[str, Question], every_key: set[Any]
) -> list[str]:
    key = question.get("key")
    where = _("%(where)s, question “%(key)s”") % {"where": section_where, "key": key}
    errors = [
        _("%(where)s: unknown field “%(field)s”.") % {"where": where, "field": field}
        for field in question
        if field not in QUESTION_FIELDS
    ]
    if not isinstance(key, str) or not QUESTION_KEY.match(key):
        errors.append(
            _("%(where)s: the key must start with a letter and hold only lower-case letters, digits and “_”.")
            % {"where": where}
        )
    elif key in earlier:
        errors.append(_("%(where)s: the key is used by another question; keys must be unique.") % {"where": where})
    if not _text(question.get("label")):
        errors.append(_("%(where)s needs a label.") % {"where": where})
    if not isinstance(question.get("help", ""), str):
        errors.append(_("%(where)s: the help must be text.") % {"where": where})
    if not isinstance(question.get("required", False), bool):
        errors.append(_("%(where)s: “required” must be true or false.") % {"where": where})
    kind = question.get("type")
    if kind not in TYPES:
        errors.append(
            _("%(where)s: unknown type “%(type)s” (known types: %(known)s).")
            % {"where": where, "type": kind, "known": ", ".join(TYPES)}
        )
    errors += _choice_errors(question, where)
    if "show_if" in question:
        errors += _show_if_errors(question["show_if"], where, key, earlier, every_key)
    return errors


def _choice_errors(question: Question, where: str) -> list[str]:
    choices = question.get("choices")
    if question.get("type") not in CHOICE_TYPES:
        return [] if choices is None else [_("%(where)s: only choice questions have choices.") % {"where": where}]
    if not isinstance(choices, list) or not choices:
        return [_("%(where)s: a choice question needs a list of choices.") % {"where": where}]
    values = [choice.get("value") if isinstance(choice, dict) else None for choice in choices]
    if not all(isinstance(choice, dict) and _text(choice.get("label")) for choice in choices) or not all(
        isinstance(value, str) and value for value in values
    ):
        return [_("%(where)s: each choice needs a “value” and a “label”.") % {"where": where}]
    if len(set(values)) != len(values):
        return [_("%(where)s: two choices have the same value.") % {"where": where}]
    return []


def _show_if_errors(
    condition: Any, where: str, key: Any, earlier: Mapping[str, Question], every_key: set[Any]
) -> list[str]:
    if not isinstance(condition, dict) or set(condition) not in ({"question", "equals"}, {"question", "in"}):
        return [
            _("%(where)s: “show_if” must be {question: KEY, equals: VALUE} or {question: KEY, in: [VALUES]}.")
            % {"where": where}
        ]
    target_key = condition["question"]
    target = earlier.get(target_key) if isinstance(target_key, str) else None
    if target is None:
        if target_key == key:
            return [_("%(where)s: “show_if” cannot name the question itself.") % {"where": where}]
        if target_key in every_key:
            return [
                _("%(where)s: “show_if” names “%(other)s”, which comes later; conditions name earlier questions.")
                % {"where": where, "other": target_key}
            ]
        return [
            _("%(where)s: “show_if” names “%(other)s”, which is not a question of this template.")
            % {"where": where, "other": target_key}
        ]
    values = condition.get("in", [condition.get("equals")])
    if not isinstance(values, list) or not values:
        return [_("%(where)s: “show_if … in” needs a list of values.") % {"where": where}]
    allowed = answer_values(target)
    if allowed is not None and not all(as_answer(value) in allowed for value in values):
        return [
            _("%(where)s: “show_if” expects a value that “%(other)s” cannot have (possible: %(allowed)s).")
            % {"where": where, "other": target_key, "allowed": ", ".join(allowed)}
        ]
    return []


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def answer_values(question: Question) -> tuple[str, ...] | None:
    """The possible answers of a yes/no or choice question; None for free answers."""
    if question.get("type") == "yesno":
        return YES_NO
    if question.get("type") in CHOICE_TYPES:
        return tuple(str(choice["value"]) for choice in question.get("choices", []))
    return None


def as_answer(value: Any) -> str:
    """A condition's value as answers are stored (YAML reads an unquoted yes as true)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)

"""A version document in words: choice values as their labels, field names as their
labels, answers as a person reads them. Shared by the version page, the diff and the PDF,
so the three always say the same thing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dpia.diagrams.heatmap import level_names
from dpia.document import PURPOSE_FIELDS, SYSTEM_FIELDS
from dpia.models import (
    Art6Basis,
    Art9Condition,
    DataCategory,
    FlowSystem,
    Location,
    MeasureStatus,
    Purpose,
    Risk,
    RiskKind,
    SectionVerdict,
    StageKind,
    TransferSafeguard,
    VersionStatus,
)
from dpia.questionnaire import display_answer, section_questions
from dpia.risk_catalogue import level_labels, rated_level

Choices = type[models.Choices]

STAGE_CHOICES: dict[str, Choices] = {"kind": StageKind}
SYSTEM_CHOICES: dict[str, Choices] = {
    "data_categories": DataCategory,
    "location": Location,
    "transfer_safeguard": TransferSafeguard,
}
PURPOSE_CHOICES: dict[str, Choices] = {"art6_basis": Art6Basis, "art9_condition": Art9Condition}
MEASURE_CHOICES: dict[str, Choices] = {"status": MeasureStatus}
RISK_CHOICES: dict[str, Choices] = {"kind": RiskKind}
VERSION_CHOICES: dict[str, Choices] = {"status": VersionStatus}
EVALUATION_CHOICES: dict[str, Choices] = {"verdict": SectionVerdict}
# Measures still to do: what the action plan lists.
OPEN_MEASURES = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)


def field_label(model: type[models.Model], field: str) -> str:
    """The field's verbose name, or a readable form of its name where the model has no such field."""
    try:
        return str(model._meta.get_field(field).verbose_name)  # type: ignore[union-attr]
    except Exception:  # FieldDoesNotExist, or a relation without a verbose name
        return field.replace("_", " ")


def choice_label(choices: Choices | None, value: Any) -> str:
    if choices is None:
        return text(value)
    try:
        return str(choices(value).label)
    except ValueError:
        return text(value)


def text(value: Any) -> str:
    """Any plain JSON value as a person reads it ("" for nothing at all)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "; ".join(part for part in (text(item) for item in value) if part)
    if isinstance(value, dict):
        if "text" in value:  # an attestation
            return text(value["text"])
        return "; ".join(f"{key}: {text(item)}" for key, item in value.items())
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def value_text(value: Any, choices: Choices | None = None) -> str:
    """A field's value with choice codes (also inside lists) shown as their labels."""
    if isinstance(value, list) and choices is not None:
        return "; ".join(choice_label(choices, item) for item in value)
    if choices is not None and value not in (None, ""):
        return choice_label(choices, value)
    return text(value)


def level_text(value: Any, scale: str, which: str) -> str:
    """A severity or likelihood rating with its label on the version's scale, e.g. "3 (Significant)"."""
    if value in (None, ""):
        return ""
    severities, likelihoods = level_labels(scale)
    labels = severities if which == "severity" else likelihoods
    return f"{value} ({labels.get(int(value), value)})"


def template_questions(template: dict[str, Any]) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Every question of a template by key, with its section."""
    return {
        question["key"]: (section, question)
        for section in template.get("sections", [])
        for question in section.get("questions", [])
        if "key" in question
    }


def readable(document: dict[str, Any]) -> dict[str, Any]:
    """The document as the version page and the PDF show it: every section with its
    visible questions and answers, the map, purposes, risks with their three ratings,
    measures, the action plan, the evaluations and the validation, all in words."""
    answers = document.get("answers") or {}
    evaluations = {item.get("section"): item for item in document.get("evaluations") or []}
    measures = [_measure(item) for item in document.get("measures") or []]
    return {
        "sections": [
            {
                "key": section.get("key", ""),
                "title": section.get("title", ""),
                "questions": [
                    {"label": question["label"], "answer": display_answer(question, answers.get(question["key"]))}
                    for question in section_questions(section, answers)
                ],
                "evaluation": _evaluation(evaluations.get(section.get("key"))),
            }
            for section in (document.get("template") or {}).get("sections", [])
        ],
        "stages": [_stage(stage) for stage in document.get("stages") or []],
        "purposes": [
            {
                "description": item.get("description", ""),
                "facts": _facts(item, PURPOSE_FIELDS[2:], Purpose, PURPOSE_CHOICES),
                "camera": item.get("camera_name", ""),
            }
            for item in document.get("purposes") or []
        ],
        "risks": [
            _risk(index, risk, document, measures) for index, risk in enumerate(document.get("risks") or [], start=1)
        ],
        "measures": measures,
        "action_plan": [measure for measure in measures if measure["open"]],
        "validation": {
            **{
                field: text((document.get("validation") or {}).get(field))
                for field in ("dpo_opinion", "data_subject_views", "decision_reason")
            },
            "attestations": [text(item) for item in (document.get("validation") or {}).get("attestations") or []],
        },
    }


def _facts(
    item: dict[str, Any], fields: Iterable[str], model: type[models.Model], choices: dict[str, Choices]
) -> list[tuple[str, str]]:
    return [
        (field_label(model, field), value_text(item.get(field), choices.get(field)))
        for field in fields
        if item.get(field) not in (None, "", [])
    ]


def _stage(stage: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": stage.get("name", ""),
        "kind": value_text(stage.get("kind"), StageKind),
        "systems": [
            {"name": system.get("name", ""), "facts": _facts(system, SYSTEM_FIELDS[1:], FlowSystem, SYSTEM_CHOICES)}
            for system in stage.get("systems") or []
        ],
    }


def _measure(item: dict[str, Any]) -> dict[str, Any]:
    due = item.get("due_date")
    return {
        "title": item.get("title", ""),
        "description": item.get("description", ""),
        "status": value_text(item.get("status"), MeasureStatus),
        "open": item.get("status") in OPEN_MEASURES,
        "owner": item.get("owner", ""),
        "due_date": _date(due),
        "safeguard": item.get("safeguard") or "",
    }


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


RATINGS = (
    ("inherent", gettext_lazy("Before measures")),
    ("current", gettext_lazy("With current measures")),
    ("residual", gettext_lazy("Residual (after planned measures)")),
)


def _risk(
    number: int, risk: dict[str, Any], document: dict[str, Any], measures: list[dict[str, Any]]
) -> dict[str, Any]:
    scale = document.get("scale") or "four"
    levels = level_names()
    return {
        "number": f"R{number}",
        "title": risk.get("title", ""),
        "kind": value_text(risk.get("kind"), RiskKind),
        "facts": _facts(risk, ("impacts", "threats", "sources"), Risk, RISK_CHOICES),
        "ratings": [
            {
                "stage": label,
                "severity": level_text(risk.get(f"{stage}_severity"), scale, "severity"),
                "likelihood": level_text(risk.get(f"{stage}_likelihood"), scale, "likelihood"),
                "level": levels.get(rated_level(risk, stage, scale) or "", ""),
                "justification": text(risk.get(f"{stage}_justification")),
            }
            for stage, label in RATINGS
        ],
        "measures": [measures[index]["title"] for index in risk.get("measures") or [] if 0 <= index < len(measures)],
    }


def _evaluation(item: dict[str, Any] | None) -> dict[str, str] | None:
    if not item:
        return None
    return {
        "verdict": value_text(item.get("verdict"), SectionVerdict),
        "code": item.get("verdict", ""),
        "comment": item.get("comment", ""),
    }

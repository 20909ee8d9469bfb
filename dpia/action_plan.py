"""The action plan of a version, read from its document (`dpia.document.version_document`),
so the page, the PDF and a frozen snapshot all show the same plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dpia.models import MeasureStatus

OPEN = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)
IN_PLAN = (*OPEN, MeasureStatus.DONE)


@dataclass(frozen=True)
class Action:
    index: int  # the measure's position in document["measures"]
    title: str
    owner: str
    due_date: date | None
    status: str
    status_label: str
    risks: tuple[str, ...]  # "R1", "R2"… as numbered on the heat map
    overdue: bool


def measure_risks(document: dict[str, Any]) -> dict[int, tuple[str, ...]]:
    """For each measure (by position), the numbers of the risks it addresses."""
    linked: dict[int, list[str]] = {}
    for number, risk in enumerate(document.get("risks", []), start=1):
        for index in risk.get("measures", []):
            linked.setdefault(index, []).append(f"R{number}")
    return {index: tuple(numbers) for index, numbers in linked.items()}


def action_plan(document: dict[str, Any], today: date) -> list[Action]:
    """The planned, in-progress and done measures, soonest due first; a planned or
    in-progress one whose due date has passed is overdue."""
    linked = measure_risks(document)
    actions = []
    for index, measure in enumerate(document.get("measures", [])):
        status = measure.get("status", "")
        if status not in IN_PLAN:
            continue
        due = _date(measure.get("due_date"))
        actions.append(
            Action(
                index=index,
                title=measure.get("title", ""),
                owner=measure.get("owner", ""),
                due_date=due,
                status=status,
                status_label=str(MeasureStatus(status).label),
                risks=linked.get(index, ()),
                overdue=status in OPEN and due is not None and due < today,
            )
        )
    return sorted(actions, key=lambda action: (action.due_date or date.max, action.index))


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None

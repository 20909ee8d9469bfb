"""Time spent on each assessment by its authors, evaluators and the DPO, measured from
the history (`AssessmentEvent`: who, in which role, when) by the sittings rule of
`compliance.effort`. Automatic steps (no person) do not count."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from compliance.effort import total_seconds
from dpia.models import Assessment, AssessmentEvent, EffortRole

ROLES = tuple(EffortRole.values)


@dataclass
class Effort:
    """Hours per role (author, evaluator, dpo) for one assessment."""

    hours: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.hours.values())

    def by_role(self) -> list[tuple[str, float]]:
        labels = dict(EffortRole.choices)
        return [(str(labels[role]), self.hours.get(role, 0.0)) for role in ROLES]


def _efforts(events: QuerySet[AssessmentEvent]) -> dict[int, Effort]:
    edits: dict[int, dict[str, list[tuple[int, datetime]]]] = defaultdict(lambda: defaultdict(list))
    for assessment_id, role, actor_id, at in events.values_list("assessment_id", "role", "actor_id", "at"):
        edits[assessment_id][role or EffortRole.AUTHOR].append((actor_id, at))
    return {
        pk: Effort(hours={role: total_seconds(pairs) / 3600 for role, pairs in by_role.items()})
        for pk, by_role in edits.items()
    }


def assessment_effort(assessment: Assessment) -> Effort:
    people = AssessmentEvent.objects.filter(assessment=assessment, actor__isnull=False)
    return _efforts(people).get(assessment.pk, Effort())


def effort_rows() -> list[tuple[Assessment, Effort]]:
    """Every assessment with its effort, by reference."""
    efforts = _efforts(AssessmentEvent.objects.filter(actor__isnull=False))
    return [
        (assessment, efforts.get(assessment.pk, Effort())) for assessment in Assessment.objects.order_by("reference")
    ]

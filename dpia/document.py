"""An assessment version as one plain document, and back.

`version_document` is the single description of what a version says: it is frozen into
`AssessmentVersion.snapshot` on a decision, compared by the diff view, exported as JSON,
printed in the PDF, and `document_restore` rebuilds the rows from it (a new version
starts as a copy of the previous one; an import starts from an exported file).
"""

from __future__ import annotations

from typing import Any

from dpia.models import (
    AssessmentVersion,
    FlowStage,
    FlowSystem,
    Measure,
    Purpose,
    Risk,
    Safeguard,
)

FORMAT = "obscura-dpia"
FORMAT_VERSION = 1

STAGE_FIELDS = ("kind", "name")
SYSTEM_FIELDS = (
    "name",
    "data_categories",
    "location",
    "country",
    "transfer_safeguard",
    "retention_days",
    "access",
    "safeguards",
)
PURPOSE_FIELDS = (
    "camera_name",
    "description",
    "art6_basis",
    "art9_condition",
    "interest",
    "necessity",
    "balancing",
    "balancing_safeguards",
    "objection",
)
MEASURE_FIELDS = ("title", "description", "status", "owner")
RISK_FIELDS = (
    "kind",
    "title",
    "impacts",
    "threats",
    "sources",
    "inherent_severity",
    "inherent_likelihood",
    "inherent_justification",
    "current_severity",
    "current_likelihood",
    "current_justification",
    "residual_severity",
    "residual_likelihood",
    "residual_justification",
)
VALIDATION_FIELDS = ("dpo_opinion", "data_subject_views", "attestations", "decision_reason")


def _pick(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: getattr(row, field) for field in fields}


def version_document(version: AssessmentVersion) -> dict[str, Any]:
    """Everything the version says, in a stable order, with plain JSON values."""
    if version.snapshot is not None:
        return version.snapshot
    measures = list(version.measures.select_related("safeguard").order_by("id"))
    measure_index = {measure.pk: index for index, measure in enumerate(measures)}
    assessment = version.assessment
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "reference": assessment.reference,
        "title": assessment.title,
        "version": version.number,
        "status": version.status,
        "template_name": version.template_name,
        "template": version.template,
        "scale": version.scale,
        "answers": version.answers,
        "stages": [
            {
                **_pick(stage, STAGE_FIELDS),
                "systems": [_pick(system, SYSTEM_FIELDS) for system in stage.systems.order_by("order", "id")],
            }
            for stage in version.stages.order_by("order", "id")
        ],
        "purposes": [_pick(purpose, PURPOSE_FIELDS) for purpose in version.purposes.order_by("order", "id")],
        "measures": [
            {
                **_pick(measure, MEASURE_FIELDS),
                "safeguard": measure.safeguard.key if measure.safeguard else None,
                "due_date": measure.due_date.isoformat() if measure.due_date else None,
            }
            for measure in measures
        ],
        "risks": [
            {
                **_pick(risk, RISK_FIELDS),
                "measures": sorted(measure_index[m.pk] for m in risk.measures.all() if m.pk in measure_index),
            }
            for risk in version.risks.order_by("order", "id")
        ],
        "evaluations": [
            {"section": e.section, "verdict": e.verdict, "comment": e.comment}
            for e in version.evaluations.order_by("id")
        ],
        "validation": _pick(version, VALIDATION_FIELDS),
        "submitted": _stamp(version.submitted_at, version.submitted_by),
        "decided": _stamp(version.decided_at, version.decided_by),
        "cameras": sorted(assessment.cameras.values_list("name", flat=True)),
        "sites": sorted(assessment.sites.values_list("name", flat=True)),
    }


def _stamp(at: Any, by: Any) -> dict[str, str] | None:
    """Who took a step and when, kept in the document so a frozen snapshot says who signed."""
    if at is None:
        return None
    return {"at": at.isoformat(), "by": by.get_username() if by is not None else ""}


def document_restore(version: AssessmentVersion, document: dict[str, Any]) -> None:
    """Create the version's map, purposes, measures and risks from `document`.

    The version must have none yet. Unknown safeguard keys become measures without a
    catalogue entry. Evaluations and the validation are not carried over: they belong
    to the version that was evaluated and decided.
    """
    for order, stage_data in enumerate(document.get("stages", [])):
        stage = FlowStage.objects.create(version=version, order=order, **_only(stage_data, STAGE_FIELDS))
        for system_order, system_data in enumerate(stage_data.get("systems", [])):
            FlowSystem.objects.create(stage=stage, order=system_order, **_only(system_data, SYSTEM_FIELDS))
    for order, purpose_data in enumerate(document.get("purposes", [])):
        Purpose.objects.create(version=version, order=order, **_only(purpose_data, PURPOSE_FIELDS))
    safeguards = {safeguard.key: safeguard for safeguard in Safeguard.objects.all()}
    measures = [
        Measure.objects.create(
            version=version,
            safeguard=safeguards.get(measure_data.get("safeguard") or ""),
            due_date=measure_data.get("due_date") or None,
            **_only(measure_data, MEASURE_FIELDS),
        )
        for measure_data in document.get("measures", [])
    ]
    for order, risk_data in enumerate(document.get("risks", [])):
        risk = Risk.objects.create(version=version, order=order, **_only(risk_data, RISK_FIELDS))
        risk.measures.set(measures[index] for index in risk_data.get("measures", []) if 0 <= index < len(measures))


def _only(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: data[field] for field in fields if field in data}

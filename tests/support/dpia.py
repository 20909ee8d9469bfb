"""Builders for impact-assessment tests."""

from __future__ import annotations

from typing import Any

from dpia.models import Assessment, AssessmentVersion, QuestionnaireTemplate
from dpia.services.assessments import assessment_create

MINIMAL_TEMPLATE = {
    "sections": [
        {
            "key": "context",
            "title": "Context",
            "questions": [{"key": "description", "label": "Describe the processing", "type": "textarea"}],
        }
    ]
}

RISK = {
    "kind": "illegitimate_access",
    "title": "Someone without a need watches the footage",
    "impacts": "Embarrassment, stalking",
    "threats": "Shared passwords",
    "sources": "Staff, intruders",
    "inherent_severity": 3,
    "inherent_likelihood": 3,
    "inherent_justification": "Footage shows customers' faces; the server is reachable from the office network.",
    "current_severity": 3,
    "current_likelihood": 2,
    "current_justification": "Accounts are personal and raw views are logged.",
    "residual_severity": 2,
    "residual_likelihood": 1,
    "residual_justification": "With faces blurred at ingest, a leak shows no one recognisable.",
    "measures": [0],
}

DOCUMENT: dict[str, Any] = {
    "stages": [
        {
            "kind": "collection",
            "name": "Collection",
            "systems": [{"name": "Entrance camera", "data_categories": ["images", "faces"], "location": "device"}],
        },
        {
            "kind": "storage",
            "name": "Storage",
            "systems": [
                {
                    "name": "Obscura server",
                    "data_categories": ["images"],
                    "location": "on_premise",
                    "retention_days": 30,
                }
            ],
        },
    ],
    "purposes": [{"description": "Prevent theft at the entrance", "art6_basis": "legitimate_interests"}],
    "measures": [{"title": "Blur faces at ingestion", "status": "in_place"}],
    "risks": [RISK],
}


def template() -> QuestionnaireTemplate:
    """The default template when installed, else a one-question template."""
    found = QuestionnaireTemplate.objects.filter(is_default=True).first()
    if found is not None:
        return found
    return QuestionnaireTemplate.objects.get_or_create(
        key="test-minimal", defaults={"name": "Minimal", "body": MINIMAL_TEMPLATE}
    )[0]


def make_assessment(
    title: str = "Shop cameras", *, actor: Any = None, document: dict[str, Any] | None = None, **extra: Any
) -> Assessment:
    return assessment_create(
        actor=actor, title=title, template=template(), document=DOCUMENT if document is None else document, **extra
    )


def newest(assessment: Assessment) -> AssessmentVersion:
    return assessment.versions.order_by("-number").first()  # type: ignore[return-value]

"""Starting an assessment and starting its next version."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dpia.document import document_restore, version_document
from dpia.models import (
    Assessment,
    AssessmentVersion,
    QuestionnaireTemplate,
    Scale,
    Screening,
)
from dpia.services.common import DpiaError, current_version, lock, record_event


def next_reference() -> str:
    year = timezone.now().year
    prefix = f"DPIA-{year}-"
    numbers = [
        int(reference.removeprefix(prefix))
        for reference in Assessment.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
        if reference.removeprefix(prefix).isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def assessment_create(
    *,
    actor: Any,
    title: str,
    template: QuestionnaireTemplate,
    cameras: Iterable[Any] = (),
    sites: Iterable[Any] = (),
    policies: Iterable[Any] = (),
    answers: dict[str, Any] | None = None,
    document: dict[str, Any] | None = None,
    screening: Screening | None = None,
    scale: str = Scale.FOUR,
    ip: str | None = None,
) -> Assessment:
    """A new assessment with its first draft version.

    `document` (the shape `dpia.document.version_document` writes) pre-fills the map,
    purposes, measures and risks: from a screening, or from an imported file.
    """
    title = title.strip()
    if not title:
        raise DpiaError(_("Give the assessment a title."))
    with transaction.atomic():
        assessment = Assessment.objects.create(
            reference=next_reference(), title=title, screening=screening, created_by=_user(actor)
        )
        assessment.cameras.set(cameras)
        assessment.sites.set(sites)
        assessment.retention_policies.set(policies)
        version = AssessmentVersion.objects.create(
            assessment=assessment,
            number=1,
            template=copy.deepcopy(template.body),
            template_name=template.name,
            answers=dict(answers or {}),
            scale=scale,
            created_by=_user(actor),
        )
        if document:
            document_restore(version, document)
        record_event(
            assessment,
            version=version,
            actor=actor,
            action="create",
            summary=_("Assessment started from the template “%(template)s”.") % {"template": template.name},
            ip=ip,
        )
    return assessment


def version_start_next(*, assessment: Assessment, actor: Any, ip: str | None = None) -> AssessmentVersion:
    """A new draft, copied from the newest version once that one is decided."""
    with transaction.atomic():
        assessment = lock(assessment)
        previous = current_version(assessment)
        if not previous.frozen:
            raise DpiaError(
                _("Version %(number)s is still %(status)s; a new version starts once it is approved or rejected.")
                % {"number": previous.number, "status": previous.get_status_display().lower()}
            )
        number = (assessment.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        version = AssessmentVersion.objects.create(
            assessment=assessment,
            number=number,
            template=copy.deepcopy(previous.template),
            template_name=previous.template_name,
            answers=copy.deepcopy(previous.answers),
            scale=previous.scale,
            created_by=_user(actor),
        )
        document_restore(version, version_document(previous))
        record_event(
            assessment,
            version=version,
            actor=actor,
            action="new_version",
            summary=_("Version %(number)s started from version %(previous)s.")
            % {"number": number, "previous": previous.number},
            ip=ip,
        )
    return version


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def assessment_scope_set(
    *,
    assessment: Assessment,
    actor: Any,
    cameras: Iterable[Any],
    sites: Iterable[Any],
    policies: Iterable[Any],
    ip: str | None = None,
) -> Assessment:
    """Change what the assessment covers.

    Not part of a version: the coverage is what the living check compares with the
    configuration, so after an approval a change shows as a difference to review.
    """
    cameras, sites, policies = list(cameras), list(sites), list(policies)
    with transaction.atomic():
        assessment = lock(assessment)
        before = _scope(assessment)
        assessment.cameras.set(cameras)
        assessment.sites.set(sites)
        assessment.retention_policies.set(policies)
        after = _scope(assessment)
        if before != after:
            record_event(
                assessment,
                version=current_version(assessment),
                actor=actor,
                action="scope",
                summary=_("Coverage changed: %(scope)s.") % {"scope": "; ".join(after)},
                ip=ip,
            )
    return assessment


def _scope(assessment: Assessment) -> list[str]:
    return [
        _("cameras: %(names)s") % {"names": ", ".join(sorted(c.name for c in assessment.cameras.all())) or "—"},
        _("sites: %(names)s") % {"names": ", ".join(sorted(s.name for s in assessment.sites.all())) or "—"},
        _("retention policies: %(names)s")
        % {"names": ", ".join(sorted(str(p) for p in assessment.retention_policies.all())) or "—"},
    ]

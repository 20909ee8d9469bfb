"""Screening a processing, and starting its assessment from the screening."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from compliance.access_log import record_access
from dpia.models import Assessment, QuestionnaireTemplate, Screening
from dpia.screening import clean_answers, register_facts, screening_verdict
from dpia.screening_prefill import prefill
from dpia.services.assessments import assessment_create
from dpia.services.common import DpiaError, current_version, record_event


def screening_create(
    *, actor: Any, title: str, cameras: Iterable[Any], answers: dict[str, Any], ip: str | None = None
) -> Screening:
    """Store the answers with a snapshot of the cameras' register entries and the verdict they lead to."""
    title = title.strip()
    if not title:
        raise DpiaError(_("Name the processing you are screening."))
    cameras = list(cameras)
    answers = clean_answers(answers)
    facts = register_facts(cameras)
    verdict, reasons = screening_verdict(answers, facts)
    with transaction.atomic():
        screening = Screening.objects.create(
            title=title,
            answers=answers,
            register=facts,
            verdict=verdict,
            reasons=reasons,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        screening.cameras.set(cameras)
        record_access(
            actor=actor,
            action="dpia.screening_create",
            target=screening,
            reason=f"{title}: {verdict}",
            ip=ip,
        )
    return screening


def default_template() -> QuestionnaireTemplate:
    """The template new assessments start from: the default one, else any."""
    template = QuestionnaireTemplate.objects.filter(is_default=True).first() or QuestionnaireTemplate.objects.first()
    if template is None:
        raise DpiaError(
            _("No questionnaire template is installed; ask an administrator to load one (manage.py migrate).")
        )
    return template


def screening_start_assessment(*, screening: Screening, actor: Any, ip: str | None = None) -> Assessment:
    """The assessment of the screened processing, pre-filled from the register and the answers.

    One assessment per screening: a second start is refused, naming the first.
    """
    with transaction.atomic():
        screening = Screening.objects.select_for_update().get(pk=screening.pk)
        started = Assessment.objects.filter(screening=screening).first()
        if started is not None:
            raise DpiaError(
                _("This screening already started %(reference)s; continue there.") % {"reference": started.reference}
            )
        start = prefill(screening)
        assessment = assessment_create(
            actor=actor,
            title=screening.title,
            template=default_template(),
            cameras=start.cameras,
            sites=start.sites,
            policies=start.policies,
            answers=start.answers,
            document=start.document,
            screening=screening,
            ip=ip,
        )
        record_event(
            assessment,
            version=current_version(assessment),
            actor=actor,
            action="from_screening",
            summary=_("Pre-filled from the screening “%(title)s” (%(verdict)s).")
            % {"title": screening.title, "verdict": screening.get_verdict_display()},
            log=False,
        )
    return assessment

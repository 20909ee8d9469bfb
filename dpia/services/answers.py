"""Saving the answers to one section of a version's questionnaire."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dpia.models import AssessmentVersion, EffortRole
from dpia.questionnaire import find_section
from dpia.services.common import DpiaError, lock, record_event, require_draft


def version_answers_save(
    *, version: AssessmentVersion, section_key: str, answers: dict[str, Any], actor: Any
) -> AssessmentVersion:
    """Replace the answers of one section of a draft version with `answers`.

    `answers` are cleaned (`dpia.questionnaire.clean_section_answers`); every question of
    the section not in them ends unanswered, so a question now hidden loses its old
    answer. Answers of other sections are kept; keys that are not questions of the
    section are ignored.
    """
    with transaction.atomic():
        assessment = lock(version.assessment)
        version = AssessmentVersion.objects.get(pk=version.pk)
        require_draft(version)
        section = find_section(version.template, section_key)
        if section is None:
            raise DpiaError(_("This questionnaire has no section “%(section)s”.") % {"section": section_key})
        own = [question["key"] for question in section.get("questions", [])]
        kept = {key: value for key, value in version.answers.items() if key not in own}
        version.answers = kept | {key: answers[key] for key in own if key in answers}
        version.save(update_fields=["answers"])
        record_event(
            assessment,
            version=version,
            actor=actor,
            action="answers",
            summary=_("Answers to the section “%(section)s” saved.") % {"section": section.get("title", section_key)},
            role=EffortRole.AUTHOR,
            log=False,
        )
    return version

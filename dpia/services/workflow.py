"""The path of a version from draft to decision, one function per step:

draft → submitted → (each section evaluated) → evaluated → DPO opinion → approved / rejected

(submitted or evaluated → draft again when an evaluator returns it for correction). Each
step locks the assessment, re-reads the version under that lock, checks the step is
allowed from its status, writes, and records the event (history and access log) in one
transaction. The decisions (opinion, approval, rejection) are in `dpia.services.decisions`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dpia.models import AssessmentVersion, EffortRole, SectionEvaluation, SectionVerdict, VersionStatus
from dpia.questionnaire import answered, section_questions
from dpia.services.common import DpiaError, lock, record_event

# Verdicts that tell the author what to change, so they must say what.
NEEDS_COMMENT = (SectionVerdict.TO_CORRECT, SectionVerdict.IMPROVABLE)


def locked_version(version: AssessmentVersion) -> AssessmentVersion:
    """Lock the version's assessment and read the version again, inside the caller's transaction."""
    lock(version.assessment)
    return AssessmentVersion.objects.select_related("assessment").get(pk=version.pk)


def require_status(version: AssessmentVersion, allowed: tuple[str, ...], *, doing: str) -> None:
    if version.status not in allowed:
        raise DpiaError(
            _("Version %(number)s is %(status)s, so you cannot %(doing)s now.")
            % {"number": version.number, "status": version.get_status_display().lower(), "doing": doing}
        )


def missing_for_submission(version: AssessmentVersion) -> list[str]:
    """What must still be filled in before the version can be submitted, in words."""
    missing = [
        _("“%(question)s” (section “%(section)s”)") % {"question": question["label"], "section": section["title"]}
        for section, question in _visible_questions(version)
        if question.get("required") and not answered(version.answers.get(question["key"]))
    ]
    if not version.stages.exists():
        missing.append(_("at least one stage in the data-flow map"))
    if not version.purposes.exists():
        missing.append(_("at least one purpose with its legal basis"))
    if not version.risks.exists():
        missing.append(_("at least one assessed risk"))
    return missing


def _visible_questions(version: AssessmentVersion) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for section in version.sections():
        for question in section_questions(section, version.answers):
            yield section, question


def version_submit(*, version: AssessmentVersion, actor: Any, ip: str | None = None) -> AssessmentVersion:
    """Send a complete draft for evaluation.

    The evaluations and the DPO opinion of an earlier round are cleared: they judged
    content that may since have changed.
    """
    with transaction.atomic():
        version = locked_version(version)
        require_status(version, (VersionStatus.DRAFT,), doing=_("submit it"))
        missing = missing_for_submission(version)
        if missing:
            raise DpiaError(_("Before submitting, fill in: %(missing)s.") % {"missing": "; ".join(missing)})
        version.evaluations.all().delete()
        version.dpo_opinion = ""
        version.status = VersionStatus.SUBMITTED
        version.submitted_at = timezone.now()
        version.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
        version.save(update_fields=["status", "submitted_at", "submitted_by", "dpo_opinion"])
        record_event(
            version.assessment,
            version=version,
            actor=actor,
            action="submit",
            summary=_("Version %(number)s submitted for evaluation.") % {"number": version.number},
            ip=ip,
        )
    return version


def section_evaluate(
    *,
    version: AssessmentVersion,
    section: str,
    verdict: str,
    comment: str,
    actor: Any,
    ip: str | None = None,
) -> SectionEvaluation:
    """Record (or revise) the evaluation of one section; the last one moves the version to evaluated.

    The evaluator must not be the person who submitted the version (four eyes). An
    evaluation may still be revised once the version is evaluated, until the DPO decides.
    """
    comment = comment.strip()
    with transaction.atomic():
        version = locked_version(version)
        require_status(version, (VersionStatus.SUBMITTED, VersionStatus.EVALUATED), doing=_("evaluate it"))
        if version.submitted_by_id is not None and version.submitted_by_id == getattr(actor, "pk", None):
            raise DpiaError(_("You submitted this version, so someone else must evaluate it (four-eyes principle)."))
        titles = {item["key"]: item["title"] for item in version.sections()}
        if section not in titles:
            raise DpiaError(_("This questionnaire has no section “%(section)s”.") % {"section": section})
        if verdict not in SectionVerdict.values:
            raise DpiaError(_("Choose an evaluation: to correct, improvable or acceptable."))
        if verdict in NEEDS_COMMENT and not comment:
            raise DpiaError(
                _("Say what should change in “%(section)s”: a comment is needed for “%(verdict)s”.")
                % {"section": titles[section], "verdict": SectionVerdict(verdict).label}
            )
        evaluation, _created = SectionEvaluation.objects.update_or_create(
            version=version,
            section=section,
            defaults={"verdict": verdict, "comment": comment, "evaluator": _user(actor)},
        )
        done = set(version.evaluations.values_list("section", flat=True))
        if version.status == VersionStatus.SUBMITTED and done >= set(titles):
            version.status = VersionStatus.EVALUATED
            version.save(update_fields=["status"])
        record_event(
            version.assessment,
            version=version,
            actor=actor,
            action="evaluate",
            summary=_("Section “%(section)s” evaluated: %(verdict)s.")
            % {"section": titles[section], "verdict": SectionVerdict(verdict).label.lower()},
            role=EffortRole.EVALUATOR,
            ip=ip,
        )
    return evaluation


def version_return_for_correction(
    *, version: AssessmentVersion, actor: Any, ip: str | None = None
) -> AssessmentVersion:
    """Send the version back to its author as a draft when a section is to correct.

    The evaluations stay, for the author to read; the next submission clears them.
    """
    with transaction.atomic():
        version = locked_version(version)
        require_status(version, (VersionStatus.SUBMITTED, VersionStatus.EVALUATED), doing=_("return it for correction"))
        if not version.evaluations.filter(verdict=SectionVerdict.TO_CORRECT).exists():
            raise DpiaError(_("Mark at least one section “to correct”, with a comment, before returning the version."))
        version.status = VersionStatus.DRAFT
        version.save(update_fields=["status"])
        record_event(
            version.assessment,
            version=version,
            actor=actor,
            action="return",
            summary=_("Version %(number)s returned to its author for correction.") % {"number": version.number},
            role=EffortRole.EVALUATOR,
            ip=ip,
        )
    return version


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None

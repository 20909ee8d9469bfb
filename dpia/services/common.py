"""What every DPIA service shares: its error, the lock on an assessment, and the event
record that every change writes (history, access log, effort) in the same transaction."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.access_log import record_access
from dpia.models import Assessment, AssessmentEvent, AssessmentVersion, EffortRole


class DpiaError(Exception):
    """A change the services refuse; `message` tells the person what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def lock(assessment: Assessment) -> Assessment:
    """The assessment's row, locked until the end of the caller's transaction, freshly read."""
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def current_version(assessment: Assessment) -> AssessmentVersion:
    version = assessment.versions.order_by("-number").first()
    if version is None:
        raise DpiaError("This assessment has no version.")
    return version


def require_draft(version: AssessmentVersion) -> None:
    """Only a draft is edited; submitted versions wait for their evaluation, decided ones are frozen."""
    if not version.editable:
        raise DpiaError(
            _("Version %(number)s is %(status)s and can no longer be changed; start a new version to continue.")
            % {"number": version.number, "status": version.get_status_display().lower()}
        )


def record_event(
    assessment: Assessment,
    *,
    version: AssessmentVersion | None,
    actor: Any,
    action: str,
    summary: str = "",
    role: str = EffortRole.AUTHOR,
    ip: str | None = None,
    log: bool = True,
) -> AssessmentEvent:
    """Write the history entry (and, for steps that matter to an audit, the access-log entry).

    Edits of the content are many and small: they go to the history only (`log=False`);
    creation, submission, evaluation and decisions go to the access log as well.
    """
    assert transaction.get_connection().in_atomic_block, "record_event runs inside the change's transaction"
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AssessmentEvent.objects.create(
        assessment=assessment,
        version_number=version.number if version is not None else 0,
        at=timezone.now(),
        actor=user,
        role=role if user is not None else "",
        action=action,
        summary=summary,
    )
    if log:
        record_access(actor=actor, action=f"dpia.{action}", target=assessment, reason=summary or action, ip=ip)
    return event


Row = TypeVar("Row", bound=Model)


def locked_draft(version: AssessmentVersion) -> AssessmentVersion:
    """`version` freshly read under the assessment's lock; DpiaError unless it is a draft.

    Every content edit calls it first, inside the change's transaction: a version
    submitted meanwhile must not change under the evaluator.
    """
    lock(version.assessment)
    version = AssessmentVersion.objects.select_related("assessment").get(pk=version.pk)
    require_draft(version)
    return version


def refetch(rows: QuerySet[Row], pk: int) -> Row:
    """The row read again under the lock: someone may have removed it since the page was shown."""
    row = rows.filter(pk=pk).first()
    if row is None:
        raise DpiaError(_("Someone removed this meanwhile; reload the page to see the assessment as it is now."))
    return row


def record_edit(version: AssessmentVersion, actor: Any, action: str, summary: str) -> None:
    """The history entry of a content edit by an author (not in the access log: edits are many and small)."""
    record_event(
        version.assessment,
        version=version,
        actor=actor,
        action=action,
        summary=summary,
        role=EffortRole.AUTHOR,
        log=False,
    )

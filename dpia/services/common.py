"""What every DPIA service shares: its error, the lock on an assessment, and the event
record that every change writes (history, access log, effort) in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

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
    from django.utils.translation import gettext as _

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

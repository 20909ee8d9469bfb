"""Erasure, objection and restriction requests: the decision, and the erasure of the
footage an approved erasure covers."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.access_log import record_access
from compliance.models import DeletedItem, DeletionCertificate, PendingFileDeletion, RetentionCategory
from compliance.retention.registry import Item
from dsar.models import DataSubjectRequest, Decision, RequestKind, Status, TimelineKind
from dsar.services.common import DsarError, TransitionError, lock, record_step, require_reasons, require_status
from dsar.services.preservation import release_own_holds, scope_cameras
from dsar.services.side_states import dsar_refuse
from dsar.services.workflow import transition
from media_processing.models import Clip, ClipStatus, Recording, RecordingStatus
from media_processing.services.retention import HeldError, delete_footage, footage_item

logger = logging.getLogger(__name__)

DECIDABLE = (Status.VERIFIED, Status.SEARCHING, Status.IN_REVIEW)
GRANTED = (Decision.GRANTED, Decision.PARTLY_GRANTED)


def dsar_decide(
    *, actor: Any, request: DataSubjectRequest, decision: str, reasons: str, ip: str | None = None
) -> DataSubjectRequest:
    """Record the decision on an erasure, objection or restriction request, with its reasons.

    Granted or partly granted: the ticket is approved, and for an erasure request the
    footage it covers is erased at once (`dsar_erase_footage`), in the same transaction.
    Refused: the request is refused as by `dsar_refuse`, with the refusal letter."""
    if request.kind == RequestKind.ACCESS:
        raise TransitionError(
            _("%(reference)s is an access request: approve or refuse it instead of recording a decision.")
            % {"reference": request.reference}
        )
    if decision not in Decision.values:
        raise DsarError(_("%(value)r is not a known decision.") % {"value": decision})
    reasons = require_reasons(reasons, what=_("the decision"))
    with transaction.atomic():
        require_status(lock(request), DECIDABLE, doing=_("decided"))
        if decision == Decision.REFUSED:
            return dsar_refuse(actor=actor, request=request, reasons=reasons, ip=ip)

        def record(ticket: DataSubjectRequest) -> None:
            ticket.decision = decision
            ticket.decision_reasons = reasons

        label = Decision(decision).label
        ticket = transition(
            request, actor=actor, to=Status.APPROVED, allowed=DECIDABLE, verb="decide", doing=_("decided"),
            note=_("Decision: %(decision)s. Reasons: %(reasons)s") % {"decision": label, "reasons": reasons},
            ip=ip, before=record, kind=TimelineKind.DECISION,
        )  # fmt: skip
        if ticket.kind == RequestKind.ERASURE:
            dsar_erase_footage(actor=actor, request=ticket, ip=ip)
    return ticket


@dataclass
class KeptFootage:
    label: str
    camera_name: str
    start: datetime | None
    end: datetime | None
    references: list[str]


@dataclass
class ErasureResult:
    certificate: DeletionCertificate
    deleted: list[Item] = field(default_factory=list)
    kept: list[KeptFootage] = field(default_factory=list)


def _footage(ticket: DataSubjectRequest) -> list[Recording | Clip]:
    cameras = scope_cameras(ticket)
    found: dict[tuple[str, int], Recording | Clip] = {}
    for window in ticket.windows.all():
        recordings = Recording.objects.filter(
            camera__in=cameras, status=RecordingStatus.READY, start__lt=window.end, end__gt=window.start
        )
        clips = Clip.objects.filter(
            camera__in=cameras, requested_start__lt=window.end, requested_end__gt=window.start
        ).exclude(status=ClipStatus.PENDING)
        for recording in recordings.select_related("camera"):
            found[("recording", recording.pk)] = recording
        for clip in clips.select_related("camera"):
            found[("clip", clip.pk)] = clip
    return [found[key] for key in sorted(found)]


def _item(footage: Recording | Clip, ticket: DataSubjectRequest) -> Item:
    item = footage_item(
        footage,
        category=RetentionCategory.RAW_FOOTAGE,
        policy={"erasure": ticket.reference, "decision": ticket.decision},
    )
    item.label = _("%(label)s (erasure, %(ref)s)") % {"label": item.label, "ref": ticket.reference}
    return item


def dsar_erase_footage(*, actor: Any, request: DataSubjectRequest, ip: str | None = None) -> ErasureResult:
    """Erase the footage of the ticket's cameras (and its sites' cameras) over its windows.

    First the ticket's own preservation holds are released (each release in the access
    log). Footage another hold keeps is kept and reported. Crash-safe like the retention
    sweep: the rows go in one transaction that records each file as a pending deletion,
    and the files are removed only once it commits. The deletion certificate lists every
    item with its files' SHA-256."""
    with transaction.atomic():
        ticket = lock(request)
        require_status(ticket, (Status.APPROVED,), doing=_("erased"))
        if ticket.kind != RequestKind.ERASURE or ticket.decision not in GRANTED:
            raise TransitionError(
                _("%(reference)s is not an erasure request granted in whole or in part.")
                % {"reference": ticket.reference}
            )
        release_own_holds(
            ticket, actor=actor, reason=_("Erasure granted for %(ref)s.") % {"ref": ticket.reference}, ip=ip
        )
        result = ErasureResult(
            certificate=DeletionCertificate.objects.create(
                started_at=timezone.now(),
                policies=[
                    {"category": RetentionCategory.RAW_FOOTAGE, "action": "erasure", "request": ticket.reference}
                ],
            )
        )
        pending: list[PendingFileDeletion] = []
        for footage in _footage(ticket):
            item = _item(footage, ticket)
            try:
                with transaction.atomic():
                    deleted = delete_footage(type(footage).objects.select_for_update().get(pk=footage.pk), item)
            except HeldError as held:
                result.kept.append(KeptFootage(item.label, item.camera_name, item.start, item.end, held.references))
                continue
            result.deleted.append(deleted)
            pending += [PendingFileDeletion.objects.create(path=file["path"]) for file in deleted.files if file["path"]]
            DeletedItem.objects.create(
                certificate=result.certificate, category=deleted.category, label=deleted.label[:200],
                camera_name=deleted.camera_name[:200], start=deleted.start, end=deleted.end, size=deleted.size,
                files=deleted.files, policy=deleted.policy, deleted_at=timezone.now(),
            )  # fmt: skip
        result.certificate.finished_at = timezone.now()
        result.certificate.save(update_fields=["finished_at"])
        _record(ticket, result, actor=actor, ip=ip)
        transaction.on_commit(lambda: _remove_files(pending))
    return result


def _record(ticket: DataSubjectRequest, result: ErasureResult, *, actor: Any, ip: str | None) -> None:
    size = sum(item.size for item in result.deleted)
    message = _("%(count)s recordings and clips erased, %(bytes)s bytes (deletion certificate #%(pk)s).") % {
        "count": len(result.deleted),
        "bytes": size,
        "pk": result.certificate.pk,
    }
    if result.kept:
        kept = "; ".join(f"{row.label} ({', '.join(row.references)})" for row in result.kept)
        message += " " + _("Kept by another legal hold: %(kept)s.") % {"kept": kept}
    record_step(ticket, actor=actor, verb="erase", kind=TimelineKind.ERASURE, message=message, ip=ip)
    record_access(
        actor=actor,
        action="retention.erasure",
        target=result.certificate,
        reason=f"{ticket.reference}: {message}",
        ip=ip,
    )


def _remove_files(pending: list[PendingFileDeletion]) -> None:
    for row in pending:
        try:
            if default_storage.exists(row.path):
                default_storage.delete(row.path)
        except OSError:
            logger.exception("Could not remove %s; the next retention sweep tries again", row.path)
            continue
        PendingFileDeletion.objects.filter(pk=row.pk).delete()

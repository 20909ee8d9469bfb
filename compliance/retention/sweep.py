"""The sweep: delete every expired, unheld item, one short transaction each.

Crash safety: an item's rows are deleted in one transaction that also records each of
its files as a `PendingFileDeletion`; the files are removed only after that commits.
A crash before the commit changes nothing; a crash after it leaves files that only
the pending rows point at, and every sweep starts by removing those. So no row ever
points at a missing file, and no file is left behind untracked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from compliance.access_log import record_access
from compliance.models import DeletedItem, DeletionCertificate, JobRun, PendingFileDeletion, RetentionPolicy
from compliance.retention.registry import Item, RetentionHandler, handlers

logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    dry_run: bool
    deleted: list[Item] = field(default_factory=list)  # in a dry run: what would be deleted
    held: list[Item] = field(default_factory=list)
    certificate: DeletionCertificate | None = None
    pending_files_removed: int = 0

    @property
    def bytes(self) -> int:
        return sum(item.size for item in self.deleted)


def expired_items(now: datetime) -> list[tuple[RetentionHandler, Item]]:
    return [(handler, item) for handler in handlers() for item in handler.expired(now)]


def finish_pending_deletions() -> int:
    """Remove the files whose rows an earlier sweep deleted before it stopped."""
    removed = 0
    for pending in PendingFileDeletion.objects.order_by("pk").iterator():
        _remove_file(pending)
        removed += 1
    return removed


def _remove_file(pending: PendingFileDeletion) -> None:
    if pending.path and default_storage.exists(pending.path):
        default_storage.delete(pending.path)
    PendingFileDeletion.objects.filter(pk=pending.pk).delete()


def sweep(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    progress: Callable[..., None] | None = None,
    job: JobRun | None = None,
) -> SweepResult:
    """Apply the retention schedule at `now`. A dry run only lists what a real run would delete."""
    now = now or timezone.now()
    result = SweepResult(dry_run=dry_run)
    if not dry_run:
        result.pending_files_removed = finish_pending_deletions()
    work = expired_items(now)
    if not dry_run:
        result.certificate = DeletionCertificate.objects.create(
            started_at=timezone.now(),
            policies=[policy.snapshot() for policy in RetentionPolicy.objects.all()],
            job=job,
        )
    for number, (handler, item) in enumerate(work, start=1):
        if item.held_by:
            result.held.append(item)
        elif dry_run:
            result.deleted.append(item)
        else:
            assert result.certificate is not None
            deleted = _delete_one(handler, item, now, result.certificate)
            if deleted is not None:
                result.deleted.append(deleted)
        if progress and number % 50 == 0:
            progress(number * 100 // len(work), f"{number} of {len(work)} items checked")
    if result.certificate is not None:
        _finish_certificate(result)
    return result


def _delete_one(handler: RetentionHandler, item: Item, now: datetime, certificate: DeletionCertificate) -> Item | None:
    with transaction.atomic():
        deleted = handler.delete(item, now)
        if deleted is None:
            return None
        pending = [PendingFileDeletion.objects.create(path=file["path"]) for file in deleted.files if file["path"]]
        DeletedItem.objects.create(
            certificate=certificate,
            category=deleted.category,
            label=deleted.label[:200],
            camera_name=deleted.camera_name[:200],
            start=deleted.start,
            end=deleted.end,
            size=deleted.size,
            files=deleted.files,
            policy=deleted.policy,
            deleted_at=timezone.now(),
        )
    for row in pending:
        try:
            _remove_file(row)
        except OSError:
            logger.exception("Could not remove %s; the next sweep tries again", row.path)
    return deleted


def _finish_certificate(result: SweepResult) -> None:
    certificate = result.certificate
    assert certificate is not None
    with transaction.atomic():
        certificate.finished_at = timezone.now()
        certificate.save(update_fields=["finished_at"])
        record_access(
            actor=None,
            action="retention.sweep",
            target=certificate,
            reason=f"{len(result.deleted)} items deleted, {result.bytes} bytes; {len(result.held)} kept by a hold",
        )


def sweep_task(job: JobRun, progress: Callable[..., None]) -> dict[str, object]:
    """The RQ job: a real sweep with progress; its certificate is linked to the job row."""
    result = sweep(progress=progress, job=job)
    return {
        "deleted": len(result.deleted),
        "bytes": result.bytes,
        "held": len(result.held),
        "certificate": result.certificate.pk if result.certificate else None,
    }


def start_sweep_job() -> None:
    """Cron entry: queue a sweep as a job people can watch."""
    from compliance.jobs import start_job

    start_job(kind="retention.sweep", task="compliance.retention.sweep.sweep_task")

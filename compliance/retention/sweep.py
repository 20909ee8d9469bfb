"""The sweep: delete every expired, unheld item, in short transactions of a chunk each.

Crash safety: a chunk's rows are deleted in one transaction that also records each of
their files as a `PendingFileDeletion`; the files are removed only after that commits.
A crash before the commit changes nothing; a crash after it leaves files that only
the pending rows point at, and every sweep starts by removing those. So no row ever
points at a missing file, and no file is left behind untracked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from compliance.access_log import record_access
from compliance.models import DeletedItem, DeletionCertificate, JobRun, PendingFileDeletion, RetentionPolicy
from compliance.retention.registry import Item, RetentionHandler, delete_items, handlers

logger = logging.getLogger(__name__)

# Items deleted per transaction: long enough to share the commit, short enough that
# ingestion waiting for the database lock is not held up noticeably.
CHUNK_SIZE = 100


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
        for handler in handlers():
            if hasattr(handler, "clean_up"):
                handler.clean_up()
    work = expired_items(now)
    if not dry_run:
        result.certificate = DeletionCertificate.objects.create(
            started_at=timezone.now(),
            policies=[policy.snapshot() for policy in RetentionPolicy.objects.all()],
            job=job,
        )
    checked = 0
    for handler, chunk in _chunks(work):
        if dry_run:
            result.held.extend(item for item in chunk if item.held_by)
            result.deleted.extend(item for item in chunk if not item.held_by)
        else:
            assert result.certificate is not None
            result.held.extend(item for item in chunk if item.held_by)
            result.deleted.extend(_delete_chunk(handler, [i for i in chunk if not i.held_by], now, result.certificate))
        checked += len(chunk)
        if progress:
            progress(checked * 100 // len(work), f"{checked} of {len(work)} items checked")
    if result.certificate is not None:
        _finish_certificate(result)
    return result


def _chunks(work: list[tuple[RetentionHandler, Item]]) -> Iterator[tuple[RetentionHandler, list[Item]]]:
    """Runs of at most CHUNK_SIZE items of one handler (or the handler's own chunk size:
    one, for work as slow as anonymising), in the listed order."""
    for handler, run in groupby(work, key=lambda pair: pair[0]):
        items = [item for _handler, item in run]
        size = getattr(handler, "chunk_size", CHUNK_SIZE)
        for start in range(0, len(items), size):
            yield handler, items[start : start + size]


def _delete_chunk(
    handler: RetentionHandler, items: list[Item], now: datetime, certificate: DeletionCertificate
) -> list[Item]:
    """Delete a chunk's rows in one transaction, each item checked again under its lock;
    then remove their files. One commit per chunk instead of per item is what makes a
    sweep of 100,000 recordings take minutes rather than a quarter of an hour."""
    if not items:
        return []
    prepare = getattr(handler, "prepare", None)
    if prepare is not None:
        items = [item for item in items if prepare(item)]
    with transaction.atomic():
        deleted = delete_items(handler, items, now)
        pending = PendingFileDeletion.objects.bulk_create(
            PendingFileDeletion(path=file["path"]) for item in deleted for file in item.files if file["path"]
        )
        stamp = timezone.now()
        DeletedItem.objects.bulk_create(
            DeletedItem(
                certificate=certificate,
                category=item.category,
                action=item.action,
                label=item.label[:200],
                camera_name=item.camera_name[:200],
                start=item.start,
                end=item.end,
                size=item.size,
                files=item.files,
                policy=item.policy,
                deleted_at=stamp,
            )
            for item in deleted
        )
    _remove_files(pending)
    return deleted


def _remove_files(pending: list[PendingFileDeletion]) -> None:
    removed = []
    for row in pending:
        try:
            if row.path and default_storage.exists(row.path):
                default_storage.delete(row.path)
            removed.append(row.pk)
        except OSError:
            logger.exception("Could not remove %s; the next sweep tries again", row.path)
    PendingFileDeletion.objects.filter(pk__in=removed).delete()


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

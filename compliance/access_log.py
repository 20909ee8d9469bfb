"""Writing and verifying the tamper-evident access log.

Each entry's hash is the SHA-256 of a canonical JSON serialisation of its fields,
the previous entry's hash included; the head row holds the newest sequence number
and hash. Changing, inserting or removing any row, even with raw SQL, breaks a link
that `verify_chain` reports.

The one sanctioned removal is `prune_access_log`, run by the retention sweep: it
removes the oldest entries, records on the head where the remaining chain starts
(the last removed entry's number and hash), and writes an `access_log.prune` entry
naming that point, so verification still checks every link that is left, and an
anchor moved without such an entry is reported.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone as dj_timezone

from compliance.models import AccessEvent, AccessLogHead

GENESIS_HASH = "0" * 64


def canonical_bytes(
    *,
    seq: int,
    timestamp: datetime,
    actor_id: int | None,
    actor_username: str,
    action: str,
    target_type: str,
    target_id: str,
    reason: str,
    ip: str | None,
    prev_hash: str,
) -> bytes:
    payload = {
        "seq": seq,
        "timestamp": timestamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": actor_id,
        "actor_username": actor_username,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "reason": reason,
        "ip": ip,
        "prev_hash": prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(event: AccessEvent) -> str:
    data = canonical_bytes(
        seq=event.seq,
        timestamp=event.timestamp,
        actor_id=event.actor_id,
        actor_username=event.actor_username,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        reason=event.reason,
        ip=event.ip,
        prev_hash=event.prev_hash,
    )
    return hashlib.sha256(data).hexdigest()


def target_label(target: models.Model) -> tuple[str, str]:
    meta = target._meta
    return f"{meta.app_label}.{meta.model_name}", str(target.pk)


def record_access(*, actor: Any, action: str, target: models.Model, reason: str, ip: str | None = None) -> AccessEvent:
    """Append one entry. `actor` is a user, or None for the system.

    Runs in its own atomic block; inside a caller's transaction the entry commits or
    rolls back with the caller's change.
    """
    target_type, target_id = target_label(target)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        head = AccessLogHead.objects.select_for_update().get(pk=1)
        event = AccessEvent(
            seq=head.seq + 1,
            timestamp=dj_timezone.now(),
            actor_id=actor.pk if is_user else None,
            actor_username=actor.get_username() if is_user else "system",
            action=action,
            target_type=target_type,
            target_id=target_id,
            reason=reason,
            ip=ip or None,
            prev_hash=head.hash,
        )
        event.hash = entry_hash(event)
        event.save(force_insert=True)
        AccessLogHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    explanation: str

    def __str__(self) -> str:
        return f"entry #{self.seq}: {self.explanation}"


@dataclass(frozen=True)
class ChainReport:
    entries_checked: int
    head_seq: int
    head_hash: str
    problem: ChainProblem | None
    starts_after: int = 0  # entries up to this number were removed under the retention schedule

    @property
    def intact(self) -> bool:
        return self.problem is None


def _entries() -> Iterator[AccessEvent]:
    return AccessEvent.objects.order_by("seq").iterator(chunk_size=2000)


def verify_chain(progress: Any = None) -> ChainReport:
    """Walk the whole log in order and return the first broken link, if any."""
    head = AccessLogHead.objects.get(pk=1)
    start = head.pruned_seq
    expected_seq, previous_hash, checked = start + 1, head.pruned_hash or GENESIS_HASH, 0
    if start and not _prune_recorded(start):
        unrecorded = ChainProblem(
            start + 1, f"the chain is said to start after entry #{start}, but no entry records that pruning"
        )
        return ChainReport(checked, head.seq, head.hash, unrecorded, start)
    for event in _entries():
        problem = _check_link(event, expected_seq, previous_hash)
        if problem:
            return ChainReport(checked, head.seq, head.hash, problem, start)
        checked += 1
        expected_seq, previous_hash = event.seq + 1, event.hash
        if progress and head.seq and checked % 5000 == 0:
            progress(min(99, checked * 100 // head.seq), f"{checked} entries checked")
    last_seq = expected_seq - 1
    if (last_seq, previous_hash) != (head.seq, head.hash):
        problem = ChainProblem(
            last_seq + 1 if head.seq > last_seq else head.seq,
            f"the log ends at entry #{last_seq} but the chain head records entry #{head.seq}: "
            "entries were removed from the end of the log, or the head was altered",
        )
        return ChainReport(checked, head.seq, head.hash, problem, start)
    return ChainReport(checked, head.seq, head.hash, None, start)


def _prune_note(through_seq: int) -> str:
    return f"entries up to #{through_seq} removed under the retention schedule"


def _prune_recorded(through_seq: int) -> bool:
    return AccessEvent.objects.filter(
        action="access_log.prune", seq__gt=through_seq, reason__startswith=_prune_note(through_seq)
    ).exists()


def prune_access_log(*, through_seq: int, older_than: datetime) -> tuple[int, datetime, datetime] | None:
    """Remove the oldest entries, up to `through_seq`, provided every one of them is older
    than `older_than`; inside the caller's transaction. Returns (count, first, last time)
    or None when there is nothing (left) to remove."""
    head = AccessLogHead.objects.select_for_update().get(pk=1)
    doomed = AccessEvent.objects.filter(seq__gt=head.pruned_seq, seq__lte=through_seq)
    span = doomed.aggregate(count=models.Count("seq"), first=models.Min("timestamp"), last=models.Max("timestamp"))
    if not span["count"] or span["last"] >= older_than:
        return None
    last = AccessEvent.objects.get(seq=through_seq)
    models.QuerySet.delete(doomed)  # the append-only queryset refuses; this is the sanctioned removal
    AccessLogHead.objects.filter(pk=1).update(pruned_seq=last.seq, pruned_hash=last.hash)
    record_access(
        actor=None,
        action="access_log.prune",
        target=head,
        reason=f"{_prune_note(through_seq)}; the chain continues from hash {last.hash}",
    )
    return span["count"], span["first"], span["last"]


def _check_link(event: AccessEvent, expected_seq: int, previous_hash: str) -> ChainProblem | None:
    if event.seq != expected_seq:
        if event.seq > expected_seq:
            return ChainProblem(expected_seq, f"missing: the log jumps from #{expected_seq - 1} to #{event.seq}")
        return ChainProblem(event.seq, "out of sequence")
    if event.prev_hash != previous_hash:
        return ChainProblem(event.seq, "does not link to the entry before it: an entry was inserted or replaced")
    if entry_hash(event) != event.hash:
        return ChainProblem(event.seq, "its content does not match its hash: the entry was altered")
    return None

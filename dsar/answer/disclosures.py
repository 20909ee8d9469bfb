"""The disclosure register: to whom footage went (police, insurers, processors...), which
cameras and time it covered, when and why. Answers to access requests name the
recipients of the requester's footage from it (Art. 15(1)(c)), so an entry must be
made whenever footage leaves the organisation.

`disclosure_save` is the one writer (page and admin alike); `recipients_for` is the read
the cover letter uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from compliance.access_log import record_access
from dsar.models import Disclosure
from media_processing.models import Camera


@dataclass(frozen=True)
class Scope:
    """Footage of one camera over [start, end): what an answer is about."""

    camera_id: int
    start: datetime
    end: datetime


def disclosure_save(
    *, actor: Any, disclosure: Disclosure, cameras: Iterable[Camera], ip: str | None = None
) -> Disclosure:
    """Create or change one entry of the register with its cameras; the access log
    records who wrote it and the recipient (the register is itself evidence)."""
    adding = disclosure.pk is None
    with transaction.atomic():
        if adding and getattr(actor, "is_authenticated", False):
            disclosure.recorded_by = actor
        disclosure.save()
        disclosure.cameras.set(list(cameras))
        verb = "disclosure_add" if adding else "disclosure_change"
        when = disclosure.disclosed_on.isoformat() if disclosure.disclosed_on else "standing"
        reason = f"{disclosure.recipient} ({disclosure.kind}, {when})"
        if disclosure.reference:
            reason = f"{reason} [{disclosure.reference}]"
        record_access(actor=actor, action=f"dsar.{verb}", target=disclosure, reason=reason, ip=ip)
    return disclosure


def _overlapping(scope: Scope) -> Q:
    """Entries whose cameras and time window touch the scope; an entry naming no camera
    (or no window) is taken to cover every camera (or all time), so it is never missed."""
    cameras = Q(cameras__isnull=True) | Q(cameras=scope.camera_id)
    starts = Q(window_start__isnull=True) | Q(window_start__lt=scope.end)
    ends = Q(window_end__isnull=True) | Q(window_end__gt=scope.start)
    return cameras & starts & ends


def recipients_for(scopes: Sequence[Scope]) -> QuerySet[Disclosure]:
    """The recipients an answer must name: everyone who receives footage routinely, and
    every disclosure of footage overlapping one of `scopes`."""
    wanted = Q(standing=True)
    for scope in scopes:
        wanted |= _overlapping(scope)
    pks = Disclosure.objects.filter(wanted).values("pk")
    return Disclosure.objects.filter(pk__in=pks).prefetch_related("cameras").order_by("-standing", "disclosed_on", "pk")

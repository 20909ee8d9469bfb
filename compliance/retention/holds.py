"""Placing and releasing legal holds; what a hold covers is the footage app's business."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from compliance.access_log import record_access
from compliance.models import LegalHold


def legal_hold_place(
    *,
    actor: Any,
    reason: str,
    case_reference: str,
    review_on: date,
    cameras: Iterable[Any] = (),
    window_start: datetime | None = None,
    window_end: datetime | None = None,
    recordings: Iterable[Any] = (),
    ip: str | None = None,
) -> LegalHold:
    with transaction.atomic():
        hold = LegalHold.objects.create(
            reason=reason,
            case_reference=case_reference,
            review_on=review_on,
            window_start=window_start,
            window_end=window_end,
            placed_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        hold.cameras.set(list(cameras))
        hold.recordings.set(list(recordings))
        record_access(actor=actor, action="legal_hold.place", target=hold, reason=f"{case_reference}: {reason}", ip=ip)
    return hold


def legal_hold_release(*, hold: LegalHold, actor: Any, reason: str, ip: str | None = None) -> LegalHold:
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.released_at is not None:
            return hold
        hold.released_at = timezone.now()
        hold.released_by = actor if getattr(actor, "is_authenticated", False) else None
        hold.release_reason = reason
        hold.save(update_fields=["released_at", "released_by", "release_reason"])
        record_access(
            actor=actor, action="legal_hold.release", target=hold, reason=f"{hold.case_reference}: {reason}", ip=ip
        )
    return hold

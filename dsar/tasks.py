"""Periodic DSAR work run by `rq cron` (registered in compliance/cron.py)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from dsar.models import DataSubjectRequest
from dsar.services.clock import DEADLINE_FIELDS
from dsar.services.common import lock, recompute_deadlines
from dsar.services.preservation import release_preservation_holds

__all__ = ["refresh_paused_deadlines", "release_preservation_holds"]


def refresh_paused_deadlines(now: datetime | None = None) -> int:
    """Keep the due dates of tickets whose clock is paused current: while the requester is
    waited for, each day moves the deadline (suspend: one day later; restart: the period
    would start again today). Nothing happened on the ticket, so no timeline step is
    written; the resume writes one with the final date. Returns how many tickets changed."""
    changed = 0
    paused = DataSubjectRequest.objects.filter(pauses__ended_at__isnull=True).distinct()
    for pk in paused.values_list("pk", flat=True):
        with transaction.atomic():
            ticket = lock(DataSubjectRequest(pk=pk))
            if recompute_deadlines(ticket, now=now or timezone.now()):
                ticket.save(update_fields=DEADLINE_FIELDS)
                changed += 1
    return changed

"""DSAR handling figures for the compliance-effort page: counts and medians only, never a
requester or a handler's name.

Registered with `compliance.effort` in `DsarConfig.ready`, so the page (in the DPIA app)
shows them without importing this app.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from compliance.effort import total_seconds
from dsar.models import DataSubjectRequest, Status, TimelineEntry
from dsar.services.common import local_date

# Answered or refused: the requests that needed handling to the end (withdrawn ones did not).
HANDLED = (Status.CLOSED, Status.REFUSED)


def dsar_effort(now: datetime | None = None) -> dict[str, Any]:
    """Requests closed in the last 12 months; the median days from receipt to closing
    (local dates), and the median effort measured from the people's steps on each
    ticket's timeline (`compliance.effort.sittings`; automatic steps do not count)."""
    now = now or timezone.now()
    tickets = list(
        DataSubjectRequest.objects.filter(status__in=HANDLED, closed_at__gte=now - timedelta(days=365)).only(
            "pk", "received_at", "closed_at"
        )
    )
    days = [(local_date(t.closed_at) - local_date(t.received_at)).days for t in tickets if t.closed_at]
    steps: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    entries = TimelineEntry.objects.filter(request__in=tickets, actor__isnull=False)
    for request_id, actor_id, at in entries.values_list("request_id", "actor_id", "at"):
        steps[request_id].append((actor_id, at))
    hours = [total_seconds(steps[t.pk]) / 3600 for t in tickets]
    return {
        "closed": len(tickets),
        "median_days": statistics.median(days) if days else None,
        "median_hours": statistics.median(hours) if hours else None,
    }

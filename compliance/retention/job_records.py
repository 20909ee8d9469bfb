"""Finished background job records, deleted by their finish time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from compliance.models import JobRun, RetentionCategory
from compliance.models.jobs import ACTIVE_STATUSES
from compliance.retention.policies import category_cutoff
from compliance.retention.registry import Item


class JobRecords:
    category: str = RetentionCategory.JOB_RECORDS

    def expired(self, now: datetime) -> Iterator[Item]:
        limit, snapshot = category_cutoff(self.category, now)
        if limit is None:
            return
        rows = JobRun.objects.filter(finished_at__lt=limit).exclude(status__in=ACTIVE_STATUSES).order_by("pk")
        for job in rows.iterator():
            yield Item(
                category=self.category,
                model="compliance.jobrun",
                pk=job.pk,
                label=f"{job.kind_label} #{job.pk}",
                start=job.created_at,
                end=job.finished_at,
                policy=snapshot,
            )

    def delete(self, item: Item, now: datetime) -> Item | None:
        limit, _snapshot = category_cutoff(self.category, now)
        if limit is None:
            return None
        job = JobRun.objects.select_for_update().filter(pk=item.pk, finished_at__lt=limit).first()
        if job is None or job.is_active:
            return None
        job.delete()
        return item

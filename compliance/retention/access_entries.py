"""Access-log entries past their period, removed oldest first in blocks.

The log is a hash chain, so only its oldest end can go: `prune_access_log` removes a
block and records where the remaining chain starts. A block is one sweep item; its
certificate line names the entry numbers and the time they span.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import Max
from django.utils.translation import gettext as _

from compliance.access_log import prune_access_log
from compliance.models import AccessEvent, AccessLogHead, RetentionCategory
from compliance.retention.policies import category_cutoff
from compliance.retention.registry import Item

BLOCK = 10_000  # entries per certificate line


class AccessLogEntries:
    category: str = RetentionCategory.ACCESS_LOG

    def expired(self, now: datetime) -> Iterator[Item]:
        limit, snapshot = category_cutoff(self.category, now)
        if limit is None:
            return
        first = AccessLogHead.objects.get(pk=1).pruned_seq + 1
        last = AccessEvent.objects.filter(timestamp__lt=limit).aggregate(last=Max("seq"))["last"]
        if last is None or last < first:
            return
        for start in range(first, last + 1, BLOCK):
            end = min(start + BLOCK - 1, last)
            yield Item(
                category=self.category,
                model="compliance.accessevent",
                pk=end,
                label=_("Access log entries #%(first)s to #%(last)s") % {"first": start, "last": end},
                policy=snapshot,
            )

    def delete(self, item: Item, now: datetime) -> Item | None:
        limit, _snapshot = category_cutoff(self.category, now)
        if limit is None:
            return None
        removed = prune_access_log(through_seq=item.pk, older_than=limit)
        if removed is None:
            return None
        _count, item.start, item.end = removed
        return item

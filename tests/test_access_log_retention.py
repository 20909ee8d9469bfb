"""Old access-log entries removed under the retention schedule, the chain still verifiable."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from compliance.access_log import record_access, verify_chain
from compliance.models import AccessEvent, AccessLogHead, DeletedItem, Organisation, RetentionCategory, RetentionPolicy
from compliance.retention import access_entries
from compliance.retention.sweep import sweep

pytestmark = pytest.mark.django_db


def write_entries(count: int, *, days_ago: float) -> list[AccessEvent]:
    """Entries stamped `days_ago` (the log takes the time itself, so it is moved after)."""
    events = [
        record_access(actor=None, action="view", target=Organisation.current(), reason=f"old {i}") for i in range(count)
    ]
    return events


def delete_after(days: int) -> None:
    RetentionPolicy.objects.filter(category=RetentionCategory.ACCESS_LOG).update(
        period=days, unit="days", action="delete"
    )


def in_days(days: float) -> Any:
    return timezone.now() + timedelta(days=days)


def test_kept_by_default_so_nothing_is_pruned() -> None:
    write_entries(3, days_ago=0)
    assert not sweep(now=in_days(5000)).deleted
    assert AccessEvent.objects.count() == 4  # the three and the sweep's own entry
    assert verify_chain().intact


def test_entries_past_the_period_go_and_the_rest_still_verifies() -> None:
    old = write_entries(5, days_ago=0)
    delete_after(730)
    later = in_days(731)
    result = sweep(now=later)

    assert [item.category for item in result.deleted] == [RetentionCategory.ACCESS_LOG]
    assert not AccessEvent.objects.filter(seq__lte=old[-1].seq).exists()
    head = AccessLogHead.objects.get(pk=1)
    assert (head.pruned_seq, head.pruned_hash) == (old[-1].seq, old[-1].hash)
    prune = AccessEvent.objects.get(action="access_log.prune")
    assert f"up to #{old[-1].seq}" in prune.reason and old[-1].hash in prune.reason
    report = verify_chain()
    assert report.intact, report.problem
    assert report.starts_after == old[-1].seq
    line = DeletedItem.objects.get(category=RetentionCategory.ACCESS_LOG)
    assert line.label == f"Access log entries #1 to #{old[-1].seq}"
    assert line.start == old[0].timestamp and line.end == old[-1].timestamp


def test_entries_younger_than_the_period_stay() -> None:
    write_entries(3, days_ago=0)
    delete_after(730)
    assert not sweep(now=in_days(700)).deleted
    assert AccessEvent.objects.filter(action="view").count() == 3


def test_a_long_log_goes_in_blocks_each_on_the_certificate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access_entries, "BLOCK", 4)
    events = write_entries(10, days_ago=0)
    delete_after(1)
    result = sweep(now=in_days(2))
    labels = [item.label for item in result.deleted]
    assert labels == ["Access log entries #1 to #4", "Access log entries #5 to #8", "Access log entries #9 to #10"]
    assert AccessLogHead.objects.get(pk=1).pruned_seq == events[-1].seq
    assert verify_chain().intact


def test_a_second_prune_continues_from_the_first() -> None:
    write_entries(3, days_ago=0)
    delete_after(1)
    sweep(now=in_days(2))
    write_entries(2, days_ago=0)
    sweep(now=in_days(4))
    report = verify_chain()
    assert report.intact, report.problem
    assert AccessEvent.objects.filter(action="view").count() == 0


def test_an_anchor_moved_without_a_prune_entry_is_reported() -> None:
    events = write_entries(4, days_ago=0)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM compliance_accessevent WHERE seq <= %s", [2])
        cursor.execute("UPDATE compliance_accessloghead SET pruned_seq = %s, pruned_hash = %s", [2, events[1].hash])
    report = verify_chain()
    assert not report.intact
    assert "no entry records that pruning" in str(report.problem)
    with pytest.raises(CommandError, match="no entry records that pruning"):
        call_command("verify_access_log")


def test_oldest_entries_removed_around_the_sweep_are_still_reported() -> None:
    write_entries(4, days_ago=0)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM compliance_accessevent WHERE seq <= %s", [2])
    report = verify_chain()
    assert not report.intact and "missing" in str(report.problem)

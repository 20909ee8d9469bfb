"""The DSAR dashboard: overdue / due soon / on time, overall and per handler, on the DSAR
page and the main dashboard; and the monthly metrics with their chart and table."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dsar.models import DataSubjectRequest
from dsar.selectors import deadline_summary, monthly_metrics
from dsar.services import (
    dsar_approve,
    dsar_close,
    dsar_deliver,
    dsar_extend,
    dsar_refuse,
    dsar_send_to_review,
    dsar_start_search,
    dsar_verify_identity,
    dsar_withdraw,
)
from tests.support.dsar import local, make_request
from tests.support.footage import logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime], None]:
    """Set "now" for the services and the pages."""

    def set_now(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


def counts(html: str) -> dict[str, int]:
    """The overall counts as the table shows them."""
    found = re.findall(r'data-count="(\w+)">(?:<span class="days-overdue">)?(\d+)', html)
    return {name: int(value) for name, value in found}


NOW = datetime(2026, 11, 26, 11, tzinfo=UTC)


def test_counts_overall_and_per_handler(client: Any, handler: Any, dpo: Any, clock: Callable[[datetime], None]) -> None:
    make_request(handler, assigned_to=handler, received_at=local(2026, 9, 1))  # due 1 Oct: overdue
    make_request(handler, assigned_to=handler, received_at=local(2026, 10, 30))  # due Mon 30 Nov: soon
    make_request(handler, assigned_to=dpo, received_at=local(2026, 11, 20))  # due 21 Dec: on time
    make_request(handler, received_at=local(2026, 10, 1))  # due 2 Nov: overdue, unassigned
    ended = make_request(handler, received_at=local(2026, 9, 2))
    dsar_refuse(actor=handler, request=ended, reasons="Unfounded")  # ended: not counted
    clock(NOW)

    summary = deadline_summary()
    assert (summary.overall.overdue, summary.overall.due_soon, summary.overall.on_time) == (2, 1, 1)
    rows = {row.name: (row.counts.overdue, row.counts.due_soon, row.counts.on_time) for row in summary.per_handler}
    assert rows == {"dora-dpo": (0, 0, 1), "hans-handler": (1, 1, 0), "": (1, 0, 0)}
    assert summary.per_handler[-1].user_id is None  # unassigned last

    html = logged_in(client, handler).get(reverse("dsar:index")).content.decode()
    assert counts(html) == {"overdue": 2, "due_soon": 1, "on_time": 1}
    assert "Unassigned" in html and "dora-dpo" in html
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert counts(dashboard) == {"overdue": 2, "due_soon": 1, "on_time": 1}
    assert "Open the requests" in dashboard


def test_extension_moves_a_request_from_overdue_soon_to_on_time(
    handler: Any, clock: Callable[[datetime], None]
) -> None:
    ticket = make_request(handler, received_at=local(2026, 10, 30))  # due Mon 30 Nov
    clock(NOW)
    assert deadline_summary().overall.due_soon == 1
    dsar_extend(actor=handler, request=ticket, reasons="Many cameras")
    summary = deadline_summary()
    assert (summary.overall.due_soon, summary.overall.on_time) == (0, 1)


def test_the_main_dashboard_panel_is_only_for_those_who_see_requests(client: Any, admin_role: Any) -> None:
    html = logged_in(client, admin_role).get(reverse("dashboard")).content.decode()
    assert "Data subject requests" not in html


def walk_to_close(ticket: DataSubjectRequest, actor: Any, *, delivered: datetime, closed: datetime, clock: Any) -> None:
    clock(delivered)
    for service in (dsar_verify_identity, dsar_start_search, dsar_send_to_review, dsar_approve, dsar_deliver):
        service(actor=actor, request=ticket)
    clock(closed)
    dsar_close(actor=actor, request=ticket)


def metrics_tickets(handler: Any, clock: Callable[[datetime], None]) -> None:
    """August: one received (extended, closed on time in November). September: two
    received. October: one received; three closed, two on time, median 26 days."""

    def received(day: datetime) -> DataSubjectRequest:
        clock(NOW)
        return make_request(handler, received_at=day)

    on_time = received(local(2026, 9, 10))  # due Mon 12 Oct (the 10th is a Saturday)
    walk_to_close(on_time, handler, delivered=local(2026, 10, 5, 12), closed=local(2026, 10, 6, 12), clock=clock)
    late = received(local(2026, 9, 1))  # due 1 Oct
    walk_to_close(late, handler, delivered=local(2026, 10, 15, 12), closed=local(2026, 10, 20, 12), clock=clock)
    refused = received(local(2026, 10, 2))
    clock(local(2026, 10, 9, 12))
    dsar_refuse(actor=handler, request=refused, reasons="Unfounded")  # an answer, on time
    withdrawn = received(local(2026, 11, 2))
    clock(local(2026, 11, 5, 12))
    dsar_withdraw(actor=handler, request=withdrawn, reason="No longer needed")  # needed no answer
    received(local(2025, 10, 1))  # before the twelve months
    extended = received(local(2026, 8, 3))  # due 3 Sep, extended to 3 Nov
    clock(local(2026, 8, 20, 12))
    dsar_extend(actor=handler, request=extended, reasons="Complex")
    # Delivered at 23:30 local time on the extended due day (22:30 UTC): still on time.
    walk_to_close(extended, handler, delivered=local(2026, 11, 3, 23, 30), closed=local(2026, 11, 4, 9), clock=clock)
    clock(NOW)


def test_monthly_metrics_across_months(handler: Any, clock: Callable[[datetime], None]) -> None:
    metrics_tickets(handler, clock)
    rows = {row.month: row for row in monthly_metrics()}
    assert min(rows) == date(2025, 12, 1) and max(rows) == date(2026, 11, 1) and len(rows) == 12
    september, october, november = rows[date(2026, 9, 1)], rows[date(2026, 10, 1)], rows[date(2026, 11, 1)]
    assert (september.received, september.closed) == (2, 0)
    assert (october.received, october.closed, october.on_time) == (1, 3, 2)
    assert october.on_time_rate == 67
    assert october.median_days == 26  # 7, 26 and 49 days
    assert (november.received, november.closed, november.on_time) == (1, 1, 1)  # the extended one, on time
    assert november.median_days == 93
    assert rows[date(2026, 8, 1)].received == 1 and rows[date(2025, 12, 1)].received == 0


def test_metrics_chart_and_table_on_the_page(client: Any, handler: Any, clock: Callable[[datetime], None]) -> None:
    metrics_tickets(handler, clock)
    html = logged_in(client, handler).get(reverse("dsar:index")).content.decode()
    chart = html[html.index('<svg class="bar-chart"') : html.index("</svg>", html.index('<svg class="bar-chart"'))]
    assert 'aria-hidden="true"' in chart
    assert chart.count('class="bar-received"') == 12 and chart.count('class="bar-closed"') == 12
    assert "<script" not in html.split("</head>")[1]
    table = html[html.index("Monthly figures") :]
    assert re.search(r"October 2026</th><td>1</td><td>3</td>\s*<td>67 %</td>\s*<td>26</td>", table)
    assert re.search(r"November 2026</th><td>1</td><td>1</td>\s*<td>100 %</td>", table)
    assert re.search(r"September 2026</th><td>2</td><td>0</td>\s*<td>—</td>\s*<td>—</td>", table)

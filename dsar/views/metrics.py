"""The monthly metrics as a small bar chart drawn on the server (inline SVG, no script),
and the compact DSAR panel of the main dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import formats

from dsar.access import VIEW
from dsar.selectors import MonthMetrics, deadline_summary, monthly_metrics, recent_reminders
from dsar.services.common import local_today

WIDTH = 600
HEIGHT = 180
TOP = 16  # room for the figures above the bars
BOTTOM = 24  # room for the month labels
GROUP = WIDTH // 12
BAR = 16


@dataclass
class Bar:
    x: int
    y: int
    height: int
    value: int


@dataclass
class Group:
    label: str
    x: int  # the middle of the group, for its label
    received: Bar
    closed: Bar


def _bar(x: int, value: int, scale: float) -> Bar:
    height = round(value * scale)
    return Bar(x=x, y=HEIGHT - BOTTOM - height, height=height, value=value)


def chart(metrics: list[MonthMetrics]) -> dict[str, Any]:
    """Bar geometry for requests received and closed per month (the table beside the
    chart gives the same figures, with the on-time rate and the median, in words)."""
    peak = max([1, *(row.received for row in metrics), *(row.closed for row in metrics)])
    scale = (HEIGHT - TOP - BOTTOM) / peak
    groups = []
    for index, row in enumerate(metrics):
        left = index * GROUP + (GROUP - 2 * BAR) // 2
        groups.append(
            Group(
                label=formats.date_format(row.month, "M"),
                x=index * GROUP + GROUP // 2,
                received=_bar(left, row.received, scale),
                closed=_bar(left + BAR, row.closed, scale),
            )
        )
    return {"width": WIDTH, "height": HEIGHT, "baseline": HEIGHT - BOTTOM, "groups": groups, "bar": BAR}


def metrics_context(*, today: date | None = None) -> dict[str, Any]:
    metrics = monthly_metrics(today=today)
    return {"metrics": metrics, "chart": chart(metrics)}


def dashboard_panel(user: Any) -> dict[str, Any] | None:
    """The deadline counts and the latest reminders for the main dashboard; None for
    those who may not see requests."""
    if not user.has_perm(VIEW):
        return None
    return {"summary": deadline_summary(today=local_today()), "reminders": recent_reminders(3)}

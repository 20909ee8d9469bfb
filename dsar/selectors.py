"""Reads for the DSAR pages and the dashboards: the request list with its filters, the
deadline counts, the monthly metrics and the recent reminders.

Every "days left" here is counted in local dates of the organisation's time zone
(`dsar.deadlines.days_left`), never in UTC.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, DateField, F, Q, QuerySet, When

from compliance.models import Organisation
from dsar.deadlines import days_left
from dsar.models import FINAL_STATUSES, DataSubjectRequest, Status, TimelineEntry, TimelineKind
from dsar.services.common import local_date, local_today, zone

# The answer has gone out: the statutory deadline was met, whatever happens next.
ANSWERED = (Status.DELIVERED, *FINAL_STATUSES)
REMINDER = TimelineKind.REMINDER  # a deadline reminder (dsar.reminders)
DEFAULT_SOON_DAYS = 7
HANDLE_PERMISSION = "dsar.handle_dsar"


def final_due() -> Case:
    """The deadline that applies, as an expression: the extended one once notified."""
    return Case(
        When(extended_at__isnull=False, then=F("extended_due_on")), default=F("due_on"), output_field=DateField()
    )


def due_before(day: date) -> Q:
    return Q(extended_at__isnull=True, due_on__lt=day) | Q(extended_at__isnull=False, extended_due_on__lt=day)


def due_between(first: date, last: date) -> Q:
    return Q(extended_at__isnull=True, due_on__gte=first, due_on__lte=last) | Q(
        extended_at__isnull=False, extended_due_on__gte=first, extended_due_on__lte=last
    )


def awaiting_answer(tickets: QuerySet[DataSubjectRequest] | None = None) -> QuerySet[DataSubjectRequest]:
    """Tickets whose statutory deadline still matters: nothing delivered, not ended."""
    tickets = DataSubjectRequest.objects.all() if tickets is None else tickets
    return tickets.exclude(status__in=ANSWERED)


def soon_days(organisation: Organisation | None = None) -> int:
    """ "Due soon" means within the organisation's first reminder (7 days by default)."""
    days = (organisation or Organisation.current()).reminder_days
    return max(days) if days else DEFAULT_SOON_DAYS


@dataclass
class ListFilters:
    status: str = "open"  # open, closed, all
    handler: str = ""  # a user's pk, "none" for unassigned, "" for everyone
    kind: str = ""
    due: str = ""  # overdue, soon, "" for any


def ticket_list(filters: ListFilters, *, today: date | None = None) -> QuerySet[DataSubjectRequest]:
    """Tickets ordered by the deadline that applies, soonest first."""
    today = today or local_today()
    tickets = DataSubjectRequest.objects.select_related("assigned_to")
    if filters.status == "open":
        tickets = tickets.exclude(status__in=FINAL_STATUSES)
    elif filters.status == "closed":
        tickets = tickets.filter(status__in=FINAL_STATUSES)
    if filters.handler == "none":
        tickets = tickets.filter(assigned_to__isnull=True)
    elif filters.handler.isdigit():
        tickets = tickets.filter(assigned_to_id=int(filters.handler))
    if filters.kind:
        tickets = tickets.filter(kind=filters.kind)
    if filters.due == "overdue":
        tickets = awaiting_answer(tickets).filter(due_before(today))
    elif filters.due == "soon":
        limit = date.fromordinal(today.toordinal() + soon_days())
        tickets = awaiting_answer(tickets).filter(due_between(today, limit))
    return tickets.order_by(final_due().asc(), "pk")


def handlers() -> QuerySet[Any]:
    """Active users who may handle requests (through a role or directly); lazy, so a
    form can hold it at import time."""
    app, codename = HANDLE_PERMISSION.split(".")
    through_role = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app)
    direct = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app)
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(through_role | direct | Q(is_superuser=True)).distinct().order_by("username")


@dataclass
class DueCounts:
    overdue: int = 0
    due_soon: int = 0
    on_time: int = 0

    @property
    def total(self) -> int:
        return self.overdue + self.due_soon + self.on_time

    def add(self, left: int, soon: int) -> None:
        if left < 0:
            self.overdue += 1
        elif left <= soon:
            self.due_soon += 1
        else:
            self.on_time += 1


@dataclass
class HandlerCounts:
    name: str
    user_id: int | None
    counts: DueCounts = field(default_factory=DueCounts)


@dataclass
class DeadlineSummary:
    overall: DueCounts
    per_handler: list[HandlerCounts]
    soon_days: int


def deadline_summary(*, today: date | None = None) -> DeadlineSummary:
    """Tickets awaiting an answer: overdue, due within the first reminder, or on time;
    overall and per handler (unassigned last)."""
    today = today or local_today()
    soon = soon_days()
    overall = DueCounts()
    per: dict[int | None, HandlerCounts] = {}
    for ticket in awaiting_answer().select_related("assigned_to"):
        left = days_left(ticket.final_due, today)
        overall.add(left, soon)
        user = ticket.assigned_to
        name = user.get_username() if user else ""
        row = per.setdefault(ticket.assigned_to_id, HandlerCounts(name, ticket.assigned_to_id))
        row.counts.add(left, soon)
    rows = sorted(per.values(), key=lambda row: (row.user_id is None, row.name))
    return DeadlineSummary(overall=overall, per_handler=rows, soon_days=soon)


@dataclass
class MonthMetrics:
    month: date  # the first day of the local month
    received: int = 0
    closed: int = 0
    on_time: int = 0
    days_to_close: list[int] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        """Share of the month's closed requests answered by their final due date, in percent."""
        return round(100 * self.on_time / self.closed) if self.closed else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days_to_close) if self.days_to_close else None


def _month(day: date) -> date:
    return day.replace(day=1)


def _months_back(first: date, count: int) -> list[date]:
    """The first days of `count` months ending with `first`'s month, oldest first."""
    index = first.year * 12 + first.month - 1
    months = []
    for back in range(count - 1, -1, -1):
        year, month = divmod(index - back, 12)
        months.append(date(year, month + 1, 1))
    return months


def answered_on(ticket: DataSubjectRequest) -> date | None:
    """The local date the answer went out: delivery, or the closing/refusal if nothing was delivered."""
    moment: datetime | None = ticket.delivered_at or ticket.closed_at
    return local_date(moment) if moment else None


def monthly_metrics(*, months: int = 12, today: date | None = None) -> list[MonthMetrics]:
    """The last `months` local months, oldest first: requests received; requests closed
    or refused (withdrawn ones needed no answer and are left out); how many of those were
    answered by their final due date; and the median days from receipt to the end."""
    today = today or local_today()
    firsts = _months_back(_month(today), months)
    rows = {first: MonthMetrics(month=first) for first in firsts}
    start = datetime.combine(firsts[0], time.min, tzinfo=zone())
    recent = DataSubjectRequest.objects.filter(Q(received_at__gte=start) | Q(closed_at__gte=start))
    for ticket in recent:
        received = rows.get(_month(local_date(ticket.received_at)))
        if received is not None:
            received.received += 1
        if ticket.closed_at is None or ticket.status not in (Status.CLOSED, Status.REFUSED):
            continue
        ended = local_date(ticket.closed_at)
        row = rows.get(_month(ended))
        if row is None:
            continue
        row.closed += 1
        answered = answered_on(ticket)
        if answered is not None and answered <= ticket.final_due:
            row.on_time += 1
        row.days_to_close.append((ended - local_date(ticket.received_at)).days)
    return [rows[first] for first in firsts]


def recent_reminders(limit: int = 10, *, tickets: Iterable[int] | None = None) -> QuerySet[TimelineEntry]:
    entries = TimelineEntry.objects.filter(kind=REMINDER).select_related("request")
    if tickets is not None:
        entries = entries.filter(request_id__in=list(tickets))
    return entries.order_by("-at", "-pk")[:limit]

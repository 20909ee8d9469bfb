"""When a data subject request is due: pure date arithmetic, no database.

Art. 12(3) GDPR gives the controller one month to answer, extendable by two further months;
Regulation (EEC, Euratom) No 1182/71, Art. 3, says how such periods are counted:

- the day of receipt is not counted, so a request received on a Saturday or a holiday is
  still received that day;
- a period in months ends on the same date of the last month, or on that month's last day
  when the date does not exist (31 January + one month = 28 or 29 February);
- only the final day moves: if it is a Saturday, a Sunday or a public holiday of the
  controller's country (and region), the period ends on the next working day.

The extended deadline is three calendar months from receipt, counted the same way. All dates
are local dates in the controller's time zone; a deadline ends at the close of its local day.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.utils.translation import gettext as _

SUSPEND = "suspend"
RESTART = "restart"
POLICIES = (SUSPEND, RESTART)


class UnknownCalendar(ValueError):
    """No public-holiday calendar exists for the country or subdivision asked for."""


@dataclass(frozen=True)
class Deadlines:
    """A request's deadlines; an extension must be announced by `extension_notice_by`, the original due day."""

    due: date
    extension_notice_by: date
    extended_due: date


@dataclass(frozen=True)
class Pause:
    """A stretch when the clock waited for proof of identity or a clarification (local dates)."""

    start: date
    end: date | None = None


def add_months(day: date, months: int) -> date:
    """The same date `months` later, or that month's last day when the date does not exist."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def is_working_day(day: date, country: str, subdivision: str | None = None) -> bool:
    """Monday to Friday and not a public holiday there; raises UnknownCalendar for a place it cannot check."""
    return day.weekday() < 5 and day not in _holiday_dates(country, subdivision, day.year)


def roll_forward(day: date, country: str, subdivision: str | None = None) -> date:
    """The day itself when it is a working day, otherwise the next working day."""
    while not is_working_day(day, country, subdivision):
        day += timedelta(days=1)
    return day


def statutory_deadlines(received: date, country: str, subdivision: str | None = None) -> Deadlines:
    """Deadlines for a request received on `received` (a local date), the clock never paused."""
    return _deadlines_from(received, timedelta(0), country, subdivision)


def clock_deadlines(
    received: date,
    pauses: Sequence[Pause],
    policy: str,
    country: str,
    subdivision: str | None = None,
    today: date | None = None,
) -> Deadlines:
    """Deadlines once the clock has waited for the requester.

    "suspend" adds the days spent waiting to the period before the final day rolls; "restart"
    counts the whole period again from the day the last answer arrived (from `today` while a
    pause is still open). `today` is required only when a pause is still open.
    """
    if policy not in POLICIES:
        raise ValueError(_("Unknown clock policy %(policy)r; use 'suspend' or 'restart'.") % {"policy": policy})
    if not pauses:
        return statutory_deadlines(received, country, subdivision)
    spans = [_pause_span(pause, received, today) for pause in pauses]
    if policy == RESTART:
        return statutory_deadlines(max(end for _start, end in spans), country, subdivision)
    return _deadlines_from(received, _waited(spans), country, subdivision)


def days_left(due: date, today: date) -> int:
    """Whole local days until the due day: 0 on it, negative once it has passed."""
    return (due - today).days


def deadline_moment(due: date, time_zone: str) -> datetime:
    """The last instant of the due day in the controller's zone."""
    # fold=1: where the clocks go back at midnight, the day ends at the later 23:59:59.
    return datetime.combine(due, time.max, tzinfo=ZoneInfo(time_zone)).replace(fold=1)


def _deadlines_from(received: date, waited: timedelta, country: str, subdivision: str | None) -> Deadlines:
    due = roll_forward(add_months(received, 1) + waited, country, subdivision)
    extended = roll_forward(add_months(received, 3) + waited, country, subdivision)
    return Deadlines(due=due, extension_notice_by=due, extended_due=extended)


def _pause_span(pause: Pause, received: date, today: date | None) -> tuple[date, date]:
    end = pause.end if pause.end is not None else today
    if end is None:
        raise ValueError(_("A pause that is still open needs today's date to count the days waited."))
    if pause.start < received or end < pause.start:
        raise ValueError(
            _("A pause must start on or after the day of receipt (%(received)s) and end on or after its start.")
            % {"received": received.isoformat()}
        )
    return pause.start, end


def _waited(spans: Sequence[tuple[date, date]]) -> timedelta:
    """Days covered by the pauses, overlapping days counted once."""
    total = timedelta(0)
    covered_until = date.min
    for start, end in sorted(spans):
        total += max(timedelta(0), end - max(start, covered_until))
        covered_until = max(covered_until, end)
    return total


@functools.lru_cache(maxsize=512)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(_calendar(country, subdivision, year))


def _calendar(country: str, subdivision: str | None, year: int) -> holidays.HolidayBase:
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise UnknownCalendar(
            _("No public-holiday calendar for country %(country)r. Use an ISO 3166-1 code such as DE.")
            % {"country": country}
        )
    try:
        return holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError:
        raise UnknownCalendar(
            _("No public-holiday calendar for subdivision %(subdivision)r of %(country)s. Use one of: %(known)s.")
            % {"subdivision": subdivision, "country": country, "known": ", ".join(supported[country])}
        ) from None

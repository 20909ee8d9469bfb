"""DSAR deadlines as a regulator would count them (Art. 12(3) GDPR, Regulation 1182/71 Art. 3).

Every expected date below was checked against the calendar and the `holidays` data; the weekday
is in each comment so a reader can check it too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from dsar.deadlines import (
    Deadlines,
    Pause,
    UnknownCalendar,
    add_months,
    clock_deadlines,
    days_left,
    deadline_moment,
    is_working_day,
    statutory_deadlines,
)
from dsar.management.commands.dsar_deadline import Command

D = date


@pytest.mark.parametrize("country", ["FR", "BE"])
@pytest.mark.parametrize(
    ("received", "due", "extended"),
    [
        (D(2025, 1, 31), D(2025, 2, 28), D(2025, 4, 30)),  # Fri -> Fri; extended Wed
        (D(2025, 2, 28), D(2025, 3, 28), D(2025, 5, 28)),  # not 31 Mar, not 1 Apr
        (D(2025, 3, 31), D(2025, 4, 30), D(2025, 6, 30)),  # Mon -> Wed
        (D(2026, 1, 31), D(2026, 3, 2), D(2026, 4, 30)),  # 28 Feb 2026 is a Saturday -> Mon 2 Mar
    ],
)
def test_the_guides_examples(country: str, received: date, due: date, extended: date) -> None:
    assert statutory_deadlines(received, country) == Deadlines(due, due, extended)


def test_leap_year_february_has_29_days() -> None:
    assert statutory_deadlines(D(2024, 1, 31), "DE").due == D(2024, 2, 29)  # Thu


def test_leap_day_receipt_lands_on_good_friday_and_rolls_past_easter() -> None:
    # 29 Mar 2024 Good Friday, 30-31 weekend, 1 Apr Easter Monday.
    assert not is_working_day(D(2024, 3, 29), "DE")
    assert not is_working_day(D(2024, 4, 1), "DE")
    assert statutory_deadlines(D(2024, 2, 29), "DE").due == D(2024, 4, 2)  # Tue


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 11, 30), D(2026, 12, 30)),  # Mon -> Wed: not "end of month to end of month"
        (D(2026, 10, 31), D(2026, 11, 30)),  # no 31 Nov: clamped to Mon 30 Nov
        (D(2024, 12, 31), D(2025, 1, 31)),  # Tue -> Fri, across the year
    ],
)
def test_month_ends(received: date, due: date) -> None:
    assert statutory_deadlines(received, "FR").due == due


def test_year_end_receipt_extends_to_the_end_of_march() -> None:
    assert statutory_deadlines(D(2024, 12, 31), "FR").extended_due == D(2025, 3, 31)  # Mon


def test_a_saturday_receipt_counts_from_that_saturday() -> None:
    # Received Sat 1 Mar 2025: due Tue 1 Apr, not 3 Apr as if received on Monday.
    assert statutory_deadlines(D(2025, 3, 1), "FR").due == D(2025, 4, 1)


def test_national_holiday_on_the_due_day_rolls() -> None:
    # 1 May 2025 (Thu) is Labour Day in France.
    assert not is_working_day(D(2025, 5, 1), "FR")
    assert statutory_deadlines(D(2025, 4, 1), "FR").due == D(2025, 5, 2)  # Fri


@pytest.mark.parametrize(
    ("received", "bavaria", "berlin"),
    [
        (D(2025, 12, 6), D(2026, 1, 7), D(2026, 1, 6)),  # Epiphany, Tue 6 Jan 2026, only in Bavaria
        (D(2025, 5, 19), D(2025, 6, 20), D(2025, 6, 19)),  # Corpus Christi, Thu 19 Jun 2025, only in Bavaria
    ],
)
def test_regional_holiday_rolls_only_where_it_is_kept(received: date, bavaria: date, berlin: date) -> None:
    assert statutory_deadlines(received, "DE", "BY").due == bavaria
    assert statutory_deadlines(received, "DE", "BE").due == berlin


def test_christmas_and_a_weekend_roll_together() -> None:
    # Thu 25 and Fri 26 Dec 2025 are both holidays in Germany, then Sat 27 and Sun 28.
    assert statutory_deadlines(D(2025, 11, 25), "DE").due == D(2025, 12, 29)  # Mon
    # France keeps only the 25th.
    assert statutory_deadlines(D(2025, 11, 25), "FR").due == D(2025, 12, 26)  # Fri


def test_extended_deadline_rolls_too() -> None:
    # Received Sat 1 Feb 2025: 1 Mar is a Saturday, 1 May is Labour Day.
    assert statutory_deadlines(D(2025, 2, 1), "FR") == Deadlines(D(2025, 3, 3), D(2025, 3, 3), D(2025, 5, 2))
    # Received Sat 1 Mar 2025: 1 Jun is a Sunday.
    assert statutory_deadlines(D(2025, 3, 1), "FR").extended_due == D(2025, 6, 2)  # Mon


def test_only_the_final_day_rolls() -> None:
    # Four weekends lie inside 10 Jan -> 10 Feb 2025; the period still ends on Mon 10 Feb.
    assert statutory_deadlines(D(2025, 1, 10), "FR").due == D(2025, 2, 10)
    # Holidays inside the period (1 and 8 May) do not extend it either.
    assert statutory_deadlines(D(2025, 4, 15), "FR").due == D(2025, 5, 15)  # Thu


def test_no_pauses_is_the_statutory_deadline() -> None:
    for policy in ("suspend", "restart"):
        assert clock_deadlines(D(2025, 1, 31), [], policy, "FR") == statutory_deadlines(D(2025, 1, 31), "FR")


def test_suspend_adds_the_days_waited() -> None:
    # 5 days waited: 10 Feb + 5 = Sat 15 Feb -> Mon 17 Feb; 10 Apr + 5 = Tue 15 Apr.
    pauses = [Pause(D(2025, 1, 15), D(2025, 1, 20))]
    assert clock_deadlines(D(2025, 1, 10), pauses, "suspend", "FR") == Deadlines(
        D(2025, 2, 17), D(2025, 2, 17), D(2025, 4, 15)
    )


def test_suspend_counts_an_open_pause_until_today() -> None:
    # Waiting since 15 Jan, today 23 Jan: 8 days. 10 Feb + 8 = Tue 18 Feb; 10 Apr + 8 = Fri 18 Apr.
    deadlines = clock_deadlines(D(2025, 1, 10), [Pause(D(2025, 1, 15))], "suspend", "FR", today=D(2025, 1, 23))
    assert deadlines == Deadlines(D(2025, 2, 18), D(2025, 2, 18), D(2025, 4, 18))


def test_suspend_extends_the_unrolled_end_before_rolling() -> None:
    # Received Sat 31 Jan 2026; the unrolled end Sat 28 Feb + 2 days = Mon 2 Mar, which is a working
    # day. Rolling first (Mon 2 Mar) and then adding would wrongly give Wed 4 Mar.
    pauses = [Pause(D(2026, 2, 2), D(2026, 2, 4))]
    assert clock_deadlines(D(2026, 1, 31), pauses, "suspend", "FR").due == D(2026, 3, 2)


def test_restart_runs_afresh_from_the_last_answer() -> None:
    # Last answer Mon 20 Jan 2025 counts as the day of receipt: due Thu 20 Feb. Extended: Sun 20 Apr
    # is Easter Day and Mon 21 Apr Easter Monday in France, so Tue 22 Apr.
    pauses = [Pause(D(2025, 1, 12), D(2025, 1, 13)), Pause(D(2025, 1, 15), D(2025, 1, 20))]
    assert clock_deadlines(D(2025, 1, 10), pauses, "restart", "FR") == Deadlines(
        D(2025, 2, 20), D(2025, 2, 20), D(2025, 4, 22)
    )


def test_restart_with_an_open_pause_runs_from_today() -> None:
    # Still waiting on Thu 23 Jan 2025: 23 Feb is a Sunday -> Mon 24 Feb.
    pauses = [Pause(D(2025, 1, 12), D(2025, 1, 13)), Pause(D(2025, 1, 15))]
    deadlines = clock_deadlines(D(2025, 1, 10), pauses, "restart", "FR", today=D(2025, 1, 23))
    assert deadlines.due == D(2025, 2, 24)


@pytest.mark.parametrize("policy", ["suspend", "restart"])
def test_an_open_pause_without_today_is_refused(policy: str) -> None:
    with pytest.raises(ValueError, match="today"):
        clock_deadlines(D(2025, 1, 10), [Pause(D(2025, 1, 15))], policy, "FR")


def test_unknown_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="suspend"):
        clock_deadlines(D(2025, 1, 10), [Pause(D(2025, 1, 15), D(2025, 1, 16))], "pause", "FR")


def test_days_left_counts_local_dates_across_the_spring_clock_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Clocks go forward on Sun 30 Mar 2025. 23:30 UTC on the 29th is already the 30th in Berlin.
    today = datetime(2025, 3, 29, 23, 30, tzinfo=UTC).astimezone(berlin).date()
    assert today == D(2025, 3, 30)
    assert days_left(D(2025, 4, 1), today) == 2
    assert days_left(D(2025, 4, 1), D(2025, 3, 29)) == 3  # the short day still counts as one
    assert days_left(D(2025, 4, 1), D(2025, 4, 1)) == 0
    assert days_left(D(2025, 4, 1), D(2025, 4, 2)) == -1


@pytest.mark.parametrize(
    ("due", "utc"),
    [
        (D(2025, 3, 28), datetime(2025, 3, 28, 22, 59, 59, 999999, tzinfo=UTC)),  # CET, UTC+1
        (D(2025, 3, 31), datetime(2025, 3, 31, 21, 59, 59, 999999, tzinfo=UTC)),  # CEST, UTC+2
        (D(2025, 10, 26), datetime(2025, 10, 26, 22, 59, 59, 999999, tzinfo=UTC)),  # back to CET that day
    ],
)
def test_deadline_moment_is_the_end_of_the_local_day(due: date, utc: datetime) -> None:
    moment = deadline_moment(due, "Europe/Berlin")
    assert moment.tzinfo is not None
    assert moment.date() == due
    assert moment.astimezone(UTC) == utc


def test_unknown_country_is_named_with_a_hint() -> None:
    with pytest.raises(UnknownCalendar, match=r"'XX'.*ISO 3166-1.*DE"):
        statutory_deadlines(D(2025, 1, 31), "XX")


def test_unknown_subdivision_lists_the_known_ones() -> None:
    with pytest.raises(UnknownCalendar, match=r"'XX'.*BY") as caught:
        statutory_deadlines(D(2025, 1, 31), "DE", "XX")
    assert isinstance(caught.value, ValueError)


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("dsar_deadline", *args, stdout=out)
    return out.getvalue()


def test_command_prints_the_three_dates() -> None:
    assert run_command("2025-01-31", "--country", "FR") == (
        "due: 2025-02-28\nextension notice by: 2025-02-28\nextended due: 2025-04-30\n"
    )


def test_command_uses_the_subdivision() -> None:
    assert run_command("2025-12-06", "--country", "DE", "--subdivision", "BY").startswith("due: 2026-01-07\n")


def test_command_rejects_an_unknown_country() -> None:
    with pytest.raises(CommandError, match=r"No public-holiday calendar for country 'XX'"):
        run_command("2025-01-31", "--country", "XX")


@pytest.mark.parametrize("value", ["2025-02-30", "31/01/2025", "tomorrow"])
def test_command_rejects_a_bad_date(value: str) -> None:
    with pytest.raises(CommandError, match=r"YYYY-MM-DD"):
        run_command(value, "--country", "FR")


# The longest run of non-working days these calendars hold from 2000 to 2041 is five (Easter in
# the Netherlands, Christmas Eve to Boxing Day plus a weekend in Poland); a week leaves room.
LONGEST_ROLL = timedelta(days=7)
CALENDARS = [("DE", None), ("DE", "BY"), ("FR", None), ("BE", None), ("NL", None), ("PL", None), ("IE", None)]


@settings(max_examples=300, deadline=None, database=None)
@given(received=st.dates(D(2000, 1, 1), D(2040, 12, 31)), where=st.sampled_from(CALENDARS))
def test_deadline_properties(received: date, where: tuple[str, str | None]) -> None:
    country, subdivision = where
    deadlines = statutory_deadlines(received, country, subdivision)
    one_month = add_months(received, 1)
    assert deadlines.due > received
    assert is_working_day(deadlines.due, country, subdivision)
    assert one_month <= deadlines.due <= one_month + LONGEST_ROLL
    assert deadlines.extension_notice_by == deadlines.due
    assert deadlines.extended_due >= deadlines.due
    assert is_working_day(deadlines.extended_due, country, subdivision)
    three_months = add_months(received, 3)
    assert three_months <= deadlines.extended_due <= three_months + LONGEST_ROLL


def test_overlapping_pauses_count_each_day_once() -> None:
    # 15-20 Jan and 18-22 Jan cover 7 days, not 9: 10 Feb + 7 = Mon 17 Feb (9 would give Wed 19 Feb).
    pauses = [Pause(D(2025, 1, 15), D(2025, 1, 20)), Pause(D(2025, 1, 18), D(2025, 1, 22))]
    assert clock_deadlines(D(2025, 1, 10), pauses, "suspend", "FR").due == D(2025, 2, 17)


@pytest.mark.parametrize("pause", [Pause(D(2025, 1, 5), D(2025, 1, 12)), Pause(D(2025, 1, 15), D(2025, 1, 14))])
def test_a_pause_before_receipt_or_ending_before_it_starts_is_refused(pause: Pause) -> None:
    with pytest.raises(ValueError, match="receipt"):
        clock_deadlines(D(2025, 1, 10), [pause], "suspend", "FR")


def test_command_help_shows_its_description() -> None:
    parser = Command().create_parser("manage.py", "dsar_deadline")
    assert "extended deadline" in parser.format_help()

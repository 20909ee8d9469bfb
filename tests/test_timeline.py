"""The coverage time line: bars where footage is, hatched gaps, DST days, the week view."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from media_processing.models import RecordingKind
from media_processing.timeline import day_bounds, day_timeline, render_timeline, week_timeline, window_timeline
from tests.support.footage import make_camera, make_recording

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
LATER = datetime(2030, 1, 1, tzinfo=UTC)  # "now", after every day drawn here
SVG = "{http://www.w3.org/2000/svg}"


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BRUSSELS)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 -- the app's own markup, not outside input


def with_class(root: ET.Element, tag: str, name: str) -> list[ET.Element]:
    return [node for node in root.iter(SVG + tag) if name in (node.get("class") or "").split()]


def test_day_with_two_recordings_draws_two_linked_bars_and_the_gap_between() -> None:
    day = date(2024, 3, 5)  # an ordinary 24-hour day
    camera = make_camera()
    morning = make_recording(camera, local(day, 6), 2 * 3600)
    noon = make_recording(camera, local(day, 12), 3600)

    root = parse(render_timeline(day_timeline(camera=camera, day=day, zone=BRUSSELS, now=LATER)))

    spans = with_class(root, "rect", "span")
    assert [(float(s.get("x", "")), float(s.get("width", ""))) for s in spans] == [(250.0, 83.33), (500.0, 41.67)]
    links = [node.get("href") for node in root.iter(SVG + "a")]
    assert links == [reverse("media_processing:recording", args=[r.pk]) for r in (morning, noon)]
    titles = [node.findtext(SVG + "title") for node in root.iter(SVG + "a")]
    assert titles[0] is not None and "06:00:00" in titles[0] and "08:00:00" in titles[0]
    gaps = [(float(g.get("x", "")), float(g.get("width", ""))) for g in with_class(root, "rect", "gap")]
    assert gaps == [(0.0, 250.0), (333.33, 166.67), (541.67, 458.33)]
    assert all(g.get("fill", "").startswith("url(#") for g in with_class(root, "rect", "gap"))


def test_gap_list_and_coverage_ratio_for_screen_readers() -> None:
    day = date(2024, 3, 5)
    camera = make_camera()
    make_recording(camera, local(day, 0), 6 * 3600)

    timeline = day_timeline(camera=camera, day=day, zone=BRUSSELS, now=LATER)

    assert timeline.percent == 25.0
    assert timeline.gaps == [(local(day, 6).astimezone(UTC), local(date(2024, 3, 6), 0).astimezone(UTC))]


@pytest.mark.parametrize(("day", "hours"), [(date(2024, 3, 31), 23), (date(2024, 10, 27), 25), (date(2024, 6, 1), 24)])
def test_a_day_has_one_tick_per_hour_the_clocks_showed(day: date, hours: int) -> None:
    camera = make_camera()
    start, end = day_bounds(day, BRUSSELS)
    assert (end - start).total_seconds() == hours * 3600

    root = parse(render_timeline(day_timeline(camera=camera, day=day, zone=BRUSSELS, now=LATER)))

    assert len(with_class(root, "line", "tick")) == hours
    labels = [node.text for node in root.iter(SVG + "text")]
    if hours == 23:
        assert "02" not in labels  # 02:00 to 03:00 never happened
    if hours == 25:
        assert labels.count("02") == 2  # 02:00 to 03:00 happened twice


def test_on_a_short_dst_day_the_afternoon_sits_where_the_clock_says() -> None:
    day = date(2024, 3, 31)  # 23 hours: 15:00 local is 14 hours after midnight
    camera = make_camera()
    make_recording(camera, local(day, 15), 3600)

    root = parse(render_timeline(day_timeline(camera=camera, day=day, zone=BRUSSELS, now=LATER)))

    (span,) = with_class(root, "rect", "span")
    assert float(span.get("x", "")) == round(1000 * 14 / 23, 2)


def test_week_view_has_seven_rows_with_footage_on_its_day() -> None:
    monday = date(2024, 10, 21)  # the week of the autumn clock change
    camera = make_camera()
    make_recording(camera, local(date(2024, 10, 23), 9), 1800)

    timeline = week_timeline(camera=camera, first_day=monday, zone=BRUSSELS, now=LATER)
    root = parse(render_timeline(timeline))

    rows = with_class(root, "g", "row")
    assert len(rows) == 7
    assert [len(with_class(row, "rect", "span")) for row in rows] == [0, 0, 1, 0, 0, 0, 0]
    assert [len(with_class(row, "line", "tick")) for row in rows] == [24] * 6 + [25]


def test_stills_are_tick_marks_and_the_future_is_not_a_gap() -> None:
    day = date(2024, 3, 5)
    camera = make_camera()
    make_recording(camera, local(day, 9), 0, kind=RecordingKind.IMAGE, name="snap.jpg")
    now = local(day, 12).astimezone(UTC)

    timeline = day_timeline(camera=camera, day=day, zone=BRUSSELS, now=now)
    root = parse(render_timeline(timeline))

    (still,) = with_class(root, "rect", "still")
    assert float(still.get("x", "")) == 375.0 - 1.5
    (future,) = with_class(root, "rect", "future")
    assert float(future.get("x", "")) == 500.0
    assert [(float(g.get("x", "")), float(g.get("width", ""))) for g in with_class(root, "rect", "gap")] == [
        (0.0, 500.0)
    ]


def test_window_bar_for_a_search_period(settings: Any) -> None:
    camera = make_camera()
    day = date(2024, 3, 5)
    make_recording(camera, local(day, 10, 30), 1800)

    timeline = window_timeline(camera=camera, start=local(day, 10), end=local(day, 12), zone=BRUSSELS, now=LATER)
    root = parse(render_timeline(timeline))

    (span,) = with_class(root, "rect", "span")
    assert (float(span.get("x", "")), float(span.get("width", ""))) == (250.0, 250.0)
    assert timeline.percent == 25.0

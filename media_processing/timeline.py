"""Coverage time lines drawn as server-rendered SVG: no script, links to recordings.

A row covers one absolute period [start, end) and is drawn against real elapsed time,
so a day with a daylight-saving change is 23 or 25 hours wide and its hour ticks fall
where the organisation's clocks changed. Video recordings are bars (each a link to its
recording), still images are tick marks, gaps are hatched, and the part of the period
that has not happened yet is neither footage nor a gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from media_processing.models import Camera, Recording, RecordingKind
from media_processing.selectors import Coverage, camera_coverage, recordings_in_window

WIDTH = 1000.0  # SVG user units; the picture scales to its box
LABEL_WIDTH = 110.0  # room for the day names of the week view
AXIS_HEIGHT = 18.0
ROW_HEIGHT = 26.0
DAY_ROW_HEIGHT = 40.0
COMPACT_ROW_HEIGHT = 14.0
ROW_GAP = 6.0
MIN_BAR_WIDTH = 1.5
STILL_WIDTH = 3.0  # a few seconds of footage must still be visible (and clickable)
QUARTER_HOUR = timedelta(minutes=15)  # every zone's offset is a multiple of it
# Tick spacing for a free window: the first that gives at most MAX_LABELS labels.
HOUR_STEPS = (1, 2, 3, 6, 12, 24, 48, 168)
MAX_LABELS = 12


@dataclass(frozen=True)
class Mark:
    """Something drawn on a row from x to x + width, with a tooltip and maybe a link."""

    x: float
    width: float
    title: str
    url: str = ""


@dataclass(frozen=True)
class Tick:
    x: float
    label: str  # empty for a minor tick


@dataclass(frozen=True)
class Row:
    label: str
    y: float
    height: float
    coverage: Coverage
    spans: tuple[Mark, ...]
    gaps: tuple[Mark, ...]
    stills: tuple[Mark, ...]
    future: Mark | None
    ticks: tuple[Tick, ...]

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def middle(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True)
class Timeline:
    id: str
    title: str
    rows: tuple[Row, ...]
    x0: float
    height: float
    compact: bool = False
    width: float = WIDTH

    @property
    def plot_width(self) -> float:
        return self.width - self.x0

    @property
    def axis(self) -> tuple[Tick, ...]:
        """The labelled ticks of the first row, written above the rows."""
        return tuple(tick for tick in self.rows[0].ticks if tick.label) if self.rows else ()

    @property
    def ratio(self) -> float:
        elapsed = sum(_seconds(row.coverage.end - row.coverage.start) for row in self.rows)
        recorded = sum(span.seconds for row in self.rows for span in row.coverage.recorded)
        return recorded / elapsed if elapsed > 0 else 0.0

    @property
    def percent(self) -> float:
        return round(100 * self.ratio, 1)

    @property
    def gaps(self) -> list[tuple[datetime, datetime]]:
        return [(gap.start, gap.end) for row in self.rows for gap in row.coverage.gaps]


@dataclass(frozen=True)
class _Scale:
    """Maps absolute moments in [start, end) to x positions in [x0, x0 + width)."""

    start: datetime
    end: datetime
    x0: float
    width: float

    def x(self, moment: datetime) -> float:
        fraction = _seconds(moment - self.start) / _seconds(self.end - self.start)
        return round(self.x0 + self.width * min(1.0, max(0.0, fraction)), 2)

    def mark(self, start: datetime, end: datetime, title: str, url: str = "") -> Mark:
        left = self.x(start)
        return Mark(left, round(max(self.x(end) - left, MIN_BAR_WIDTH), 2), title, url)


def _seconds(delta: timedelta) -> float:
    return delta / timedelta(seconds=1)


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The absolute start and end of a calendar day in `zone`: 23, 24 or 25 hours apart."""
    start = datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return start, end


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# Building ------------------------------------------------------------------------------


def day_timeline(*, camera: Camera, day: date, zone: tzinfo, now: datetime) -> Timeline:
    start, end = day_bounds(day, zone)
    recordings = recordings_in_window([camera], start, end)
    title = _("Footage of %(camera)s on %(day)s") % {"camera": camera.name, "day": formats.date_format(day)}
    row = _row(camera, start, end, recordings, zone=zone, now=now, label="", y=AXIS_HEIGHT, x0=0.0, step_hours=2)
    row = replace(row, height=DAY_ROW_HEIGHT)
    return _timeline(f"tl-{camera.pk}-day-{day:%Y%m%d}", title, [row], x0=0.0)


def week_timeline(*, camera: Camera, first_day: date, zone: tzinfo, now: datetime) -> Timeline:
    days = [first_day + timedelta(days=offset) for offset in range(7)]
    start, end = day_bounds(days[0], zone)[0], day_bounds(days[-1], zone)[1]
    recordings = recordings_in_window([camera], start, end)
    rows = []
    for index, day in enumerate(days):
        day_start, day_end = day_bounds(day, zone)
        in_day = [rec for rec in recordings if _overlaps(rec, day_start, day_end)]
        y = AXIS_HEIGHT + index * (ROW_HEIGHT + ROW_GAP)
        label = formats.date_format(day, "D j M")
        rows.append(_row(camera, day_start, day_end, in_day, zone=zone, now=now, label=label, y=y, x0=LABEL_WIDTH))
    title = _("Footage of %(camera)s in the week from %(day)s") % {
        "camera": camera.name,
        "day": formats.date_format(first_day),
    }
    return _timeline(f"tl-{camera.pk}-week-{first_day:%Y%m%d}", title, rows, x0=LABEL_WIDTH)


def window_timeline(
    *,
    camera: Camera,
    start: datetime,
    end: datetime,
    zone: tzinfo,
    now: datetime,
    recordings: Sequence[Recording] | None = None,
    compact: bool = False,
) -> Timeline:
    """One bar for any period (a search window, the last 24 hours of the camera list)."""
    if recordings is None:
        recordings = recordings_in_window([camera], start, end)
    step = next((hours for hours in HOUR_STEPS if _seconds(end - start) / 3600 / hours <= MAX_LABELS), 168)
    y = 0.0 if compact else AXIS_HEIGHT
    height = COMPACT_ROW_HEIGHT if compact else ROW_HEIGHT
    row = _row(camera, start, end, recordings, zone=zone, now=now, label="", y=y, x0=0.0, step_hours=step)
    row = replace(row, height=height)
    title = _("Footage of %(camera)s from %(start)s to %(end)s") % {
        "camera": camera.name,
        "start": formats.date_format(start.astimezone(zone), "DATETIME_FORMAT"),
        "end": formats.date_format(end.astimezone(zone), "DATETIME_FORMAT"),
    }
    return _timeline(f"tl-{camera.pk}-{start:%Y%m%d%H%M}-{int(_seconds(end - start))}", title, [row], 0.0, compact)


def _timeline(key: str, title: str, rows: list[Row], x0: float, compact: bool = False) -> Timeline:
    bottom = max(row.y + row.height for row in rows)
    return Timeline(id=key, title=title, rows=tuple(rows), x0=x0, height=bottom, compact=compact)


def _overlaps(recording: Recording, start: datetime, end: datetime) -> bool:
    assert recording.start is not None and recording.end is not None
    if recording.kind == RecordingKind.IMAGE:
        return start <= recording.start < end
    return recording.start < end and recording.end > start


def _row(
    camera: Camera,
    start: datetime,
    end: datetime,
    recordings: Sequence[Recording],
    *,
    zone: tzinfo,
    now: datetime,
    label: str,
    y: float,
    x0: float,
    step_hours: int = 3,
) -> Row:
    scale = _Scale(start, end, x0, WIDTH - x0)
    # Coverage and gaps only up to now: the rest of today is not missing footage.
    until = min(end, max(start, now))
    coverage = camera_coverage(camera=camera, start=start, end=until, recordings=recordings)
    future = scale.mark(until, end, _("Not yet recorded")) if until < end else None
    return Row(
        label=label,
        y=y,
        height=ROW_HEIGHT,
        coverage=coverage,
        spans=tuple(_span_marks(scale, recordings, zone)),
        gaps=tuple(scale.mark(gap.start, gap.end, _gap_title(gap.start, gap.end, zone)) for gap in coverage.gaps),
        stills=tuple(_still_marks(scale, recordings, zone)),
        future=future,
        ticks=tuple(_ticks(scale, zone, step_hours)),
    )


def _span_marks(scale: _Scale, recordings: Sequence[Recording], zone: tzinfo) -> list[Mark]:
    marks = []
    for recording in recordings:
        assert recording.start is not None and recording.end is not None
        if recording.kind == RecordingKind.IMAGE or recording.end <= scale.start or recording.start >= scale.end:
            continue
        title = _("%(name)s, %(start)s to %(end)s") % {
            "name": recording.original_name,
            "start": _clock(recording.start, zone),
            "end": _clock(recording.end, zone),
        }
        url = reverse("media_processing:recording", args=[recording.pk])
        marks.append(scale.mark(max(recording.start, scale.start), min(recording.end, scale.end), title, url))
    return marks


def _still_marks(scale: _Scale, recordings: Sequence[Recording], zone: tzinfo) -> list[Mark]:
    marks = []
    for recording in recordings:
        assert recording.start is not None
        if recording.kind != RecordingKind.IMAGE or not scale.start <= recording.start < scale.end:
            continue
        title = _("Still image %(name)s at %(time)s") % {
            "name": recording.original_name,
            "time": _clock(recording.start, zone),
        }
        url = reverse("media_processing:recording", args=[recording.pk])
        marks.append(Mark(round(scale.x(recording.start) - STILL_WIDTH / 2, 2), STILL_WIDTH, title, url))
    return marks


def _gap_title(start: datetime, end: datetime, zone: tzinfo) -> str:
    return _("No footage from %(start)s to %(end)s") % {"start": _clock(start, zone), "end": _clock(end, zone)}


def _clock(moment: datetime, zone: tzinfo) -> str:
    return formats.time_format(moment.astimezone(zone), "H:i:s")


def _ticks(scale: _Scale, zone: tzinfo, step_hours: int) -> list[Tick]:
    """Ticks at local full hours (every hour for short steps, every step up to a day),
    labelled every `step_hours`. Walking absolute quarter hours and keeping local full hours
    counts a repeated hour twice and a skipped one not at all, as the clocks did."""
    ticks = []
    moment = _ceil_quarter(scale.start)
    tick_every = 1 if step_hours <= 3 else min(step_hours, 24)
    while moment < scale.end:
        local = moment.astimezone(zone)
        if local.minute == 0 and local.hour % tick_every == 0:
            ticks.append(Tick(scale.x(moment), _tick_label(local, step_hours)))
        moment += QUARTER_HOUR
    return ticks


def _tick_label(local: datetime, step_hours: int) -> str:
    if step_hours < 24:
        return f"{local:%H}" if local.hour % step_hours == 0 else ""
    return formats.date_format(local, "D j") if local.toordinal() % (step_hours // 24) == 0 else ""


def _ceil_quarter(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    floor = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return floor if floor == moment else floor + QUARTER_HOUR


# Drawing -------------------------------------------------------------------------------


def render_timeline(timeline: Timeline) -> SafeString:
    return render_to_string("media_processing/_timeline.html", {"timeline": timeline})

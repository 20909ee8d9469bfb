"""The picture of one camera's window on the answer's search page: server-rendered SVG,
no script. The top lane is the stored footage (each recording a link, as on the footage
pages) with the gaps the search recorded, hatched and labelled by their reason; the
lane below holds the answer's clips, included ones solid, left-out ones outlined.

The period drawn is the window, widened to any clip of it whose bounds were moved
outside it; the window itself is marked on the axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from dsar.answer.search import DELETED, show_second
from dsar.models import ResponseItem
from dsar.services.common import show_moment
from media_processing.models import Camera
from media_processing.timeline import WIDTH, Mark, Tick, window_timeline

AXIS = 18.0
FOOTAGE_Y, FOOTAGE_H = 20.0, 26.0
CLIPS_Y, CLIPS_H = 52.0, 22.0
HEIGHT = 78.0
LABEL_MIN_WIDTH = 120.0  # a gap this wide (of 1000) carries its reason as text
MIN_WIDTH = 2.0
# Tick spacing in seconds: the first giving at most MAX_TICKS labels. DSAR windows are
# often minutes long, where the footage pages' hourly ticks would show nothing.
TICK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400)
MAX_TICKS = 10
EDGE = 24.0


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    title: str
    label: str = ""
    kind: str = ""  # deleted / not_recorded for gaps, included / excluded for clips
    anchor: str = ""  # the id of the clip's entry on the page

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class WindowPicture:
    id: str
    title: str
    ticks: tuple[Tick, ...]
    recordings: tuple[Mark, ...]
    future: Mark | None
    gaps: tuple[Bar, ...]
    clips: tuple[Bar, ...]
    window: Bar
    width: float = WIDTH
    height: float = HEIGHT
    footage_y: float = FOOTAGE_Y
    footage_h: float = FOOTAGE_H
    clips_y: float = CLIPS_Y
    clips_h: float = CLIPS_H

    @property
    def axis(self) -> tuple[Tick, ...]:
        return tuple(tick for tick in self.ticks if tick.label)

    @property
    def footage_bottom(self) -> float:
        return self.footage_y + self.footage_h

    @property
    def footage_middle(self) -> float:
        return self.footage_y + self.footage_h / 2

    @property
    def clips_bottom(self) -> float:
        return self.clips_y + self.clips_h

    @property
    def clips_middle(self) -> float:
        return self.clips_y + self.clips_h / 2


@dataclass(frozen=True)
class _Scale:
    start: datetime
    end: datetime

    def x(self, moment: datetime) -> float:
        fraction = (moment - self.start) / (self.end - self.start)
        return round(WIDTH * min(1.0, max(0.0, fraction)), 2)

    def bar(self, start: datetime, end: datetime, title: str, **extra: str) -> Bar:
        left = self.x(start)
        return Bar(left, round(max(self.x(end) - left, MIN_WIDTH), 2), title, **extra)


def gap_reason(gap: dict[str, Any]) -> str:
    """Why a stretch has no footage, in a few words."""
    if gap["reason"] == DELETED:
        return _("deleted by the retention schedule on %(day)s") % {"day": _day(gap["deleted_on"])}
    return _("never recorded")


def gap_text(gap: dict[str, Any]) -> str:
    """One gap as a sentence for the page (and anyone who reads the search)."""
    text = _("%(start)s to %(end)s: %(reason)s") % {
        "start": show_second(datetime.fromisoformat(gap["start"])),
        "end": show_second(datetime.fromisoformat(gap["end"])),
        "reason": gap_reason(gap),
    }
    if gap["reason"] == DELETED:
        text += " " + _("(deletion certificate %(number)s)") % {"number": gap["certificate"]}
        if gap.get("before_request"):
            text += " " + _("before the request was received")
    return text + "."


def _day(iso: str | None) -> str:
    return formats.date_format(date.fromisoformat(iso), "DATE_FORMAT") if iso else _("an unknown date")


def picture_range(start: datetime, end: datetime, items: Sequence[ResponseItem]) -> tuple[datetime, datetime]:
    """The window widened to its clips, with a little room on each side when widened."""
    first = min([start, *(item.clip.requested_start for item in items)])
    last = max([end, *(item.clip.requested_end for item in items)])
    if (first, last) == (start, end):
        return start, end
    room = (last - first) / 50
    return first - room, last + room


def window_picture(
    *,
    camera: Camera,
    start: datetime,
    end: datetime,
    items: Sequence[ResponseItem],
    gaps: Sequence[dict[str, Any]],
    zone: tzinfo,
    now: datetime,
) -> WindowPicture:
    """The picture of [start, end) of `camera`: its footage, the search's gaps, the clips."""
    first, last = picture_range(start, end, items)
    scale = _Scale(first, last)
    base = window_timeline(camera=camera, start=first, end=last, zone=zone, now=now)
    row = base.rows[0]
    title = _("%(camera)s from %(start)s to %(end)s: stored footage, what is missing and the clips proposed") % {
        "camera": camera.name,
        "start": show_moment(start),
        "end": show_moment(end),
    }
    return WindowPicture(
        id=f"answer-{camera.pk}-{start:%Y%m%d%H%M%S}-{int((end - start) / timedelta(seconds=1))}",
        title=title,
        ticks=_ticks(scale, zone),
        recordings=row.spans,
        future=row.future,
        gaps=tuple(_gap_bar(scale, gap, zone) for gap in gaps if _overlaps(gap, first, last)),
        clips=tuple(_clip_bar(scale, item, zone) for item in items),
        window=scale.bar(start, end, _("The time window of the request")),
    )


def _overlaps(gap: dict[str, Any], start: datetime, end: datetime) -> bool:
    return datetime.fromisoformat(gap["start"]) < end and datetime.fromisoformat(gap["end"]) > start


def _gap_bar(scale: _Scale, gap: dict[str, Any], zone: tzinfo) -> Bar:
    gap_start, gap_end = datetime.fromisoformat(gap["start"]), datetime.fromisoformat(gap["end"])
    reason = gap_reason(gap)
    title = _("No footage from %(start)s to %(end)s: %(reason)s") % {
        "start": _clock(gap_start, zone),
        "end": _clock(gap_end, zone),
        "reason": reason,
    }
    bar = scale.bar(gap_start, gap_end, title, kind=gap["reason"])
    if bar.width >= LABEL_MIN_WIDTH:
        short = _("deleted %(day)s") % {"day": _day(gap["deleted_on"])} if gap["reason"] == DELETED else reason
        bar = Bar(bar.x, bar.width, bar.title, short, bar.kind)
    return bar


def _clip_bar(scale: _Scale, item: ResponseItem, zone: tzinfo) -> Bar:
    clip = item.clip
    state = _("included") if item.included else _("left out")
    title = _("Clip %(position)s, %(start)s to %(end)s, %(state)s") % {
        "position": item.position,
        "start": _clock(clip.requested_start, zone),
        "end": _clock(clip.requested_end, zone),
        "state": state,
    }
    kind = "included" if item.included else "excluded"
    return scale.bar(
        clip.requested_start, clip.requested_end, title, label=str(item.position), kind=kind, anchor=f"item-{item.pk}"
    )


def _ticks(scale: _Scale, zone: tzinfo) -> tuple[Tick, ...]:
    """Labelled ticks at round local times: every few seconds for a short window, every
    few hours for a long one."""
    span = (scale.end - scale.start).total_seconds()
    step = next((step for step in TICK_STEPS if span / step <= MAX_TICKS), TICK_STEPS[-1])
    offset = scale.start.astimezone(zone).utcoffset() or timedelta(0)
    local = scale.start.timestamp() + offset.total_seconds()
    moment = scale.start + timedelta(seconds=-local % step)
    ticks = []
    while moment < scale.end:
        x = scale.x(moment)
        room = EDGE < x < WIDTH - EDGE  # a label at the very edge would be cut off
        label = formats.time_format(moment.astimezone(zone), "H:i:s" if step < 60 else "H:i") if room else ""
        ticks.append(Tick(x, label))
        moment += timedelta(seconds=step)
    return tuple(ticks)


def _clock(moment: datetime, zone: tzinfo) -> str:
    return formats.time_format(moment.astimezone(zone), "H:i:s")

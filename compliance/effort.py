"""Measured compliance effort: time spent, estimated from when people edited things.

The rule (`sittings`): each person's edits are taken in time order; an edit less than
`gap` (15 minutes) after the previous one continues the same sitting, a longer pause
starts a new one. A sitting counts from its first edit to its last, plus `minimum`
(2 minutes) for the work before the first save, so a single edit counts 2 minutes and
edits at 10:00, 10:10 and 10:20 count 22 minutes. Time spent reading without saving is
not seen; the figures are a floor, comparable between assessments and requests.

Apps that keep such edits offer their own figures through `register_effort_source`
(the DSAR app registers its handling times), so pages built elsewhere can show them
side by side without importing those apps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime, timedelta
from typing import Any

GAP = timedelta(minutes=15)
MINIMUM = timedelta(minutes=2)


def sittings(
    events: Iterable[tuple[Hashable, datetime]], gap: timedelta = GAP, minimum: timedelta = MINIMUM
) -> dict[Hashable, float]:
    """Seconds of effort per user from (user id, time of an edit) pairs, by the rule above."""
    times: dict[Hashable, list[datetime]] = defaultdict(list)
    for user, moment in events:
        times[user].append(moment)
    seconds: dict[Hashable, float] = {}
    for user, moments in times.items():
        moments.sort()
        total = timedelta()
        start = previous = moments[0]
        for moment in moments[1:]:
            if moment - previous >= gap:
                total += previous - start + minimum
                start = moment
            previous = moment
        total += previous - start + minimum
        seconds[user] = total.total_seconds()
    return seconds


def total_seconds(events: Iterable[tuple[Hashable, datetime]]) -> float:
    """Everyone's effort together, in seconds."""
    return sum(sittings(events).values())


# name -> callable returning that source's figures (a dict a page can show as it is).
_SOURCES: dict[str, Callable[[], dict[str, Any]]] = {}


def register_effort_source(name: str, source: Callable[[], dict[str, Any]]) -> None:
    """Offer an app's effort figures under `name` (call from its AppConfig.ready)."""
    _SOURCES[name] = source


def effort_source(name: str) -> dict[str, Any] | None:
    """The figures of the source `name` now, or None when no app offers it."""
    source = _SOURCES.get(name)
    return None if source is None else source()

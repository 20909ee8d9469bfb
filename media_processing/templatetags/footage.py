"""Template filters of the footage pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def clock(seconds: float | None) -> str:
    """A duration as H:MM:SS (tenths shown when there are any), e.g. 5400 -> 1:30:00."""
    if seconds is None:
        return ""
    tenths = round(float(seconds) * 10)
    whole, tenth = divmod(tenths, 10)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{text}.{tenth}" if tenth else text

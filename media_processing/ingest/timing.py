"""Placing a file on the absolute time line: given start, file name, or the file's own clock."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime

from django.utils.translation import gettext as _

from media_processing.ingest.context import IngestError

# strftime directives a camera writes into file names, and what they match.
_DIRECTIVES = {
    "Y": r"\d{4}",
    "y": r"\d{2}",
    "m": r"\d{2}",
    "d": r"\d{2}",
    "H": r"\d{2}",
    "M": r"\d{2}",
    "S": r"\d{2}",
    "f": r"\d{1,6}",
    "j": r"\d{3}",
    "z": r"[+-]\d{4}",
    "%": "%",
}


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A regular expression finding `pattern` (strftime syntax) anywhere in a name."""
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "%":
            directive = pattern[index + 1 : index + 2]
            if directive not in _DIRECTIVES:
                raise ValueError(
                    _("%%%(directive)s is not supported in a file-name pattern; use %%Y %%m %%d %%H %%M %%S.")
                    % {"directive": directive}
                )
            parts.append(_DIRECTIVES[directive])
            index += 2
        else:
            parts.append(re.escape(char))
            index += 1
    return re.compile("".join(parts))


def validate_pattern(pattern: str) -> None:
    regex = pattern_regex(pattern)
    for needed in ("%Y", "%m", "%d", "%H", "%M"):
        if needed not in pattern and not (needed == "%Y" and "%y" in pattern):
            raise ValueError(_("The pattern must contain at least the date and the hour and minute (%s).") % needed)
    del regex


def start_from_name(name: str, pattern: str, time_zone: str) -> datetime | None:
    """The moment written in a file name, read in the camera's time zone; None if absent."""
    for match in pattern_regex(pattern).finditer(name):
        try:
            moment = datetime.strptime(match.group(0), pattern)
        except ValueError:
            continue
        return as_utc(moment, time_zone)
    return None


def as_utc(moment: datetime, time_zone: str) -> datetime:
    """A naive time is the camera's wall clock; an aware one already says its zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo(time_zone))
    return moment.astimezone(UTC)


def no_start_time(name: str, pattern: str) -> IngestError:
    if pattern:
        message = _(
            "The start time of %(name)s could not be read: its name does not match the camera's pattern "
            "%(pattern)s and no start time was given. Rename the file or give its start time."
        ) % {"name": name, "pattern": pattern}
    else:
        message = _(
            "%(name)s does not say when it was recorded. Give its start time when you send it, or set a "
            "file-name pattern on the camera."
        ) % {"name": name}
    return IngestError(message, "no-start-time")

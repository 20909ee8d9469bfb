"""The data-flow map as one SVG picture, drawn from a version document.

The same picture serves the page, frozen versions and the PDF, so it is plain SVG that
WeasyPrint draws as a browser does: every style is a presentation attribute (no classes,
no stylesheet, no script, no foreignObject), fonts are the generic `sans-serif`, and the
size is fixed by width, height and viewBox. Stages are columns from left to right joined
by arrows; each system is a box with its data, location, retention and access. Special
category data and third-country locations are marked by a shape and a label as well as
by colour.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dpia.models import DataCategory, Location, StageKind, TransferSafeguard

COLUMN = 252.0  # width of a stage column
GAP = 44.0  # room for the arrow between two columns
MARGIN = 12.0
PAD = 8.0
LINE = 14.0  # line height of the 11px text in a system box
HEAD_LINE = 16.0  # line height of the 13px stage names
BOX_GAP = 10.0
STRIPE = 10.0  # the hatched band that marks special-category data
TEXT_CHARS = 37  # characters of 11px text that fit on one line of a box
BOLD_CHARS = 33  # the same in bold
HEAD_CHARS = 29  # characters of 13px bold text that fit on one line of a column head

INK = "#1b1f24"
MUTED = "#4a5561"
LINE_COLOUR = "#51606f"
HEAD_FILL = "#e3eaf2"
COLUMN_FILL = "#f5f7f9"
SPECIAL = "#8a1c1c"
SPECIAL_FILL = "#fbe4e5"
TRANSFER = "#8a4b00"


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False
    colour: str = INK
    marker: bool = False  # the third-country warning triangle before the text


@dataclass(frozen=True)
class Box:
    lines: list[Line]
    special: bool  # holds special-category (biometric) data


def flow_svg(document: dict[str, Any], *, id_prefix: str = "flow-map") -> SafeString:
    """The map of `document` (the `version_document` shape) as an `<svg>` element.

    `id_prefix` keeps the ids of the title, description and pattern unique when a page
    holds more than one map. Every text is escaped; long texts are wrapped and cut.
    """
    stages = list(document.get("stages", []))
    title = _("Data-flow map")
    if not stages:
        return _empty(id_prefix, title)
    heads = [_head_lines(index, stage) for index, stage in enumerate(stages)]
    head_height = PAD * 2 + max(len(lines) for lines in heads) * HEAD_LINE
    columns = [[_system_box(system) for system in stage.get("systems", [])] for stage in stages]
    body_height = max(_column_height(boxes) for boxes in columns)
    width = MARGIN * 2 + COLUMN * len(stages) + GAP * (len(stages) - 1)
    height = MARGIN * 2 + head_height + body_height
    parts = [_defs(id_prefix)]
    for index, (head, boxes) in enumerate(zip(heads, columns, strict=True)):
        x = MARGIN + index * (COLUMN + GAP)
        parts.append(_column(x, head, head_height, boxes, body_height, id_prefix))
        if index:
            parts.append(_arrow(x - GAP, x, MARGIN + head_height / 2))
    return _svg(id_prefix, width, height, title, _summary(stages), "".join(parts))


def _svg(prefix: str, width: float, height: float, title: str, desc: str, body: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text below went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-family="sans-serif">'
        f'<title id="{prefix}-title">{escape(title)}</title><desc id="{prefix}-desc">{escape(desc)}</desc>'
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>{body}</svg>'
    )


def _empty(prefix: str, title: str) -> SafeString:
    text = _("The data-flow map has no stages yet.")
    body = (
        f'<rect x="{MARGIN}" y="{MARGIN}" width="456" height="76" fill="{COLUMN_FILL}" stroke="{LINE_COLOUR}" '
        f'stroke-dasharray="6 4"/>{_text(MARGIN + 228, MARGIN + 43, text, anchor="middle", size=13)}'
    )
    return _svg(prefix, 480, 100, title, text, body)


def _defs(prefix: str) -> str:
    # Diagonal hatching for special-category data: a pattern, so it reads in black and white.
    return (
        f'<defs><pattern id="{prefix}-special" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{SPECIAL_FILL}"/>'
        f'<path d="M0,8 L8,0 M-2,2 L2,-2 M6,10 L10,6" stroke="{SPECIAL}" stroke-width="2"/></pattern></defs>'
    )


def _head_lines(index: int, stage: dict[str, Any]) -> list[Line]:
    kind = _label(StageKind, stage.get("kind", ""))
    number = _("Stage %(number)s") % {"number": index + 1}
    first = f"{number} · {kind}" if kind else number
    names = _wrap(stage.get("name", ""), HEAD_CHARS)
    return [Line(first, colour=MUTED), *(Line(name, bold=True) for name in names)]


def _system_box(system: dict[str, Any]) -> Box:
    categories = list(system.get("data_categories") or [])
    special = DataCategory.BIOMETRIC in categories
    narrow = 2 if special else 0  # the hatched band takes room from the text

    def lines(text: str, *, bold: bool = False, colour: str = INK, marker: bool = False, most: int = 3) -> list[Line]:
        # The marker takes the room of three characters on the first line.
        width = (BOLD_CHARS if bold else TEXT_CHARS) - narrow - (3 if marker else 0)
        return [Line(part, bold, colour, marker and not i) for i, part in enumerate(_wrap(text, width, most))]

    result = lines(system.get("name", ""), bold=True)
    if special:
        result += lines(_("Special category (Art. 9): biometric templates"), bold=True, colour=SPECIAL)
    data = ", ".join(_label(DataCategory, category) for category in categories) or _("none stated")
    result += lines(_("Data: %(data)s") % {"data": data}, most=6)  # what the map is about: room for all of it
    location = system.get("location", "")
    if location == Location.THIRD_COUNTRY:
        country = (system.get("country") or "").strip() or _("country not named")
        result += lines(_("Third country: %(country)s") % {"country": country}, bold=True, colour=TRANSFER, marker=True)
        safeguard = system.get("transfer_safeguard") or ""
        transfer = _label(TransferSafeguard, safeguard) if safeguard else _("no transfer safeguard")
        result += lines(_("Transfer: %(safeguard)s") % {"safeguard": transfer}, colour=TRANSFER)
    else:
        result += lines(_("Location: %(location)s") % {"location": _label(Location, location) or "—"})
    days = system.get("retention_days")
    retention = _("not stated") if days is None else ngettext("%(days)s day", "%(days)s days", days) % {"days": days}
    result += lines(_("Retention: %(retention)s") % {"retention": retention})
    result += lines(_("Access: %(access)s") % {"access": (system.get("access") or "").strip() or _("not stated")})
    return Box(result, special)


def _wrap(text: str, width: int, most: int = 3) -> list[str]:
    """`text` in lines of at most `width` characters; past `most` lines it is cut with an ellipsis."""
    parts = textwrap.wrap(" ".join(str(text).split()), width) or [""]
    if len(parts) > most:
        parts = parts[:most]
        parts[-1] = parts[-1][: width - 1].rstrip() + "…"
    return parts


def _label(choices: Any, value: str) -> str:
    """The translated label of a known value; an unknown one (from an imported file) as it is."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _box_height(box: Box) -> float:
    return PAD * 2 + len(box.lines) * LINE


def _column_height(boxes: list[Box]) -> float:
    if not boxes:
        return PAD + 40 + PAD
    return PAD + sum(_box_height(box) + BOX_GAP for box in boxes)


def _column(x: float, head: list[Line], head_height: float, boxes: list[Box], height: float, prefix: str) -> str:
    top = MARGIN
    parts = [
        f'<rect x="{x:.0f}" y="{top:.0f}" width="{COLUMN:.0f}" height="{head_height + height:.0f}" '
        f'fill="{COLUMN_FILL}" stroke="{LINE_COLOUR}"/>',
        f'<rect x="{x:.0f}" y="{top:.0f}" width="{COLUMN:.0f}" height="{head_height:.0f}" fill="{HEAD_FILL}" '
        f'stroke="{LINE_COLOUR}"/>',
    ]
    for index, line in enumerate(head):
        y = top + PAD + HEAD_LINE * (index + 1) - 4
        parts.append(_text(x + PAD, y, line.text, bold=line.bold, colour=line.colour, size=13 if line.bold else 11))
    y = top + head_height + PAD
    if not boxes:
        parts.append(
            f'<rect x="{x + PAD:.0f}" y="{y:.0f}" width="{COLUMN - PAD * 2:.0f}" height="40" fill="#ffffff" '
            f'stroke="{LINE_COLOUR}" stroke-dasharray="4 3"/>'
        )
        parts.append(_text(x + COLUMN / 2, y + 24, _("No system at this stage"), anchor="middle", colour=MUTED))
    for box in boxes:
        parts.append(_box(x + PAD, y, box, prefix))
        y += _box_height(box) + BOX_GAP
    return "".join(parts)


def _box(x: float, y: float, box: Box, prefix: str) -> str:
    width = COLUMN - PAD * 2
    height = _box_height(box)
    if box.special:
        # A thick dashed red border and a hatched band: not colour alone.
        frame = f'stroke="{SPECIAL}" stroke-width="2.5" stroke-dasharray="6 3"'
    else:
        frame = f'stroke="{LINE_COLOUR}" stroke-width="1"'
    parts = [f'<rect x="{x:.0f}" y="{y:.0f}" width="{width:.0f}" height="{height:.0f}" fill="#ffffff" {frame}/>']
    indent = PAD
    if box.special:
        parts.append(
            f'<rect x="{x + 1.5:.1f}" y="{y + 1.5:.1f}" width="{STRIPE:.0f}" height="{height - 3:.1f}" '
            f'fill="url(#{prefix}-special)"/>'
        )
        indent += STRIPE
    for index, line in enumerate(box.lines):
        baseline = y + PAD + LINE * (index + 1) - 3
        left = x + indent
        if line.marker:
            parts.append(_warning_triangle(left, baseline))
            left += 16
        parts.append(_text(left, baseline, line.text, bold=line.bold, colour=line.colour))
    return "".join(parts)


def _warning_triangle(x: float, baseline: float) -> str:
    """The third-country marker: a triangle with an exclamation mark."""
    top, bottom = baseline - 10, baseline + 1
    return (
        f'<path d="M{x + 6:.1f},{top:.1f} L{x + 12:.1f},{bottom:.1f} L{x:.1f},{bottom:.1f} Z" fill="{TRANSFER}"/>'
        f'<path d="M{x + 6:.1f},{top + 3.5:.1f} L{x + 6:.1f},{bottom - 4:.1f}" stroke="#ffffff" stroke-width="1.6"/>'
        f'<circle cx="{x + 6:.1f}" cy="{bottom - 2:.1f}" r="0.9" fill="#ffffff"/>'
    )


def _arrow(start: float, end: float, y: float) -> str:
    tip = end - 4
    return (
        f'<path d="M{start + 4:.1f},{y:.1f} L{tip - 9:.1f},{y:.1f}" stroke="{INK}" stroke-width="2"/>'
        f'<path d="M{tip:.1f},{y:.1f} L{tip - 10:.1f},{y - 6:.1f} L{tip - 10:.1f},{y + 6:.1f} Z" fill="{INK}"/>'
    )


def _text(
    x: float, y: float, text: str, *, bold: bool = False, colour: str = INK, size: int = 11, anchor: str = "start"
) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="sans-serif" font-size="{size}" fill="{colour}" '
        f'text-anchor="{anchor}"{weight}>{escape(text)}</text>'
    )


def _summary(stages: list[dict[str, Any]]) -> str:
    """The picture in words, for screen readers: the stages in order, then the warnings."""
    described = []
    special, abroad = [], []
    for stage in stages:
        systems = stage.get("systems", [])
        names = ", ".join(system.get("name", "") for system in systems)
        count = ngettext("%(count)s system", "%(count)s systems", len(systems)) % {"count": len(systems)}
        described.append(f"{stage.get('name', '')} ({count}{': ' + names if names else ''})")
        special += [s.get("name", "") for s in systems if DataCategory.BIOMETRIC in (s.get("data_categories") or [])]
        abroad += [s.get("name", "") for s in systems if s.get("location") == Location.THIRD_COUNTRY]
    text = ngettext(
        "Data flows through %(count)s stage: %(stages)s.",
        "Data flows through %(count)s stages, from left to right: %(stages)s.",
        len(stages),
    ) % {"count": len(stages), "stages": "; ".join(described)}
    if special:
        text += " " + _("Special-category biometric data in: %(names)s.") % {"names": ", ".join(special)}
    if abroad:
        text += " " + _("In a third country: %(names)s.") % {"names": ", ".join(abroad)}
    return text

"""The risk heat map: severity (up) by likelihood (across), each cell shaded and named by
its risk level, each risk a numbered marker (R1, R2…) in its cell, and a legend.

Plain SVG built from a version's document (`dpia.document.version_document`), so the page
and the WeasyPrint PDF show the same picture: presentation attributes only (no classes,
no scripts, no styles), a generic sans-serif font, `role="img"` with a title and a
description that says in words what the picture shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dpia.models import Scale
from dpia.risk_catalogue import level_labels, rated_level, risk_level

STAGES = {"before": "inherent", "current": "current", "residual": "residual"}
FILL = {"low": "#d9ead3", "medium": "#fde9b6", "high": "#f4cccc"}

LEFT, TOP, GRID_W, GRID_H = 100, 12, 360, 320
LEGEND_LINE, MARKER_R, SLOT = 36, 12, 28
TITLE_CHARS = 64


@dataclass(frozen=True)
class Placed:
    number: str  # "R1"
    title: str
    severity: int | None
    likelihood: int | None
    level: str | None


def level_names() -> dict[str, str]:
    return {"low": _("low"), "medium": _("medium"), "high": _("high")}


def stage_title(stage: str) -> str:
    return {
        "before": _("Risk map before measures"),
        "current": _("Risk map with current measures"),
        "residual": _("Residual risk map (after planned measures)"),
    }[stage]


def placed_risks(document: dict[str, Any], stage: str) -> list[Placed]:
    """Each risk of the document with its number and its cell at `stage` (None when unrated)."""
    prefix = STAGES[stage]
    scale = document.get("scale") or Scale.FOUR
    placed = []
    for index, risk in enumerate(document.get("risks", []), start=1):
        level = rated_level(risk, prefix, scale)
        severity = int(risk[f"{prefix}_severity"]) if level else None
        likelihood = int(risk[f"{prefix}_likelihood"]) if level else None
        placed.append(Placed(f"R{index}", str(risk.get("title", "")), severity, likelihood, level))
    return placed


def heatmap_svg(document: dict[str, Any], *, stage: str = "residual", id_prefix: str = "") -> SafeString:
    """The heat map of `document`'s risks at `stage` (before, current or residual).

    `id_prefix` keeps the title and description ids unique when a page shows several maps.
    """
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    scale = document.get("scale") or Scale.FOUR
    severities, likelihoods = level_labels(scale)
    size = len(severities)
    risks = placed_risks(document, stage)
    names = level_names()
    cell_w, cell_h = GRID_W / size, GRID_H / size
    legend_top = TOP + GRID_H + 64
    width, height = LEFT + GRID_W + 20, legend_top + LEGEND_LINE * max(1, len(risks))
    ident = id_prefix or f"heatmap-{stage}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" aria-labelledby="{ident}-title {ident}-desc" '
        f'font-family="sans-serif" font-size="12">',
        f'<title id="{ident}-title">{escape(stage_title(stage))}</title>',
        f'<desc id="{ident}-desc">{escape(_describe(risks, severities, likelihoods, names))}</desc>',
    ]
    for row in range(size):
        severity = size - row
        y = TOP + row * cell_h
        parts.append(
            f'<text x="{LEFT - 8}" y="{y + cell_h / 2 + 4:.1f}" text-anchor="end">{escape(severities[severity])}</text>'
        )
        for column in range(size):
            likelihood = column + 1
            x = LEFT + column * cell_w
            inside = [r for r in risks if r.severity == severity and r.likelihood == likelihood]
            parts.append(_cell(x, y, cell_w, cell_h, severity, likelihood, risk_level(severity, likelihood, scale),
                               inside, names))  # fmt: skip
    for column in range(size):
        x = LEFT + column * cell_w + cell_w / 2
        parts.append(
            f'<text x="{x:.1f}" y="{TOP + GRID_H + 18}" text-anchor="middle">{escape(likelihoods[column + 1])}</text>'
        )
    parts += [
        f'<text x="{LEFT + GRID_W / 2:.1f}" y="{TOP + GRID_H + 40}" text-anchor="middle" font-weight="bold">'
        f"{escape(_('Likelihood'))}</text>",
        f'<text x="16" y="{TOP + GRID_H / 2:.1f}" text-anchor="middle" font-weight="bold" '
        f'transform="rotate(-90 16 {TOP + GRID_H / 2:.1f})">{escape(_("Severity"))}</text>',
        *_legend(risks, severities, likelihoods, names, legend_top),
        "</svg>",
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _cell(x: float, y: float, w: float, h: float, severity: int, likelihood: int, level: str,
          inside: list[Placed], names: dict[str, str]) -> str:  # fmt: skip
    parts = [
        f'<g data-severity="{severity}" data-likelihood="{likelihood}" data-level="{level}">',
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{FILL[level]}" '
        f'stroke="#ffffff" stroke-width="2"/>',
        f'<text x="{x + 6:.1f}" y="{y + 14:.1f}" font-size="10" fill="#333333">{escape(names[level])}</text>',
    ]
    columns = max(1, int((w - 4) // SLOT))
    rows = max(1, int((h - 22) // SLOT))
    capacity = columns * rows
    shown = inside if len(inside) <= capacity else inside[: capacity - 1]
    for slot, risk in enumerate(shown):
        cx = x + 6 + MARKER_R + (slot % columns) * SLOT
        cy = y + 20 + MARKER_R + (slot // columns) * SLOT
        parts.append(_marker(cx, cy, risk.number, f"{risk.number}: {risk.title}", risk.number))
    if len(shown) < len(inside):
        slot, rest = capacity - 1, inside[len(shown) :]
        cx = x + 6 + MARKER_R + (slot % columns) * SLOT
        cy = y + 20 + MARKER_R + (slot // columns) * SLOT
        others = ", ".join(r.number for r in rest)
        parts.append(_marker(cx, cy, f"+{len(rest)}", _("Also here: %(risks)s") % {"risks": others}, ""))
    parts.append("</g>")
    return "".join(parts)


def _marker(cx: float, cy: float, label: str, tooltip: str, number: str) -> str:
    data = f' data-risk="{escape(number)}"' if number else ""
    return (
        f"<g{data}><title>{escape(tooltip)}</title>"
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{MARKER_R}" fill="#1f3a5f" stroke="#ffffff" stroke-width="1.5"/>'
        f'<text x="{cx:.1f}" y="{cy + 3.5:.1f}" text-anchor="middle" font-size="{10 if len(label) < 3 else 8.5}" '
        f'font-weight="bold" '
        f'fill="#ffffff">{escape(label)}</text></g>'
    )


def _line(risk: Placed, severities: dict[int, str], likelihoods: dict[int, str], names: dict[str, str]) -> str:
    return f"{risk.number} {risk.title}: {_rating(risk, severities, likelihoods, names)}"


def _describe(risks: list[Placed], severities: dict[int, str], likelihoods: dict[int, str],
              names: dict[str, str]) -> str:  # fmt: skip
    if not risks:
        return _("No risks recorded.")
    return " ".join(f"{_line(risk, severities, likelihoods, names)}." for risk in risks)


def _legend(risks: list[Placed], severities: dict[int, str], likelihoods: dict[int, str],
            names: dict[str, str], top: float) -> list[str]:  # fmt: skip
    """Two lines per risk: its number and title, then its rating in words (titles shortened to fit)."""
    if not risks:
        return [f'<text x="12" y="{top}">{escape(_("No risks recorded."))}</text>']
    lines = []
    for index, risk in enumerate(risks):
        y = top + index * LEGEND_LINE
        title = risk.title if len(risk.title) <= TITLE_CHARS else risk.title[: TITLE_CHARS - 1].rstrip() + "…"
        lines += [
            f'<text x="12" y="{y:.0f}" font-weight="bold">{escape(risk.number)}</text>',
            f'<text x="44" y="{y:.0f}">{escape(title)}</text>',
            f'<text x="44" y="{y + 15:.0f}" font-size="11" fill="#333333">'
            f"{escape(_rating(risk, severities, likelihoods, names))}</text>",
        ]
    return lines


def _rating(risk: Placed, severities: dict[int, str], likelihoods: dict[int, str], names: dict[str, str]) -> str:
    if risk.level is None or risk.severity is None or risk.likelihood is None:
        return _("not rated on this scale")
    return _("severity %(severity)s, likelihood %(likelihood)s: %(level)s risk") % {
        "severity": severities[risk.severity],
        "likelihood": likelihoods[risk.likelihood],
        "level": names[risk.level],
    }

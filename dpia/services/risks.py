"""Editing the risks of a draft version and the measures against them.

Every rating (before measures, with current measures, residual) needs its justification;
the three-by-three scale has no fourth level; a planned or in-progress measure is part of
the action plan and needs an owner and a due date. Each change locks the assessment,
checks the version is still a draft and writes one history entry, in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from dpia.document import RISK_FIELDS
from dpia.feared_events import CATALOGUE
from dpia.models import AssessmentVersion, Measure, MeasureStatus, Risk, RiskKind, Safeguard, Scale
from dpia.risk_catalogue import STAGES, catalogue_risk, scale_top
from dpia.services.common import DpiaError, locked_draft, record_edit, refetch

TEXT_FIELDS = ("title", "impacts", "threats", "sources", *(f"{stage}_justification" for stage in STAGES))
ACTION_PLAN = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)


def stage_label(stage: str) -> str:
    return {
        "inherent": _("before measures"),
        "current": _("with current measures"),
        "residual": _("residual (after planned measures)"),
    }[stage]


# Risks ------------------------------------------------------------------------------------


def risk_add(
    *, version: AssessmentVersion, actor: Any, values: Mapping[str, Any], measures: Iterable[Measure] = ()
) -> Risk:
    """A new risk at the end of the list; `values` holds `dpia.document.RISK_FIELDS`."""
    with transaction.atomic():
        version = locked_draft(version)
        data = risk_values(version, values)
        last = version.risks.aggregate(last=Max("order"))["last"]
        risk = Risk.objects.create(version=version, order=0 if last is None else last + 1, **data)
        risk.measures.set(_own(version, measures))
        record_edit(version, actor, "risk_add", _("Risk “%(title)s” added.") % {"title": risk.title})
    return risk


def risk_update(
    *, risk: Risk, actor: Any, values: Mapping[str, Any], measures: Iterable[Measure] | None = None
) -> Risk:
    """Change a risk's description and ratings (and, when given, the measures against it)."""
    with transaction.atomic():
        version = locked_draft(risk.version)
        risk = refetch(version.risks.all(), risk.pk)
        for field, value in risk_values(version, values).items():
            setattr(risk, field, value)
        risk.save()
        if measures is not None:
            risk.measures.set(_own(version, measures))
        record_edit(version, actor, "risk_update", _("Risk “%(title)s” changed.") % {"title": risk.title})
    return risk


def risk_remove(*, risk: Risk, actor: Any) -> None:
    with transaction.atomic():
        version = locked_draft(risk.version)
        risk = refetch(version.risks.all(), risk.pk)
        title = risk.title
        risk.delete()
        record_edit(version, actor, "risk_remove", _("Risk “%(title)s” removed.") % {"title": title})


def risks_add_from_catalogue(*, version: AssessmentVersion, actor: Any, kinds: Iterable[str]) -> list[Risk]:
    """The catalogue's risks of `kinds`, with its typical ratings for the author to confirm.

    A kind the version already has a risk of is skipped, so adding twice makes no duplicates.
    """
    kinds = list(dict.fromkeys(kinds))
    if not kinds:
        raise DpiaError(_("Tick at least one risk of the catalogue to add."))
    unknown = [kind for kind in kinds if kind not in CATALOGUE]
    if unknown:
        raise DpiaError(_("These are not risks of the catalogue: %(kinds)s.") % {"kinds": ", ".join(unknown)})
    with transaction.atomic():
        version = locked_draft(version)
        present = set(version.risks.values_list("kind", flat=True))
        last = version.risks.aggregate(last=Max("order"))["last"]
        order = 0 if last is None else last + 1
        added = []
        for kind in kinds:
            if kind in present:
                continue
            data = catalogue_risk(kind, {}, scale=version.scale)
            data.pop("measures")
            added.append(Risk.objects.create(version=version, order=order, **data))
            order += 1
        if added:
            titles = ", ".join(f"“{risk.title}”" for risk in added)
            record_edit(
                version, actor, "risk_add", _("Risks added from the catalogue: %(titles)s.") % {"titles": titles}
            )
    return added


def risk_measures_set(*, risk: Risk, actor: Any, measures: Iterable[Measure]) -> Risk:
    """The measures that address `risk`, replacing those linked before."""
    with transaction.atomic():
        version = locked_draft(risk.version)
        risk = refetch(version.risks.all(), risk.pk)
        own = _own(version, measures)
        risk.measures.set(own)
        summary = _("Measures against “%(title)s”: %(measures)s.") % {
            "title": risk.title,
            "measures": ", ".join(measure.title for measure in own) or _("none"),
        }
        record_edit(version, actor, "risk_measures", summary)
    return risk


def risk_values(version: AssessmentVersion, values: Mapping[str, Any]) -> dict[str, Any]:
    """The risk fields of `values`, cleaned; DpiaError naming every problem at once."""
    data = {field: values.get(field) for field in RISK_FIELDS}
    for field in TEXT_FIELDS:
        data[field] = str(data[field] or "").strip()
    problems = []
    if data["kind"] not in RiskKind.values:
        problems.append(_("Choose the feared event from the list."))
    if not data["title"]:
        problems.append(_("Give the risk a title."))
    top = scale_top(version.scale)
    for stage in STAGES:
        for axis, axis_label in (("severity", _("severity")), ("likelihood", _("likelihood"))):
            field = f"{stage}_{axis}"
            rating = _rating(data[field])
            data[field] = rating
            if rating is None or not 1 <= rating <= top:
                problems.append(_rating_problem(version.scale, axis_label, stage, rating))
        if not data[f"{stage}_justification"]:
            problems.append(
                _("Justify the rating %(stage)s: every severity and likelihood needs its reason.")
                % {"stage": stage_label(stage)}
            )
    if problems:
        raise DpiaError(" ".join(problems))
    return data


def _rating(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _rating_problem(scale: str, axis: str, stage: str, value: int | None) -> str:
    if scale == Scale.THREE and value is not None and value > 3:
        return _(
            "The three-by-three scale has three levels: rate the %(axis)s %(stage)s from 1 to 3, not %(value)s."
        ) % {"axis": axis, "stage": stage_label(stage), "value": value}
    return _("Rate the %(axis)s %(stage)s.") % {"axis": axis, "stage": stage_label(stage)}


# Measures ---------------------------------------------------------------------------------


def measure_add(
    *,
    version: AssessmentVersion,
    actor: Any,
    values: Mapping[str, Any],
    safeguard: Safeguard | None = None,
    risks: Iterable[Risk] = (),
) -> Measure:
    """A new measure; starting from a catalogue `safeguard` copies its name and how it works
    into an empty title and description."""
    data = measure_values(values, safeguard)
    with transaction.atomic():
        version = locked_draft(version)
        measure = Measure.objects.create(version=version, safeguard=safeguard, **data)
        measure.risks.set(_own(version, risks))
        record_edit(version, actor, "measure_add", _("Measure “%(title)s” added.") % {"title": measure.title})
    return measure


def measure_update(
    *,
    measure: Measure,
    actor: Any,
    values: Mapping[str, Any],
    safeguard: Safeguard | None = None,
    risks: Iterable[Risk] | None = None,
) -> Measure:
    """Change a measure (its catalogue safeguard is set to `safeguard`, None for none)."""
    data = measure_values(values, safeguard)
    with transaction.atomic():
        version = locked_draft(measure.version)
        measure = refetch(version.measures.all(), measure.pk)
        for field, value in data.items():
            setattr(measure, field, value)
        measure.safeguard = safeguard
        measure.save()
        if risks is not None:
            measure.risks.set(_own(version, risks))
        record_edit(version, actor, "measure_update", _("Measure “%(title)s” changed.") % {"title": measure.title})
    return measure


def measure_remove(*, measure: Measure, actor: Any) -> None:
    with transaction.atomic():
        version = locked_draft(measure.version)
        measure = refetch(version.measures.all(), measure.pk)
        title = measure.title
        measure.delete()
        record_edit(version, actor, "measure_remove", _("Measure “%(title)s” removed.") % {"title": title})


def measure_values(values: Mapping[str, Any], safeguard: Safeguard | None) -> dict[str, Any]:
    """The measure fields of `values`, cleaned; DpiaError naming every problem at once."""
    title = str(values.get("title") or "").strip()
    description = str(values.get("description") or "").strip()
    if safeguard is not None:
        title = title or safeguard.name
        description = description or safeguard.how
    data = {
        "title": title,
        "description": description,
        "status": values.get("status") or "",
        "owner": str(values.get("owner") or "").strip(),
        "due_date": _date(values.get("due_date")),
    }
    problems = []
    if not title:
        problems.append(_("Give the measure a title, or start from a catalogue safeguard."))
    if data["status"] not in MeasureStatus.values:
        problems.append(_("Choose the measure's status."))
    elif data["status"] in ACTION_PLAN and not (data["owner"] and data["due_date"]):
        missing = [
            label for label, value in ((_("an owner"), data["owner"]), (_("a due date"), data["due_date"])) if not value
        ]
        problems.append(
            _("A planned or in-progress measure goes into the action plan, which needs %(missing)s for it.")
            % {"missing": _(" and ").join(str(item) for item in missing)}
        )
    if problems:
        raise DpiaError(" ".join(problems))
    return data


def _date(value: Any) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DpiaError(_("Give the due date as a date, for example 2026-03-31.")) from None


# Shared -----------------------------------------------------------------------------------


def _own(version: AssessmentVersion, rows: Iterable[Any]) -> list[Any]:
    """`rows`, which must all belong to `version` (a form offers nothing else; a forged post might)."""
    rows = list(rows)
    if any(getattr(row, "version_id", None) != version.pk for row in rows):
        raise DpiaError(_("Only the measures and risks of this version can be linked."))
    return rows

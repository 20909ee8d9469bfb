"""Editing the data-flow map of a draft version: its stages and the systems at each stage.

Every change locks the assessment, checks that the version is still a draft (a version
submitted meanwhile must not change under the evaluator) and writes one history entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dpia.models import (
    AssessmentVersion,
    DataCategory,
    FlowStage,
    FlowSystem,
    Location,
    StageKind,
    TransferSafeguard,
)
from dpia.services.common import DpiaError, locked_draft, record_edit, refetch


def _stage_values(kind: str, name: str) -> tuple[str, str]:
    name = " ".join(name.split())
    if not name:
        raise DpiaError(_("Give the stage a name."))
    if kind not in StageKind.values:
        raise DpiaError(_("Choose the kind of stage from the list."))
    return kind, name


def flow_stage_add(*, version: AssessmentVersion, actor: Any, kind: str, name: str) -> FlowStage:
    """A new stage after the last one."""
    kind, name = _stage_values(kind, name)
    with transaction.atomic():
        version = locked_draft(version)
        last = version.stages.aggregate(last=Max("order"))["last"]
        stage = FlowStage.objects.create(version=version, order=0 if last is None else last + 1, kind=kind, name=name)
        record_edit(
            version, actor, "flow_stage_add", _("Stage “%(name)s” added to the data-flow map.") % {"name": name}
        )
    return stage


def flow_stage_update(*, stage: FlowStage, actor: Any, kind: str, name: str) -> FlowStage:
    """Rename a stage or change its kind."""
    kind, name = _stage_values(kind, name)
    with transaction.atomic():
        version = locked_draft(stage.version)
        stage = refetch(FlowStage.objects.all(), stage.pk)
        old = stage.name
        stage.kind, stage.name = kind, name
        stage.save(update_fields=["kind", "name"])
        summary = _("Stage “%(old)s” changed (now “%(name)s”, %(kind)s).") % {
            "old": old,
            "name": name,
            "kind": stage.get_kind_display().lower(),
        }
        record_edit(version, actor, "flow_stage_update", summary)
    return stage


def flow_stage_remove(*, stage: FlowStage, actor: Any) -> None:
    """Remove a stage with its systems."""
    with transaction.atomic():
        version = locked_draft(stage.version)
        stage = refetch(FlowStage.objects.all(), stage.pk)
        count = stage.systems.count()
        summary = ngettext(
            "Stage “%(name)s” removed from the data-flow map, with its %(count)s system.",
            "Stage “%(name)s” removed from the data-flow map, with its %(count)s systems.",
            count,
        ) % {"name": stage.name, "count": count}
        stage.delete()
        record_edit(version, actor, "flow_stage_remove", summary)


def flow_stage_move(*, stage: FlowStage, actor: Any, direction: str) -> FlowStage:
    """Swap a stage with its neighbour ("up": one place earlier, "down": one place later)."""
    if direction not in ("up", "down"):
        raise DpiaError(_("Move the stage up or down."))
    with transaction.atomic():
        version = locked_draft(stage.version)
        stages = list(version.stages.order_by("order", "id"))
        index = next(i for i, item in enumerate(stages) if item.pk == stage.pk)
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(stages):
            raise DpiaError(
                _("This stage is already the first.") if direction == "up" else _("This stage is already the last.")
            )
        stages[index], stages[other] = stages[other], stages[index]
        _renumber(stages)
        summary = _("Stage “%(name)s” moved to place %(place)s.") % {"name": stages[other].name, "place": other + 1}
        record_edit(version, actor, "flow_stage_move", summary)
    return stages[other]


def _renumber(rows: list[Any]) -> None:
    """Orders 0, 1, 2… in list order (rows restored from a document may share an order)."""
    for order, row in enumerate(rows):
        if row.order != order:
            row.order = order
            row.save(update_fields=["order"])


def _system_values(
    *,
    name: str,
    data_categories: Iterable[str],
    location: str,
    country: str,
    transfer_safeguard: str,
    retention_days: int | None,
    access: str,
    safeguards: str,
) -> dict[str, Any]:
    name = " ".join(name.split())
    if not name:
        raise DpiaError(_("Name the system (for example “Entrance camera” or “Footage server”)."))
    categories = list(dict.fromkeys(data_categories))
    unknown = [category for category in categories if category not in DataCategory.values]
    if unknown:
        raise DpiaError(_("Unknown data categories: %(names)s.") % {"names": ", ".join(unknown)})
    if location not in Location.values:
        raise DpiaError(_("Choose where the system is from the list."))
    if transfer_safeguard not in TransferSafeguard.values:
        raise DpiaError(_("Choose the transfer safeguard from the list."))
    if retention_days is not None and retention_days < 0:
        raise DpiaError(_("The retention is a number of days, zero or more."))
    abroad = location == Location.THIRD_COUNTRY
    # A country and a transfer safeguard only mean something for a third country.
    return {
        "name": name,
        "data_categories": [category for category in DataCategory.values if category in categories],
        "location": location,
        "country": " ".join(country.split()) if abroad else "",
        "transfer_safeguard": transfer_safeguard if abroad else "",
        "retention_days": retention_days,
        "access": access.strip(),
        "safeguards": safeguards.strip(),
    }


def flow_system_add(
    *,
    stage: FlowStage,
    actor: Any,
    name: str,
    location: str,
    data_categories: Iterable[str] = (),
    country: str = "",
    transfer_safeguard: str = "",
    retention_days: int | None = None,
    access: str = "",
    safeguards: str = "",
) -> FlowSystem:
    """A new system at the end of `stage`."""
    values = _system_values(
        name=name,
        data_categories=data_categories,
        location=location,
        country=country,
        transfer_safeguard=transfer_safeguard,
        retention_days=retention_days,
        access=access,
        safeguards=safeguards,
    )
    with transaction.atomic():
        version = locked_draft(stage.version)
        stage = refetch(FlowStage.objects.all(), stage.pk)
        last = stage.systems.aggregate(last=Max("order"))["last"]
        system = FlowSystem.objects.create(stage=stage, order=0 if last is None else last + 1, **values)
        summary = _("System “%(name)s” added at stage “%(stage)s”.") % {"name": system.name, "stage": stage.name}
        record_edit(version, actor, "flow_system_add", summary)
    return system


def flow_system_update(
    *,
    system: FlowSystem,
    actor: Any,
    name: str,
    location: str,
    data_categories: Iterable[str] = (),
    country: str = "",
    transfer_safeguard: str = "",
    retention_days: int | None = None,
    access: str = "",
    safeguards: str = "",
) -> FlowSystem:
    """Change what the map says about one system."""
    values = _system_values(
        name=name,
        data_categories=data_categories,
        location=location,
        country=country,
        transfer_safeguard=transfer_safeguard,
        retention_days=retention_days,
        access=access,
        safeguards=safeguards,
    )
    with transaction.atomic():
        version = locked_draft(system.stage.version)
        system = refetch(FlowSystem.objects.select_related("stage"), system.pk)
        old = system.name
        for field, value in values.items():
            setattr(system, field, value)
        system.save(update_fields=list(values))
        summary = _("System “%(old)s” at stage “%(stage)s” changed.") % {"old": old, "stage": system.stage.name}
        record_edit(version, actor, "flow_system_update", summary)
    return system


def flow_system_remove(*, system: FlowSystem, actor: Any) -> None:
    with transaction.atomic():
        version = locked_draft(system.stage.version)
        system = refetch(FlowSystem.objects.select_related("stage"), system.pk)
        summary = _("System “%(name)s” removed from stage “%(stage)s”.") % {
            "name": system.name,
            "stage": system.stage.name,
        }
        system.delete()
        record_edit(version, actor, "flow_system_remove", summary)

"""The legal basis of a draft version: its purposes, each with an Art. 6 basis, an Art. 9
condition where special-category data is processed, and the balancing test that
legitimate interests need.

Biometric data in the map without any Art. 9 condition is not refused here (the map and
the purposes are filled in either order); `dpia.map_checks` flags it on both tabs.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from dpia.models import Art6Basis, Art9Condition, AssessmentVersion, Purpose
from dpia.services.common import DpiaError, locked_draft, record_edit, refetch

# The parts of the balancing test, in the order a DPO answers them.
BALANCING_FIELDS = ("interest", "necessity", "balancing", "balancing_safeguards", "objection")
PURPOSE_TEXT_FIELDS = ("camera_name", "description", *BALANCING_FIELDS)


def balancing_missing_fields(purpose: dict[str, Any]) -> list[str]:
    """The balancing-test fields a purpose still lacks ([] unless its basis is legitimate
    interests). `purpose` is one entry of a version document's purposes, or a form's data."""
    if purpose.get("art6_basis") != Art6Basis.LEGITIMATE_INTERESTS:
        return []
    return [field for field in BALANCING_FIELDS if not str(purpose.get(field) or "").strip()]


def balancing_missing(purpose: dict[str, Any]) -> list[str]:
    """The same as `balancing_missing_fields`, as labels a person reads."""
    fields = balancing_missing_fields(purpose)
    return [str(Purpose._meta.get_field(field).verbose_name) for field in fields]  # type: ignore[union-attr]


def _values(**fields: Any) -> dict[str, Any]:
    values = {field: str(fields.get(field) or "").strip() for field in PURPOSE_TEXT_FIELDS}
    values["art6_basis"] = fields["art6_basis"]
    values["art9_condition"] = fields.get("art9_condition") or ""
    if not values["description"]:
        raise DpiaError(_("Describe the purpose: what the processing is for."))
    if values["art6_basis"] not in Art6Basis.values:
        raise DpiaError(_("Choose the Art. 6 legal basis from the list."))
    if values["art9_condition"] not in Art9Condition.values:
        raise DpiaError(_("Choose the Art. 9 condition from the list."))
    missing = balancing_missing(values)
    if missing:
        raise DpiaError(
            _("Legitimate interests need the balancing test. Still missing: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    if values["art6_basis"] != Art6Basis.LEGITIMATE_INTERESTS:
        # Answers kept from an earlier basis would read as if the test had been made.
        values.update(dict.fromkeys(BALANCING_FIELDS, ""))
    return values


def purpose_add(
    *,
    version: AssessmentVersion,
    actor: Any,
    description: str,
    art6_basis: str,
    art9_condition: str = "",
    camera_name: str = "",
    interest: str = "",
    necessity: str = "",
    balancing: str = "",
    balancing_safeguards: str = "",
    objection: str = "",
) -> Purpose:
    """A new purpose after the last one."""
    values = _values(
        description=description,
        art6_basis=art6_basis,
        art9_condition=art9_condition,
        camera_name=camera_name,
        interest=interest,
        necessity=necessity,
        balancing=balancing,
        balancing_safeguards=balancing_safeguards,
        objection=objection,
    )
    with transaction.atomic():
        version = locked_draft(version)
        last = version.purposes.aggregate(last=Max("order"))["last"]
        purpose = Purpose.objects.create(version=version, order=0 if last is None else last + 1, **values)
        record_edit(version, actor, "purpose_add", _("Purpose added: %(purpose)s.") % {"purpose": purpose})
    return purpose


def purpose_update(
    *,
    purpose: Purpose,
    actor: Any,
    description: str,
    art6_basis: str,
    art9_condition: str = "",
    camera_name: str = "",
    interest: str = "",
    necessity: str = "",
    balancing: str = "",
    balancing_safeguards: str = "",
    objection: str = "",
) -> Purpose:
    """Change a purpose, its basis or its balancing test."""
    values = _values(
        description=description,
        art6_basis=art6_basis,
        art9_condition=art9_condition,
        camera_name=camera_name,
        interest=interest,
        necessity=necessity,
        balancing=balancing,
        balancing_safeguards=balancing_safeguards,
        objection=objection,
    )
    with transaction.atomic():
        version = locked_draft(purpose.version)
        purpose = refetch(Purpose.objects.all(), purpose.pk)
        for field, value in values.items():
            setattr(purpose, field, value)
        purpose.save(update_fields=list(values))
        summary = _("Purpose changed: %(purpose)s (%(basis)s).") % {
            "purpose": purpose,
            "basis": purpose.get_art6_basis_display(),
        }
        record_edit(version, actor, "purpose_update", summary)
    return purpose


def purpose_remove(*, purpose: Purpose, actor: Any) -> None:
    with transaction.atomic():
        version = locked_draft(purpose.version)
        purpose = refetch(Purpose.objects.all(), purpose.pk)
        summary = _("Purpose removed: %(purpose)s.") % {"purpose": purpose}
        purpose.delete()
        record_edit(version, actor, "purpose_remove", summary)

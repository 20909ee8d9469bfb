"""Editing the safeguard catalogue.

The catalogue belongs to no assessment, so its changes go to the access log (who changed
which entry, and how) rather than to an assessment's history. Measures already taken from
an entry keep their own copy of its words: editing the catalogue never changes what an
assessment says.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from compliance.access_log import record_access
from dpia.models import Effort, Safeguard, SafeguardKind
from dpia.services.common import DpiaError

FIELDS = ("name", "kind", "how", "effort", "accuracy_effect", "small_business", "active")


def safeguard_create(*, actor: Any, values: Mapping[str, Any], ip: str | None = None) -> Safeguard:
    """A new catalogue entry; its key is given, or made from its name."""
    data = safeguard_values(values)
    key = slugify(str(values.get("key") or "").strip() or data["name"])[:80]
    if not key:
        raise DpiaError(_("Give the safeguard a key made of letters, digits and hyphens."))
    with transaction.atomic():
        if Safeguard.objects.filter(key=key).exists():
            raise DpiaError(_("The catalogue already has a safeguard with the key “%(key)s”.") % {"key": key})
        safeguard = Safeguard.objects.create(key=key, **data)
        record_access(actor=actor, action="dpia.safeguard_create", target=safeguard, reason=f"{key}: {data['name']}",
                      ip=ip)  # fmt: skip
    return safeguard


def safeguard_update(
    *, safeguard: Safeguard, actor: Any, values: Mapping[str, Any], ip: str | None = None
) -> Safeguard:
    """Change a catalogue entry (its key stays: measures and exported assessments refer to it)."""
    data = safeguard_values(values)
    with transaction.atomic():
        safeguard = Safeguard.objects.select_for_update().get(pk=safeguard.pk)
        changed = [field for field, value in data.items() if getattr(safeguard, field) != value]
        for field, value in data.items():
            setattr(safeguard, field, value)
        safeguard.save()
        reason = f"{safeguard.key}: {', '.join(changed) or 'no change'}"
        record_access(actor=actor, action="dpia.safeguard_update", target=safeguard, reason=reason, ip=ip)
    return safeguard


def safeguard_values(values: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {field: str(values.get(field) or "").strip() for field in FIELDS if field != "active"}
    data["active"] = bool(values.get("active"))
    problems = []
    if not data["name"]:
        problems.append(_("Give the safeguard a name."))
    if not data["how"]:
        problems.append(_("Say how the safeguard works."))
    if data["kind"] not in SafeguardKind.values:
        problems.append(_("Choose the kind of safeguard from the list."))
    if data["effort"] not in Effort.values:
        problems.append(_("Choose the effort from the list."))
    if problems:
        raise DpiaError(" ".join(problems))
    return data

"""Changing the organisation's settings: audited, and announced to the apps that keep
dates computed from them (the DSAR deadlines follow the country, region, time zone and
identity-clock policy)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from compliance.access_log import record_access
from compliance.models import Organisation


def organisation_zone() -> ZoneInfo:
    """The organisation's time zone: jobs run without a request, so none is active there."""
    return ZoneInfo(Organisation.current().time_zone)


def local_date(moment: datetime) -> date:
    """The organisation's local date at an aware moment (never the UTC date)."""
    return moment.astimezone(organisation_zone()).date()


def local_today(now: datetime | None = None) -> date:
    return local_date(now or timezone.now())


# Sent inside the saving transaction with `organisation`, `changed` (field names) and `actor`.
organisation_changed = Signal()

FIELDS = (
    "name",
    "country",
    "subdivision",
    "time_zone",
    "dpo_name",
    "dpo_email",
    "supervisory_authority",
    "identity_clock",
    "dsar_reminder_days",
    "dsar_hold_grace_days",
)


def organisation_save(*, actor: Any, values: dict[str, Any], ip: str | None = None) -> list[str]:
    """Store the changed values; the access log names each field with its old and new
    value. Returns the names of the fields that changed."""
    with transaction.atomic():
        Organisation.current()
        organisation = Organisation.objects.select_for_update().get(pk=1)
        changed = [name for name in FIELDS if name in values and getattr(organisation, name) != values[name]]
        if not changed:
            return []
        reason = "; ".join(f"{name}: {getattr(organisation, name)!r} -> {values[name]!r}" for name in changed)
        for name in changed:
            setattr(organisation, name, values[name])
        organisation.full_clean()
        organisation.save(update_fields=changed)
        record_access(actor=actor, action="organisation.change", target=organisation, reason=reason, ip=ip)
        organisation_changed.send(sender=Organisation, organisation=organisation, changed=changed, actor=actor)
    return changed

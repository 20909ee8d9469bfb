"""Reading and changing the retention schedule."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from compliance.access_log import record_access
from compliance.models import RetentionAction, RetentionPolicy
from compliance.signals import announce_configuration_change


def effective_policies(category: str) -> tuple[RetentionPolicy | None, dict[int, RetentionPolicy]]:
    """The category's default policy, and the per-camera overrides by camera id."""
    default, overrides = None, {}
    for policy in RetentionPolicy.objects.filter(category=category):
        if policy.camera_id is None:
            default = policy
        else:
            overrides[policy.camera_id] = policy
    return default, overrides


def cutoff(policy: RetentionPolicy | None, now: datetime) -> datetime | None:
    """Items that ended before this moment are expired; None: the category is kept."""
    if policy is None or policy.action != RetentionAction.DELETE:
        return None
    return now - policy.duration


def category_cutoff(category: str, now: datetime) -> tuple[datetime | None, dict[str, object]]:
    """The cutoff and policy snapshot of a category without camera overrides."""
    policy, _overrides = effective_policies(category)
    return cutoff(policy, now), policy.snapshot() if policy else {}


def _values(policy: RetentionPolicy) -> str:
    return f"{policy.period} {policy.unit}, {policy.action}"


def retention_policy_save(
    *, policy: RetentionPolicy, actor: Any, period: int, unit: str, action: str, ip: str | None = None
) -> RetentionPolicy:
    """Create or change one policy row; the access log records the old and new values."""
    with transaction.atomic():
        old = None if policy.pk is None else _values(RetentionPolicy.objects.select_for_update().get(pk=policy.pk))
        policy.period, policy.unit, policy.action = period, unit, action
        policy.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        policy.save()
        scope = f"camera {policy.camera_id}" if policy.camera_id else "all cameras"
        reason = f"{policy.category} ({scope}): {old or 'none'} -> {_values(policy)}"
        record_access(actor=actor, action="retention.policy_change", target=policy, reason=reason, ip=ip)
        announce_configuration_change(sender=RetentionPolicy, what="retention_policy")
    return policy


def retention_policy_delete(*, policy: RetentionPolicy, actor: Any, ip: str | None = None) -> None:
    """Remove a per-camera override; the camera falls back to the default."""
    if policy.camera_id is None:
        raise ValueError("The default policy of a category cannot be removed.")
    with transaction.atomic():
        record_access(
            actor=actor,
            action="retention.policy_change",
            target=policy,
            reason=f"{policy.category} (camera {policy.camera_id}): {_values(policy)} -> default",
            ip=ip,
        )
        policy.delete()
        announce_configuration_change(sender=RetentionPolicy, what="retention_policy")

"""Inconsistencies in a data-flow map: what the map says against the legal basis and the
configured retention.

The checks read the version document (`dpia.document.version_document`), so a draft, a
frozen version and an imported file are checked the same way; the page, the legal-basis
tab and the PDF show the same findings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext as _

from compliance.models import RetentionAction, RetentionCategory, RetentionPolicy
from compliance.retention.policies import effective_policies
from dpia.models import Assessment, DataCategory, Location

BIOMETRIC_WITHOUT_ART9 = "biometric_without_art9"
TRANSFER_WITHOUT_SAFEGUARD = "transfer_without_safeguard"
TRANSFER_WITHOUT_COUNTRY = "transfer_without_country"
RETENTION_OVER_POLICY = "retention_over_policy"


@dataclass(frozen=True)
class Finding:
    """One inconsistency: `message` says what is wrong and what to do about it."""

    code: str
    message: str
    stage: str
    system: str


def map_findings(document: dict[str, Any], *, retention_limit_days: int | None) -> list[Finding]:
    """Every inconsistency of the map in `document`, in map order (stage, then system).

    `retention_limit_days` is the longest period the configuration allows
    (`retention_limit_days(assessment)`); None means no limit applies.
    """
    has_art9 = any(purpose.get("art9_condition") for purpose in document.get("purposes", []))
    findings: list[Finding] = []
    for stage in document.get("stages", []):
        for system in stage.get("systems", []):
            findings.extend(_system_findings(stage.get("name", ""), system, has_art9, retention_limit_days))
    return findings


def _system_findings(stage: str, system: dict[str, Any], has_art9: bool, limit: int | None) -> list[Finding]:
    name = system.get("name", "")
    names = {"stage": stage, "system": name}
    categories = system.get("data_categories") or []
    found = []
    if DataCategory.BIOMETRIC in categories and not has_art9:
        message = _(
            "“%(system)s” (%(stage)s) creates biometric templates, special-category data, but no purpose "
            "states an Art. 9(2) condition. Add the condition to the purpose on the Legal basis tab, or stop "
            "creating templates."
        )
        found.append(Finding(BIOMETRIC_WITHOUT_ART9, message % names, stage, name))
    if system.get("location") == Location.THIRD_COUNTRY:
        if not system.get("transfer_safeguard"):
            message = _(
                "“%(system)s” (%(stage)s) sends personal data to a third country without a transfer safeguard. "
                "Choose the safeguard the transfer relies on (adequacy decision, standard contractual clauses, "
                "binding corporate rules or a derogation), or keep the data in the EEA."
            )
            found.append(Finding(TRANSFER_WITHOUT_SAFEGUARD, message % names, stage, name))
        if not (system.get("country") or "").strip():
            message = _("“%(system)s” (%(stage)s) is in a third country, but the country is not named. Name it.")
            found.append(Finding(TRANSFER_WITHOUT_COUNTRY, message % names, stage, name))
    days = system.get("retention_days")
    if limit is not None and days is not None and days > limit and _personal(categories):
        message = _(
            "“%(system)s” (%(stage)s) keeps data for %(days)s days, longer than the configured retention "
            "policy (%(limit)s days). Shorten the retention here, or change the policy and say why."
        )
        found.append(Finding(RETENTION_OVER_POLICY, message % {**names, "days": days, "limit": limit}, stage, name))
    return found


def _personal(categories: list[str]) -> bool:
    """A system that holds only anonymised data is outside the retention limits."""
    return not categories or any(category != DataCategory.ANONYMISED for category in categories)


def retention_limit_days(assessment: Assessment) -> int | None:
    """The longest retention the configuration allows for what `assessment` covers, in days.

    The assessment's linked retention policies decide; without any, the raw-footage
    policy in force for each of its cameras (a camera's override, else the default; the
    default alone when it covers no camera). None when one of them keeps data without a
    limit, or when no policy exists. Hours round up to whole days.
    """
    policies: list[RetentionPolicy | None] = list(assessment.retention_policies.all())
    if not policies:
        default, overrides = effective_policies(RetentionCategory.RAW_FOOTAGE)
        camera_ids = list(assessment.cameras.values_list("pk", flat=True))
        policies = [overrides.get(pk, default) for pk in camera_ids] if camera_ids else [default]
    limits = []
    for policy in policies:
        if policy is None or policy.action == RetentionAction.KEEP:
            return None
        limits.append(math.ceil(policy.duration / timedelta(days=1)))
    return max(limits)

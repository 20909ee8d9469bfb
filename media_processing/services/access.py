"""Raw footage is shown only after a reason is given, and every such view is logged."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import transaction

from compliance.access_log import record_access
from media_processing.models import Clip, Recording

SESSION_KEY = "raw_footage_access"
ACTIONS = ("footage.view", "footage.download")


def access_reason(reason: str, reference: str = "") -> str:
    """The reason as the access log records it, with the DSAR or incident reference."""
    return f"{reason} [{reference}]" if reference else reason


def raw_access_grant(
    *,
    session: Any,
    user: Any,
    footage: Recording | Clip,
    action: str,
    reason: str,
    reference: str = "",
    ip: str | None,
) -> None:
    """Write the access event, then let this session play or download the recording (or
    see frames of the clip) for RAW_ACCESS_MINUTES without asking again (a player makes
    many range requests, a track strip many thumbnails)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    with transaction.atomic():
        record_access(actor=user, action=action, target=footage, reason=access_reason(reason, reference), ip=ip)
    grants = dict(session.get(SESSION_KEY, {}))
    grants[_key(footage, action)] = time.time() + settings.RAW_ACCESS_MINUTES * 60
    session[SESSION_KEY] = {key: expiry for key, expiry in grants.items() if expiry > time.time()}


def raw_access_granted(*, session: Any, footage: Recording | Clip, action: str) -> bool:
    expiry = session.get(SESSION_KEY, {}).get(_key(footage, action))
    return expiry is not None and expiry > time.time()


def _key(footage: Recording | Clip, action: str) -> str:
    return f"{action}:{footage._meta.model_name}:{footage.pk}"

"""What the DPIA app does when the spine announces a change (connected in DpiaConfig.ready).

Thin on purpose: the work is the same service the hourly cron runs.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from compliance.signals import configuration_changed
from dpia.living import check_all_assessments


def on_configuration_changed(sender: Any, **kwargs: Any) -> None:
    """A camera or retention policy changed: check the approved assessments right away,
    so the DPO sees "review needed" without waiting for the hourly run."""
    transaction.on_commit(check_all_assessments)


def connect() -> None:
    configuration_changed.connect(on_configuration_changed, dispatch_uid="dpia.check_drift")

"""What the DPIA app does when the spine announces a change (connected in DpiaConfig.ready).

Thin on purpose: the work is the same service the hourly cron runs.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from compliance.signals import configuration_changed
from dpia.living import check_all_assessments

logger = logging.getLogger(__name__)


def on_configuration_changed(sender: Any, **kwargs: Any) -> None:
    """A camera or retention policy changed: check the approved assessments right away,
    so the DPO sees "review needed" without waiting for the hourly run."""
    transaction.on_commit(_check)


def _check() -> None:
    # The change itself is committed; a failing check must not turn it into an error
    # page. The hourly run checks again.
    try:
        check_all_assessments()
    except Exception:
        logger.exception("Checking the impact assessments against the new configuration failed")


def connect() -> None:
    configuration_changed.connect(on_configuration_changed, dispatch_uid="dpia.check_drift")

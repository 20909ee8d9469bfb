"""Announcements the spine makes to the apps built on it, so it never imports them.

`configuration_changed`: something an impact assessment relies on (a retention policy,
a camera's register entry) was saved or removed. It is sent once the change has been
committed (`announce_configuration_change`), with `what` naming the kind of change
("retention_policy", "camera"); receivers must stay thin and must not assume they run
inside a transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

configuration_changed = Signal()


def announce_configuration_change(*, sender: type, what: str) -> None:
    """Send `configuration_changed` when the caller's transaction commits (at once outside one)."""
    transaction.on_commit(lambda: configuration_changed.send(sender=sender, what=what))

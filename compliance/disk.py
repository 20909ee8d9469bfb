"""Free space on the media disk, and the guard that stops new footage when it runs low.

Nothing is deleted early to make room: retention periods are kept as set, and an
administrator frees or adds space.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _


class DiskFullError(Exception):
    """New footage is refused: the media disk has less free space than the minimum."""


def media_disk_usage() -> shutil._ntuple_diskusage:
    folder = Path(settings.MEDIA_ROOT)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # not created yet: measure the disk it will be created on
    return shutil.disk_usage(folder)


def disk_low() -> bool:
    return media_disk_usage().free < settings.MIN_FREE_DISK_MB * 1024 * 1024


def require_free_disk() -> None:
    """Every path that receives footage calls this first."""
    if disk_low():
        raise DiskFullError(
            _(
                "New footage is not accepted: the media disk has less than %(minimum)s MB free. "
                "Ask an administrator to free or add space; nothing was stored."
            )
            % {"minimum": settings.MIN_FREE_DISK_MB}
        )

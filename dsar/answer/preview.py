"""Previews of a clip with the review's current choices, and the missed-face check.

A quick preview renders a few seconds from where the reviewer is in the player; a full
preview renders the whole clip, and frames sampled from it are shown side by side so a
second look can catch a face the detector missed. Both are redacted copies made by the
footage app's render job (`redaction_render_request`), which logs the read of the clip.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from compliance.models import JobRun
from dsar.answer.boxes import frame_total
from dsar.answer.review import item_rendering, item_track_set
from dsar.models import FINAL_STATUSES, ResponseItem
from dsar.services.common import DsarError
from media_processing import engine_config
from media_processing.engine.frames import extract_frame
from media_processing.models import Clip, RedactedCopy
from media_processing.services.redaction import RENDER_KIND, RedactionError, redaction_render_request

PREVIEW_SECONDS = 5.0
PREVIEW_MODE = "blur"
PREVIEW_SHAPE = "ellipse"
CHECK_EVERY_S = 2.0
CHECK_FRAMES = 24
CHECK_WIDTH = 480


def review_preview(*, actor: Any, item: ResponseItem, at_s: float | None, ip: str | None = None) -> JobRun:
    """Queue a preview with the review's current choices: PREVIEW_SECONDS from `at_s`
    (moved back near the end, so it is as long as it can be), or the whole clip for None."""
    if item.request.status in FINAL_STATUSES:
        raise DsarError(_("This request has ended; its footage is no longer previewed."))
    track_set = item_track_set(item)
    start_s = end_s = None
    if at_s is not None:
        if not math.isfinite(at_s) or at_s < 0:
            raise DsarError(_("Choose a moment of the clip in the player, then ask for the preview again."))
        duration = frame_total(track_set) / track_set.fps
        start_s = round(max(0.0, min(at_s, duration - PREVIEW_SECONDS)), 3)
        end_s = round(min(duration, start_s + PREVIEW_SECONDS), 3)
    rendering = item_rendering(item, start_s=start_s, end_s=end_s, mode=PREVIEW_MODE, shape=PREVIEW_SHAPE)
    try:
        return redaction_render_request(footage=item.clip, user=actor, ip=ip, rendering=rendering, track_set=track_set)
    except RedactionError as exc:
        raise DsarError(str(exc)) from exc


def item_previews(item: ResponseItem) -> QuerySet[RedactedCopy]:
    """The redacted copies made from the clip's current detection store, newest first."""
    return RedactedCopy.objects.filter(clip_id=item.clip_id, track_set_id=item.track_set_id).select_related(
        "created_by"
    )


def latest_full_preview(item: ResponseItem) -> RedactedCopy | None:
    return item_previews(item).filter(start_s__isnull=True, end_s__isnull=True).first()


def preview_job(item: ResponseItem) -> JobRun | None:
    """The clip's latest rendering job, to follow on the page."""
    return (
        JobRun.objects.filter(
            subject_type=ContentType.objects.get_for_model(Clip), subject_id=str(item.clip_id), kind=RENDER_KIND
        )
        .select_related("started_by")
        .first()
    )


def is_stale(item: ResponseItem, copy: RedactedCopy) -> bool:
    """Made before the latest change of the review, so it may not show the current choices."""
    return item.reviewed_at is not None and copy.created_at < item.reviewed_at


def check_times(item: ResponseItem, copy: RedactedCopy) -> list[float]:
    """The moments (seconds into the copy) the missed-face check shows: every
    CHECK_EVERY_S seconds, spread further on a long clip so there are at most CHECK_FRAMES."""
    fps = item_track_set(item).fps
    duration = int(copy.record.get("frames") or 0) / fps
    step = max(CHECK_EVERY_S, duration / CHECK_FRAMES)
    return [round(index * step, 3) for index in range(CHECK_FRAMES) if index * step < duration]


def check_frame(copy: RedactedCopy, at_s: float) -> bytes:
    """The redacted copy's frame at `at_s` as a JPEG at most CHECK_WIDTH wide (MediaError if none)."""
    with tempfile.TemporaryDirectory(prefix="check-") as folder:
        jpeg = extract_frame(
            Path(copy.file.path), at_s, Path(folder) / "frame.jpg", tools=engine_config.tools(), max_width=CHECK_WIDTH
        )
        return jpeg.read_bytes()

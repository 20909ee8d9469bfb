"""Job functions run by RQ workers through `compliance.jobs.execute`; thin by design."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from compliance.jobs import JobError, ProgressCallback
from compliance.models import JobRun
from media_processing.engine.errors import MediaError
from media_processing.ingest.pipeline import IngestFailed
from media_processing.ingest.pipeline import ingest as run_ingest
from media_processing.models import Clip, Recording, TrackSet
from media_processing.services.clips import ClipError, clip_cut, clip_fail
from media_processing.services.redaction import (
    RedactionError,
    footage_load,
    redacted_copy_render,
    track_set_detect,
)
from media_processing.services.redaction_media import Rendering, manual_from_json


def ingest(job: JobRun, progress: ProgressCallback, recording_id: int) -> dict[str, Any]:
    recording = Recording.objects.select_related("camera").get(pk=recording_id)
    try:
        recording = run_ingest(recording, progress)
    except IngestFailed as exc:
        raise JobError(exc.message) from exc
    return {"recording": recording.pk, "stored_path": recording.file.path}


def cut_clip(job: JobRun, progress: ProgressCallback, clip_id: int) -> dict[str, Any]:
    clip = Clip.objects.select_related("camera").get(pk=clip_id)
    progress(1, _("Cutting the clip"))
    try:
        clip = clip_cut(clip=clip, progress=lambda fraction: progress(100 * fraction))
    except (ClipError, MediaError) as exc:
        clip_fail(clip=clip, message=str(exc))
        raise JobError(str(exc)) from exc
    except BaseException:
        clip_fail(clip=clip, message=_("The clip could not be cut because of an internal error."))
        raise
    return {"clip": clip.pk, "sha256": clip.sha256}


def detect_tracks(
    job: JobRun, progress: ProgressCallback, recording_id: int | None = None, clip_id: int | None = None
) -> dict[str, Any]:
    footage = footage_load(recording_id=recording_id, clip_id=clip_id)
    progress(1, _("Finding faces and plates"))
    try:
        track_set = track_set_detect(
            footage=footage, user=job.started_by, job=job, progress=lambda fraction: progress(1 + 97 * fraction)
        )
    except (RedactionError, MediaError) as exc:
        raise JobError(str(exc)) from exc
    return {"track_set": track_set.pk, "tracks": track_set.track_count, "detections": track_set.detection_count}


def render_redacted(
    job: JobRun,
    progress: ProgressCallback,
    *,
    mode: str,
    shape: str,
    keep_tracks: list[int],
    keep_audio: bool,
    start_s: float | None = None,
    end_s: float | None = None,
    track_set_id: int | None = None,
    recording_id: int | None = None,
    clip_id: int | None = None,
    manual_boxes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    footage = footage_load(recording_id=recording_id, clip_id=clip_id)
    track_set = TrackSet.objects.get(pk=track_set_id) if track_set_id is not None else None
    rendering = Rendering(
        mode=mode, shape=shape, keep_tracks=frozenset(keep_tracks), keep_audio=keep_audio, start_s=start_s, end_s=end_s,
        manual=manual_from_json(manual_boxes or []),
    )  # fmt: skip
    progress(1, _("Covering faces and plates") if track_set else _("Finding and covering faces and plates"))
    try:
        copy = redacted_copy_render(
            footage=footage,
            user=job.started_by,
            job=job,
            rendering=rendering,
            track_set=track_set,
            progress=lambda fraction: progress(1 + 97 * fraction),
        )
    except (RedactionError, MediaError) as exc:
        raise JobError(str(exc)) from exc
    return {"redacted_copy": copy.pk, "sha256": copy.sha256, "tracks_source": copy.record.get("tracks_source")}

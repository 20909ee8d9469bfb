"""Job functions run by RQ workers through `compliance.jobs.execute`; thin by design."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from compliance.jobs import JobError, ProgressCallback
from compliance.models import JobRun
from media_processing.engine.errors import MediaError
from media_processing.ingest.pipeline import IngestFailed
from media_processing.ingest.pipeline import ingest as run_ingest
from media_processing.models import Clip, Recording
from media_processing.services.clips import ClipError, clip_cut, clip_fail


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

"""Receiving files from every path (upload, import folder, API, command line) and
handing them to the one ingestion pipeline."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from compliance.disk import require_free_disk
from compliance.jobs import execute, start_job
from compliance.models import JobRun
from compliance.models.jobs import JOB_KIND_LABELS
from media_processing import engine_config
from media_processing.ingest.pipeline import safe_file_name
from media_processing.ingest.timing import as_utc
from media_processing.models import Camera, Recording, RecordingStatus

INGEST_KIND = "footage.ingest"
JOB_KIND_LABELS[INGEST_KIND] = _("Footage ingestion")


def recording_receive(
    *,
    camera: Camera,
    source: str,
    path: Path,
    original_name: str,
    take: bool,
    requested_start: datetime | None = None,
    user: Any = None,
    import_folder: str = "",
) -> Recording:
    """Register a file for ingestion and place it where the pipeline takes it from.

    With `take`, the file is moved there (an upload's temporary file, a file from an
    import folder); otherwise it is linked or copied, and the caller's file is left alone.
    Raises `DiskFullError`, storing nothing, when the media disk is below its minimum.
    """
    require_free_disk()
    with transaction.atomic():
        recording = Recording.objects.create(
            camera=camera,
            source=source,
            original_name=Path(original_name).name[:255] or "file",
            requested_start=requested_start,
            ingested_by=user if getattr(user, "is_authenticated", False) else None,
            import_folder=import_folder,
        )
        folder = engine_config.incoming_root() / str(recording.pk)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe_file_name(original_name)
        _place(path, target, take=take)
        recording.incoming_path = str(target)
        recording.save(update_fields=["incoming_path"])
    return recording


def _place(source: Path, target: Path, *, take: bool) -> None:
    if take:
        shutil.move(source, target)
        return
    try:
        os.link(source, target)  # same file system: instant, and the caller's file is untouched
    except OSError:
        shutil.copyfile(source, target)


def recording_accept_upload(
    *, camera: Camera, upload: Any, source: str, start: datetime | None, user: Any
) -> tuple[Recording, JobRun]:
    """Take a file the upload handler streamed to a temporary file (browser or API) and
    queue its ingestion; a start without a zone is the camera's wall clock."""
    recording = recording_receive(
        camera=camera,
        source=source,
        path=Path(upload.temporary_file_path()),
        original_name=upload.name or "",
        take=True,
        requested_start=as_utc(start, camera.time_zone) if start else None,
        user=user,
    )
    return recording, recording_ingest_start(recording=recording, user=user)


def recording_ingest_start(*, recording: Recording, user: Any = None) -> JobRun:
    """Queue the ingestion job; a worker runs the pipeline and reports on the job row."""
    return start_job(
        kind=INGEST_KIND,
        task="media_processing.tasks.ingest",
        arguments={"recording_id": recording.pk},
        subject=recording,
        started_by=user,
    )


def recording_ingest_now(*, recording: Recording, user: Any = None) -> JobRun:
    """Run the ingestion in this process (command line), recorded on a job row all the same."""
    job = start_job(
        kind=INGEST_KIND,
        task="media_processing.tasks.ingest",
        arguments={"recording_id": recording.pk},
        subject=recording,
        started_by=user,
        enqueue=False,
    )
    execute(job.pk)
    job.refresh_from_db()
    return job


def reconcile_stalled_ingestions() -> int:
    """Fail the recordings whose ingestion job ended without finishing them (a killed
    worker, a lost queue): quarantine the original with the job's reason and remove
    any scratch or stored file the job left. Runs from the scheduler."""
    from django.contrib.contenttypes.models import ContentType

    from media_processing.ingest.pipeline import discard_leftovers, recording_fail

    content_type = ContentType.objects.get_for_model(Recording)
    stalled = 0
    for recording in Recording.objects.filter(
        status__in=(RecordingStatus.PENDING, RecordingStatus.PROCESSING)
    ).select_related("camera"):
        job = (
            JobRun.objects.filter(subject_type=content_type, subject_id=str(recording.pk), kind=INGEST_KIND)
            .order_by("-created_at", "-pk")
            .first()
        )
        if job is None or job.is_active:
            continue
        message = job.error or str(_("Ingestion stopped before it finished; the file was not stored."))
        discard_leftovers(recording)
        recording_fail(recording, Path(recording.incoming_path), message, "stopped")
        stalled += 1
    return stalled

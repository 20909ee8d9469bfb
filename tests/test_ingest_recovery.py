"""A worker killed in the middle of an ingestion leaves no recording stuck and no orphan file."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance.jobs import reap_abandoned_jobs
from compliance.models import JobRun, JobStatus
from media_processing.models import Recording, RecordingSource, RecordingStatus
from media_processing.services.ingest import reconcile_stalled_ingestions, recording_ingest_start, recording_receive
from tests.support.footage import make_camera, make_video

pytestmark = pytest.mark.django_db


def test_a_recording_whose_worker_died_is_failed_and_cleaned(media_dirs: Path, tmp_path: Path) -> None:
    camera = make_camera("Hall")
    recording = recording_receive(
        camera=camera, source=RecordingSource.UPLOAD, path=make_video(tmp_path / "hall.mp4"),
        original_name="hall.mp4", take=True,
    )  # fmt: skip
    job = recording_ingest_start(recording=recording)
    # What a worker killed between the store and index steps leaves behind.
    scratch = media_dirs / "media" / "tmp" / f"ingest-{recording.pk}"
    scratch.mkdir(parents=True)
    (scratch / "stripped.mp4").write_bytes(b"partial")
    orphan = media_dirs / "media" / "recordings" / str(camera.pk) / "2026" / "01" / "01" / f"{recording.pk}-ab12.mp4"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"stored but never indexed")
    JobRun.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at="2000-01-01T00:00:00Z")
    Recording.objects.filter(pk=recording.pk).update(status=RecordingStatus.PROCESSING)

    assert reconcile_stalled_ingestions() == 0  # the job still looks alive
    assert reap_abandoned_jobs() == 1
    assert reconcile_stalled_ingestions() == 1

    recording.refresh_from_db()
    assert recording.status == RecordingStatus.FAILED and "abandoned" in recording.error
    assert Path(recording.quarantine_path).is_file()
    assert not scratch.exists() and not orphan.exists()
    assert reconcile_stalled_ingestions() == 0

"""Evidence clips cut by absolute time across consecutive recordings, by stream copy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from compliance.access_log import verify_chain
from compliance.jobs import execute
from compliance.models import AccessEvent, JobRun, JobStatus
from media_processing.engine.hashing import sha256_file
from media_processing.models import ClipStatus, RecordingSource, RecordingStatus
from media_processing.services.clips import ClipError, clip_request
from media_processing.services.ingest import recording_ingest_now, recording_receive
from tests.support.footage import ffprobe, make_camera, make_video

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_a_clip_across_two_recordings(media_dirs: Path, tmp_path: Path, dpo: Any) -> None:
    camera = make_camera("Corridor")
    recordings = []
    for number in range(3):  # three consecutive four-second files, a keyframe every second
        path = make_video(tmp_path / f"part{number}.mp4", seconds=4)
        recording = recording_receive(
            camera=camera, source=RecordingSource.DEMO, path=path, original_name=path.name, take=True,
            requested_start=T0 + timedelta(seconds=4 * number),
        )  # fmt: skip
        recording_ingest_now(recording=recording)
        recording.refresh_from_db()
        assert recording.status == RecordingStatus.READY, recording.error
        recordings.append(recording)

    clip, job = clip_request(
        camera=camera, start=T0 + timedelta(seconds=2), end=T0 + timedelta(seconds=7), reason="Theft on 1 June",
        reference="INC-7", user=dpo, ip="10.0.0.5",
    )  # fmt: skip
    assert set(clip.recordings.all()) == set(recordings[:2])
    events = AccessEvent.objects.filter(action="footage.export")
    assert {event.target_id for event in events} == {str(recordings[0].pk), str(recordings[1].pk)}
    assert all(event.reason == "Theft on 1 June [INC-7]" for event in events)
    assert verify_chain().problem is None

    execute(job.pk)
    job = JobRun.objects.get(pk=job.pk)
    clip.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert clip.status == ClipStatus.READY
    path = Path(clip.file.path)
    assert clip.sha256 == sha256_file(path)
    # Stream copy cuts at keyframes (one per second here): within a second of the 5 s asked for.
    assert clip.duration_seconds is not None and 4.0 <= clip.duration_seconds <= 6.1
    assert float(ffprobe(path)["format"]["duration"]) == pytest.approx(clip.duration_seconds, abs=0.1)


def test_no_footage_no_clip(media_dirs: Path, dpo: Any) -> None:
    camera = make_camera("Empty")
    with pytest.raises(ClipError, match="no stored video"):
        clip_request(
            camera=camera, start=T0, end=T0 + timedelta(minutes=1), reason="x", reference="", user=dpo, ip=None
        )
    with pytest.raises(ClipError, match="after its start"):
        clip_request(camera=camera, start=T0, end=T0, reason="x", reference="", user=dpo, ip=None)


def test_recordings_with_other_video_settings_are_not_joined(media_dirs: Path, tmp_path: Path, dpo: Any) -> None:
    camera = make_camera("Reconfigured")
    for number, size in enumerate(("320x240", "640x480")):
        path = make_video(tmp_path / f"part{number}.mp4", seconds=2, size=size)
        recording = recording_receive(
            camera=camera, source=RecordingSource.DEMO, path=path, original_name=path.name, take=True,
            requested_start=T0 + timedelta(seconds=2 * number),
        )  # fmt: skip
        recording_ingest_now(recording=recording)
        recording.refresh_from_db()
        assert recording.stream_signature  # recorded at ingestion, compared when cutting
    clip, job = clip_request(
        camera=camera, start=T0, end=T0 + timedelta(seconds=4), reason="Check", reference="", user=dpo, ip=None
    )
    execute(job.pk)
    job.refresh_from_db()
    clip.refresh_from_db()
    assert job.status == JobStatus.FAILED and "video settings" in job.error
    assert clip.status == ClipStatus.FAILED and not clip.file
    assert not list((media_dirs / "media" / "clips").rglob("*.mp4"))

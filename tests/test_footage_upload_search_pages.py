"""Uploads from the browser, search by time window, and evidence clips."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from compliance.models import JobRun
from media_processing.models import Camera, Clip, ClipStatus, Recording, RecordingSource
from tests.support.footage import BRUSSELS, events, logged_in, make_camera, make_recording

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_dirs")]

# Uploads --------------------------------------------------------------------------------------


def test_upload_endpoint_receives_a_video_and_queues_its_ingestion(
    client: Client, admin_role: Any, video: Path
) -> None:
    camera = make_camera()

    with video.open("rb") as handle:
        response = logged_in(client, admin_role).post(
            reverse("media_processing:upload_file"),
            {"camera": camera.pk, "start": "2024-03-05T10:00:00", "file": handle},
        )

    assert response.status_code == 202
    body = response.json()
    recording = Recording.objects.get(pk=body["recording"])
    assert recording.source == RecordingSource.UPLOAD
    assert recording.ingested_by == admin_role
    assert recording.original_name == "clip.mp4"
    assert recording.requested_start == datetime(2024, 3, 5, 9, tzinfo=UTC)  # 10:00 on the camera's clock
    assert Path(recording.incoming_path).read_bytes() == video.read_bytes()
    job = JobRun.objects.get(pk=body["job"])
    assert job.kind == "footage.ingest"
    assert (job.subject_type, job.subject_id) == (ContentType.objects.get_for_model(Recording), str(recording.pk))
    assert body["progress_url"] == reverse("job_progress", args=[job.pk])
    assert body["recording_url"] == reverse("media_processing:recording", args=[recording.pk])


def test_upload_endpoint_refuses_an_oversized_file(client: Client, admin_role: Any, video: Path, settings: Any) -> None:
    camera = make_camera()
    settings.MAX_FILE_BYTES = 1000

    with video.open("rb") as handle:
        response = logged_in(client, admin_role).post(
            reverse("media_processing:upload_file"), {"camera": camera.pk, "file": handle}
        )

    assert response.status_code == 413
    assert "larger than this installation accepts" in response.json()["error"]
    assert not Recording.objects.exists()


def test_upload_endpoint_explains_a_missing_camera(client: Client, admin_role: Any, video: Path) -> None:
    with video.open("rb") as handle:
        response = logged_in(client, admin_role).post(reverse("media_processing:upload_file"), {"file": handle})

    assert response.status_code == 400
    assert response.json()["error"] == "This field is required."


# Search and evidence clips --------------------------------------------------------------------


def search_url(camera: Camera, start: str, end: str) -> str:
    return f"{reverse('media_processing:search')}?cameras={camera.pk}&start={start}&end={end}"


def test_search_finds_a_recording_with_its_offsets_and_the_gap(client: Client, handler: Any, video: Path) -> None:
    camera = make_camera()
    start = datetime(2024, 3, 5, 10, tzinfo=BRUSSELS)
    recording = make_recording(camera, start, 600, source_file=video)

    response = logged_in(client, handler).get(search_url(camera, "2024-03-05T09:55:00", "2024-03-05T10:05:00"))

    (result,) = response.context["results"]
    (hit,) = result["hits"]
    assert hit.recording == recording
    assert (hit.from_offset, hit.to_offset) == (0.0, 300.0)
    text = response.content.decode()
    assert "0.0 s to 300.0 s" in text
    assert "Tue 5 Mar 09:55:00 to Tue 5 Mar 10:00:00" in text  # the gap, in the organisation's time
    assert reverse("media_processing:clip_create", args=[camera.pk]) in text


def test_search_offsets_inside_a_recording(client: Client, dpo: Any, video: Path) -> None:
    camera = make_camera()
    make_recording(camera, datetime(2024, 3, 5, 10, tzinfo=BRUSSELS), 600, source_file=video)

    response = logged_in(client, dpo).get(search_url(camera, "2024-03-05T10:02:30", "2024-03-05T10:05:00"))

    (hit,) = response.context["results"][0]["hits"]
    assert (hit.from_offset, hit.to_offset) == (150.0, 300.0)
    assert "150.0 s to 300.0 s" in response.content.decode()


def test_search_refuses_an_end_before_the_start(client: Client, dpo: Any) -> None:
    camera = make_camera()

    response = logged_in(client, dpo).get(search_url(camera, "2024-03-05T10:00:00", "2024-03-05T09:00:00"))

    assert response.context["results"] is None
    assert "The end must come after the start." in response.content.decode()


def clip_post(camera: Camera, start: datetime, end: datetime, reason: str = "Theft on 5 March") -> dict[str, str]:
    prefix = f"clip-{camera.pk}"
    return {
        f"{prefix}-start": start.isoformat(),
        f"{prefix}-end": end.isoformat(),
        f"{prefix}-reason": reason,
        f"{prefix}-reference": "INC-12",
    }


def test_clip_request_without_footage_shows_the_error(client: Client, handler: Any) -> None:
    camera = make_camera()
    start = datetime(2024, 3, 5, 10, tzinfo=BRUSSELS)

    response = logged_in(client, handler).post(
        reverse("media_processing:clip_create", args=[camera.pk]),
        clip_post(camera, start, start.replace(minute=5)),
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert f"Camera {camera.name} has no stored video in that period." in text
    assert 'value="2024-03-05T10:00:00"' in text  # the search it came from, in local time
    assert not Clip.objects.exists()


def test_clip_request_logs_the_export_and_opens_the_clip_page(client: Client, handler: Any, video: Path) -> None:
    camera = make_camera()
    start = datetime(2024, 3, 5, 10, tzinfo=BRUSSELS)
    recording = make_recording(camera, start, 600, source_file=video)

    response = logged_in(client, handler).post(
        reverse("media_processing:clip_create", args=[camera.pk]),
        clip_post(camera, start.replace(minute=1), start.replace(minute=2)),
    )

    clip = Clip.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("media_processing:clip", args=[clip.pk])
    assert events("footage.export", recording)[0].reason == "Theft on 5 March [INC-12]"
    page = client.get(response["Location"]).content.decode()
    assert "Cut by stream copy at keyframes: the clip may start up to a few seconds before the requested time." in page
    assert "Evidence clip" in page


def test_every_clip_download_is_logged(client: Client, auditor: Any, video: Path, settings: Any) -> None:
    camera = make_camera()
    target = Path(settings.MEDIA_ROOT) / "clips" / "1.mp4"
    target.parent.mkdir(parents=True)
    target.write_bytes(video.read_bytes())
    clip = Clip.objects.create(
        camera=camera,
        requested_start=datetime(2024, 3, 5, 9, tzinfo=UTC),
        requested_end=datetime(2024, 3, 5, 9, 1, tzinfo=UTC),
        reason="Police request",
        status=ClipStatus.READY,
        file="clips/1.mp4",
        size=target.stat().st_size,
        sha256="0" * 64,
        duration_seconds=2,
    )
    url = reverse("media_processing:clip_download", args=[clip.pk])
    logged_in(client, auditor)

    first = client.get(url)
    second = client.get(url, HTTP_RANGE="bytes=0-9")

    assert first.status_code == 200
    assert first["Content-Disposition"].startswith("attachment;")
    assert b"".join(first.streaming_content) == video.read_bytes()  # type: ignore[attr-defined]
    assert second.status_code == 206
    assert len(events("footage.download", clip)) == 2

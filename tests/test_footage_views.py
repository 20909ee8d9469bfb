"""The footage pages through the Django test client: the camera register, the mask
editor, raw footage behind a logged reason (with range requests), uploads, search and
evidence clips."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from compliance.models import AccessEvent, JobRun
from media_processing.models import Camera, Clip, ClipStatus, Recording, RecordingSource, Site
from media_processing.views.streaming import Unsatisfiable, parse_range
from tests.support.footage import make_camera, make_recording, make_video

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")  # the organisation's zone, which the pages show


@pytest.fixture(autouse=True)
def footage_dirs(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"
    settings.IMPORT_ROOT = tmp_path / "import"
    settings.QUARANTINE_DIR = tmp_path / "quarantine"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    for folder in ("media", "data", "import", "uploads"):
        (tmp_path / folder).mkdir()


@pytest.fixture
def video(tmp_path: Path) -> Path:
    return make_video(tmp_path / "source" / "clip.mp4", seconds=2)


def logged_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def events(action: str, target: Any) -> list[AccessEvent]:
    label = f"{target._meta.app_label}.{target._meta.model_name}"
    return list(AccessEvent.objects.filter(action=action, target_type=label, target_id=str(target.pk)))


# The camera register ---------------------------------------------------------------------


def camera_post(site: Site, **changes: Any) -> dict[str, Any]:
    return {
        "name": "Loading dock",
        "site": site.pk,
        "description": "Above the dock door",
        "zone_types": ["workplace", "public"],
        "purpose": "Safety of deliveries",
        "legal_basis": "legitimate_interests",
        "time_zone": "Europe/Brussels",
        "anonymise_at_ingest": "on",
        "import_folder": "dock",
        "filename_pattern": "%Y%m%d_%H%M%S",
        "processed_action": "delete",
        "active": "on",
        **changes,
    }


def test_admin_adds_a_camera_and_the_change_is_logged(client: Client, admin_role: Any) -> None:
    site = Site.objects.create(name="Warehouse")

    response = logged_in(client, admin_role).post(reverse("media_processing:camera_add"), camera_post(site))

    camera = Camera.objects.get(name="Loading dock")
    assert response.status_code == 302
    assert response["Location"] == reverse("media_processing:camera", args=[camera.pk])
    assert camera.zone_types == ["workplace", "public"]
    assert camera.anonymise_at_ingest and not camera.records_audio
    (event,) = events("camera.create", camera)
    assert event.actor_id == admin_role.pk
    page = client.get(reverse("media_processing:index"))
    assert "Loading dock" in page.content.decode()


def test_camera_form_refuses_a_bad_pattern_and_a_folder_outside_the_import_root(
    client: Client, admin_role: Any
) -> None:
    site = Site.objects.create(name="Warehouse")

    response = logged_in(client, admin_role).post(
        reverse("media_processing:camera_add"), camera_post(site, filename_pattern="%Q", import_folder="/etc")
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "is not supported in a file-name pattern" in text
    assert "The import folder must be inside" in text
    assert not Camera.objects.exists()


def test_dsar_handler_may_not_add_a_camera(client: Client, handler: Any) -> None:
    site = Site.objects.create(name="Warehouse")

    response = logged_in(client, handler).post(reverse("media_processing:camera_add"), camera_post(site))

    assert response.status_code == 403
    assert not Camera.objects.exists()
    assert not AccessEvent.objects.filter(action="camera.create").exists()


def test_editing_a_camera_logs_what_changed(client: Client, admin_role: Any) -> None:
    camera = make_camera(purpose="")

    response = logged_in(client, admin_role).post(
        reverse("media_processing:camera_edit", args=[camera.pk]),
        camera_post(camera.site, name=camera.name, purpose="Deter theft"),
    )

    assert response.status_code == 302
    camera.refresh_from_db()
    assert camera.purpose == "Deter theft"
    (event,) = events("camera.update", camera)
    assert "purpose=Deter theft" in event.reason


def test_camera_list_warns_about_an_incomplete_register_entry(client: Client, dpo: Any) -> None:
    make_camera(name="Back door", purpose="", legal_basis="")

    text = logged_in(client, dpo).get(reverse("media_processing:index")).content.decode()

    assert "Back door" in text
    assert "Register incomplete" in text
    assert "Add camera" not in text  # the DPO may look, not change


# The mask editor --------------------------------------------------------------------------


def test_mask_editor_saves_valid_polygons(client: Client, admin_role: Any) -> None:
    camera = make_camera()
    polygons = {
        "masks": [[[0.1, 0.1], [0.4, 0.1], [0.4, 0.3]]],
        "region_of_interest": [[0.0, 0.0], [1.0, 0.0], [1.0, 0.8], [0.0, 0.8]],
    }

    response = logged_in(client, admin_role).post(
        reverse("media_processing:camera_masks", args=[camera.pk]), {"polygons": json.dumps(polygons)}
    )

    assert response.status_code == 302
    camera.refresh_from_db()
    assert camera.privacy_masks == polygons["masks"]
    assert camera.region_of_interest == polygons["region_of_interest"]
    assert events("camera.update", camera)


def test_mask_editor_rejects_invalid_json_with_a_message(client: Client, admin_role: Any) -> None:
    camera = make_camera()

    response = logged_in(client, admin_role).post(
        reverse("media_processing:camera_masks", args=[camera.pk]), {"polygons": '{"masks": [[0.1, 0.1'}
    )

    assert response.status_code == 200
    assert "This is not valid JSON" in response.content.decode()
    camera.refresh_from_db()
    assert camera.privacy_masks == []


def test_mask_editor_rejects_a_polygon_the_engine_refuses(client: Client, admin_role: Any) -> None:
    camera = make_camera()

    response = logged_in(client, admin_role).post(
        reverse("media_processing:camera_masks", args=[camera.pk]),
        {"polygons": json.dumps({"masks": [[[0.1, 0.1], [0.2, 0.2]]], "region_of_interest": None})},
    )

    assert response.status_code == 200
    assert "Mask 1:" in response.content.decode()


def test_mask_editor_without_footage_shows_an_empty_canvas_and_logs_nothing(client: Client, admin_role: Any) -> None:
    camera = make_camera()

    text = logged_in(client, admin_role).get(reverse("media_processing:camera_masks", args=[camera.pk])).content
    page = text.decode()

    assert 'class="mask-blank"' in page
    assert "Masks apply to footage ingested from now on" in page
    assert not AccessEvent.objects.filter(action="footage.view").exists()


def test_mask_editor_shows_a_logged_frame_of_the_latest_footage(client: Client, admin_role: Any, video: Path) -> None:
    camera = make_camera()
    recording = make_recording(camera, datetime(2024, 3, 5, 9, tzinfo=UTC), 2, source_file=video, width=320, height=240)
    logged_in(client, admin_role)

    page = client.get(reverse("media_processing:camera_masks", args=[camera.pk]))
    frame = client.get(reverse("media_processing:camera_frame", args=[camera.pk]))
    client.get(reverse("media_processing:camera_frame", args=[camera.pk]))

    assert 'viewBox="0 0 320 240"' in page.content.decode()
    assert frame.status_code == 200
    assert frame["Content-Type"] == "image/jpeg"
    assert frame.content[:2] == b"\xff\xd8"
    (event,) = events("footage.view", recording)  # once per page, not per picture
    assert event.reason == "Privacy mask editing"


# Raw footage behind a reason ---------------------------------------------------------------


def test_recording_plays_only_after_a_logged_reason_with_range_requests(
    client: Client, handler: Any, video: Path
) -> None:
    recording = make_recording(make_camera(), datetime(2024, 3, 5, 9, tzinfo=UTC), 2, source_file=video)
    detail = reverse("media_processing:recording", args=[recording.pk])
    stream = reverse("media_processing:recording_stream", args=[recording.pk])
    size = video.stat().st_size
    logged_in(client, handler)

    page = client.get(detail).content.decode()
    assert "<video" not in page
    assert stream not in page
    assert client.get(stream).status_code == 403

    response = client.post(
        reverse("media_processing:recording_access", args=[recording.pk]) + "?action=view",
        {"reason": "Checking a theft report", "reference": "INC-7"},
    )

    assert response.status_code == 302
    (event,) = events("footage.view", recording)
    assert event.reason == "Checking a theft report [INC-7]"
    assert event.actor_id == handler.pk
    assert f'<video class="player" controls preload="metadata" src="{stream}"' in client.get(detail).content.decode()
    whole = client.get(stream)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == video.read_bytes()  # type: ignore[attr-defined]
    part = client.get(stream, HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 0-99/{size}"
    assert part["Content-Length"] == "100"
    assert b"".join(part.streaming_content) == video.read_bytes()[:100]  # type: ignore[attr-defined]
    beyond = client.get(stream, HTTP_RANGE=f"bytes={size}-")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{size}"
    # Viewing is not downloading: that needs its own reason.
    assert client.get(reverse("media_processing:recording_download", args=[recording.pk])).status_code == 403


def test_download_needs_its_own_reason_and_is_an_attachment(client: Client, dpo: Any, video: Path) -> None:
    recording = make_recording(make_camera(), datetime(2024, 3, 5, 9, tzinfo=UTC), 2, source_file=video)
    logged_in(client, dpo)

    client.post(
        reverse("media_processing:recording_access", args=[recording.pk]) + "?action=download",
        {"reason": "Answering a data subject access request"},
    )
    response = client.get(reverse("media_processing:recording_download", args=[recording.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert events("footage.download", recording)


def test_reason_is_required(client: Client, auditor: Any) -> None:
    recording = make_recording(make_camera(), datetime(2024, 3, 5, 9, tzinfo=UTC), 2)

    response = logged_in(client, auditor).post(
        reverse("media_processing:recording_access", args=[recording.pk]) + "?action=view", {"reason": "  "}
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not AccessEvent.objects.filter(action="footage.view").exists()


def test_outsider_is_refused_and_unknown_recordings_are_not_found(client: Client, outsider: Any, dpo: Any) -> None:
    recording = make_recording(make_camera(), datetime(2024, 3, 5, 9, tzinfo=UTC), 2)

    assert (
        logged_in(client, outsider).get(reverse("media_processing:recording", args=[recording.pk])).status_code == 403
    )
    assert logged_in(client, dpo).get(reverse("media_processing:recording", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        ("bytes=0-99", 1000, (0, 99)),
        ("bytes=900-", 1000, (900, 999)),
        ("bytes=-100", 1000, (900, 999)),
        ("bytes=990-2000", 1000, (990, 999)),
        ("bytes=0-0,5-9", 1000, None),  # several ranges: the whole file is allowed
        ("items=0-9", 1000, None),
        ("bytes=9-3", 1000, None),
        ("", 1000, None),
    ],
)
def test_parse_range(header: str, size: int, expected: tuple[int, int] | None) -> None:
    assert parse_range(header, size) == expected


@pytest.mark.parametrize(("header", "size"), [("bytes=1000-", 1000), ("bytes=-0", 1000), ("bytes=0-", 0)])
def test_parse_range_unsatisfiable(header: str, size: int) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, size)


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


# The camera page --------------------------------------------------------------------------------


def test_camera_page_shows_the_day_with_its_recordings_and_failures(client: Client, dpo: Any) -> None:
    camera = make_camera()
    recording = make_recording(camera, datetime(2024, 3, 5, 10, tzinfo=BRUSSELS), 600)
    Recording.objects.create(
        camera=camera, original_name="broken.mp4", status="failed", error="The file is damaged.", source="upload"
    )

    response = logged_in(client, dpo).get(
        reverse("media_processing:camera", args=[camera.pk]) + "?view=day&date=2024-03-05"
    )

    text = response.content.decode()
    assert f'<a href="{reverse("media_processing:recording", args=[recording.pk])}" class="span-link">' in text
    assert "?view=day&amp;date=2024-03-04" in text and "?view=day&amp;date=2024-03-06" in text
    assert recording.original_name in text
    assert "<td>0:10:00</td>" in text  # its duration
    assert "The file is damaged." in text
    week = client.get(reverse("media_processing:camera", args=[camera.pk]) + "?view=week&date=2024-03-05")
    assert len(week.context["timeline"].rows) == 7

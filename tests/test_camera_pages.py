"""The camera register, its mask editor and the camera page with its time line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from compliance.models import AccessEvent
from media_processing.models import Camera, Recording, Site
from tests.support.footage import BRUSSELS, events, logged_in, make_camera, make_recording

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_dirs")]

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

"""The Retention page: editing the schedule, placing and releasing holds, the preview
of the next sweep, and deletion certificates as a page and a PDF."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from compliance.models import LegalHold, RetentionCategory, RetentionPolicy
from compliance.retention.sweep import sweep
from media_processing.models import Recording
from tests.support.footage import events, logged_in, make_camera, make_recording

pytestmark = pytest.mark.django_db


def expired(camera: Any, days: int = 40) -> Recording:
    recording = make_recording(camera, timezone.now() - timedelta(days=days), 60, sha256="ab" * 32)
    Recording.objects.filter(pk=recording.pk).update(size=1000)
    return recording


def test_admin_changes_the_default_period_and_the_log_keeps_old_and_new(client: Any, admin_role: Any) -> None:
    policy = RetentionPolicy.objects.get(category=RetentionCategory.RAW_FOOTAGE, camera=None)
    response = logged_in(client, admin_role).post(
        reverse("retention_policy", args=[policy.pk]), {"period": "14", "unit": "days", "action": "delete"}
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.period == 14
    [event] = events("retention.policy_change", policy)
    assert "30 days, delete -> 14 days, delete" in event.reason
    page = client.get(reverse("retention")).content.decode()
    assert "deleted after 14 days" in page


def test_auditor_sees_the_schedule_but_no_forms(client: Any, auditor: Any) -> None:
    page = logged_in(client, auditor).get(reverse("retention")).content.decode()
    assert "Raw footage (recordings and clips)" in page
    assert "Place a legal hold" not in page and 'name="period"' not in page


def test_dpo_adds_a_camera_policy(client: Any, dpo: Any) -> None:
    camera = make_camera("Car park")
    response = logged_in(client, dpo).post(
        reverse("retention_override_add"),
        {"category": "raw_footage", "camera": camera.pk, "period": "72", "unit": "hours", "action": "delete"},
    )
    assert response.status_code == 302
    policy = RetentionPolicy.objects.get(camera=camera)
    assert policy.duration == timedelta(hours=72)


def test_dpo_places_and_releases_a_hold_and_the_preview_names_it(client: Any, dpo: Any) -> None:
    camera = make_camera("Gate")
    held, free = expired(camera, 40), expired(camera, 60)
    assert held.start is not None
    response = logged_in(client, dpo).post(
        reverse("legal_hold_add"),
        {
            "case_reference": "POL-77",
            "reason": "Theft under investigation",
            "cameras": [camera.pk],
            "window_start": timezone.localtime(held.start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "window_end": timezone.localtime(held.start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "review_on": "2027-06-01",
        },
    )
    assert response.status_code == 302, response.content.decode()
    hold = LegalHold.objects.get()
    assert events("legal_hold.place", hold)
    page = client.get(reverse("retention")).content.decode()
    assert "POL-77" in page
    assert "1 item (1000\xa0bytes), case POL-77" in page
    client.post(reverse("legal_hold_release", args=[hold.pk]), {"reason": "Closed"})
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.release_reason == "Closed"
    assert free.pk  # both are now due


def test_a_hold_needs_something_to_hold(client: Any, dpo: Any) -> None:
    response = logged_in(client, dpo).post(
        reverse("legal_hold_add"), {"case_reference": "X", "reason": "Y", "review_on": "2027-01-01"}
    )
    assert response.status_code == 200
    assert "Choose at least one camera or recording to hold." in response.content.decode()


def test_certificate_page_and_pdf_list_the_deleted_file_and_its_hash(client: Any, dpo: Any, media_dirs: Any) -> None:
    camera = make_camera("Loading bay")
    recording = expired(camera)
    (media_dirs / "media" / "bay.mp4").write_bytes(b"x" * 1000)
    Recording.objects.filter(pk=recording.pk).update(file="bay.mp4")
    certificate = sweep().certificate
    assert certificate is not None
    page = logged_in(client, dpo).get(reverse("deletion_certificate", args=[certificate.pk])).content.decode()
    assert "ab" * 32 in page and "Loading bay" in page
    response = client.get(reverse("deletion_certificate_pdf", args=[certificate.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    words = " ".join(text.split())
    assert f"Deletion certificate #{certificate.pk}" in words
    assert "Loading bay" in words and "raw_footage: 30 days, delete" in words and "bay.mp4" in words
    assert "ab" * 32 in "".join(text.split())


def test_held_recordings_carry_a_badge_on_every_list(client: Any, dpo: Any) -> None:
    camera = make_camera("Gate")
    recording = make_recording(camera, timezone.now() - timedelta(hours=2), 60)
    assert recording.start is not None
    LegalHold.objects.create(reason="r", case_reference="CASE-5", review_on=timezone.now().date()).cameras.add(camera)
    logged_in(client, dpo)
    day = timezone.localdate(recording.start).isoformat()
    camera_page = client.get(reverse("media_processing:camera", args=[camera.pk]), {"date": day}).content.decode()
    assert "Held: CASE-5" in camera_page
    detail = client.get(reverse("media_processing:recording", args=[recording.pk])).content.decode()
    assert "Held: CASE-5" in detail
    window = {
        "cameras": [camera.pk],
        "start": timezone.localtime(recording.start - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "end": timezone.localtime(recording.start + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
    }
    results = client.get(reverse("media_processing:search"), window).content.decode()
    assert "Held: CASE-5" in results


def test_low_disk_warns_admins_and_refuses_uploads(
    client: Any, admin_role: Any, settings: Any, media_dirs: Any
) -> None:
    settings.MIN_FREE_DISK_MB = 10**12  # more than any disk has
    page = logged_in(client, admin_role).get(reverse("dashboard")).content.decode()
    assert "The media disk is nearly full" in page
    camera = make_camera()
    upload = io.BytesIO(b"not really a video")
    upload.name = "x.mp4"
    response = client.post(reverse("media_processing:upload_file"), {"camera": camera.pk, "file": upload})
    assert response.status_code == 507
    assert "New footage is not accepted" in response.json()["error"]
    assert not Recording.objects.exists()


def test_low_disk_is_not_shown_to_dsar_handlers(client: Any, handler: Any, settings: Any) -> None:
    settings.MIN_FREE_DISK_MB = 10**12
    page = logged_in(client, handler).get(reverse("dashboard")).content.decode()
    assert "The media disk is nearly full" not in page


def test_a_change_in_the_django_admin_is_logged_like_one_on_the_page(client: Any, admin_role: Any) -> None:
    policy = RetentionPolicy.objects.get(category=RetentionCategory.JOB_RECORDS, camera=None)
    url = reverse("admin:compliance_retentionpolicy_change", args=[policy.pk])
    response = logged_in(client, admin_role).post(url, {"period": "30", "unit": "days", "action": "delete"})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.period == 30
    [event] = events("retention.policy_change", policy)
    assert "90 days, delete -> 30 days, delete" in event.reason
    default_delete = reverse("admin:compliance_retentionpolicy_delete", args=[policy.pk])
    assert client.post(default_delete, {"post": "yes"}).status_code == 403  # a category keeps its default

"""One real sweep over generated footage with mixed policies and holds, checked the way
an auditor would: the files on disk, the rows, the certificate's PDF and the access log."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from compliance.access_log import verify_chain
from compliance.models import AccessEvent, DeletionCertificate, JobRun, RetentionCategory, RetentionPolicy
from compliance.retention.holds import legal_hold_place
from compliance.retention.policies import retention_policy_save
from media_processing.models import Camera, Recording
from tests.support.footage import logged_in, make_camera, make_recording

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def footage(camera: Camera, days_ago: float, number: int) -> Recording:
    """A one-minute recording that ended `days_ago`, with bytes of its own on disk."""
    start = NOW - timedelta(days=days_ago, minutes=1)
    content = f"camera {camera.pk} recording {number}".encode()
    relative = f"recordings/{camera.pk}/{number:03}.mp4"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    recording = make_recording(camera, start, 60, name=f"{camera.name}-{number}.mp4")
    Recording.objects.filter(pk=recording.pk).update(
        file=relative, size=len(content), sha256=hashlib.sha256(content).hexdigest()
    )
    recording.refresh_from_db()
    return recording


def ages(camera: Camera, days: list[float], first: int) -> list[Recording]:
    return [footage(camera, age, first + index) for index, age in enumerate(days)]


def test_a_real_sweep_over_mixed_policies_and_holds(client: Any, dpo: Any, admin_role: Any, media_dirs: Any) -> None:
    entrance, till, archive = make_camera("Entrance"), make_camera("Till"), make_camera("Archive")
    # Entrance: the default, 30 days. Till: 7 days. Archive: kept.
    for camera, period, action in ((till, 7, "delete"), (archive, 1, "keep")):
        retention_policy_save(
            policy=RetentionPolicy(category=RetentionCategory.RAW_FOOTAGE, camera=camera),
            actor=admin_role, period=period, unit="days", action=action,
        )  # fmt: skip
    entrance_rows = ages(entrance, [45, 40, 35, 31, 20, 2], 0)
    till_rows = ages(till, [30, 12, 8, 6, 1], 100)
    archive_rows = ages(archive, [400, 90], 200)
    # A camera hold over the Entrance window 36..39 days ago, and one named recording of the Till.
    legal_hold_place(
        actor=dpo, reason="Insurance claim", case_reference="CLAIM-17", review_on=date.today(),
        cameras=[entrance], window_start=NOW - timedelta(days=41), window_end=NOW - timedelta(days=39),
    )  # fmt: skip
    legal_hold_place(
        actor=dpo, reason="Police request", case_reference="POL-3", review_on=date.today(), recordings=[till_rows[1]]
    )
    job = JobRun.objects.create(kind="retention.sweep", status="succeeded", finished_at=NOW - timedelta(days=100))

    out = StringIO()
    call_command("retention_sweep", stdout=out)

    deleted = [entrance_rows[0], entrance_rows[2], entrance_rows[3], till_rows[0], till_rows[2]]
    held = [entrance_rows[1], till_rows[1]]
    kept = [*held, entrance_rows[4], entrance_rows[5], till_rows[3], till_rows[4], *archive_rows]
    media = Path(settings.MEDIA_ROOT)
    for recording in deleted:
        assert not (media / str(recording.file.name)).exists(), recording.original_name
    for recording in kept:
        assert (media / str(recording.file.name)).read_bytes().startswith(b"camera"), recording.original_name
    assert set(Recording.objects.values_list("pk", flat=True)) == {row.pk for row in kept}
    assert not JobRun.objects.filter(pk=job.pk).exists()

    lines = out.getvalue().splitlines()
    assert sum(line.startswith("deleted raw_footage") for line in lines) == len(deleted)
    assert sum(line.startswith("kept (hold CLAIM-17)") for line in lines) == 1
    assert sum(line.startswith("kept (hold POL-3)") for line in lines) == 1
    assert lines[-1].startswith(f"Total: {len(deleted) + 1} items deleted")

    certificate = DeletionCertificate.objects.get()
    assert certificate.finished_at is not None
    assert certificate.items.filter(category=RetentionCategory.RAW_FOOTAGE).count() == len(deleted)
    response = logged_in(client, dpo).get(reverse("deletion_certificate_pdf", args=[certificate.pk]))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    words, squeezed = " ".join(text.split()), "".join(text.split())
    for recording in deleted:
        assert recording.sha256 in squeezed and str(recording.file.name) in squeezed
    for recording in kept:
        assert recording.sha256 not in squeezed
    assert "Entrance" in words and "Till" in words and "Archive" not in words.split("Items", 1)[-1]
    assert "raw_footage (camera" in words and "7 days, delete" in words

    sweep_event = AccessEvent.objects.get(action="retention.sweep")
    assert sweep_event.actor_username == "system" and sweep_event.target_id == str(certificate.pk)
    assert sweep_event.reason.startswith(f"{len(deleted) + 1} items deleted")
    assert "2 kept by a hold" in sweep_event.reason
    assert AccessEvent.objects.filter(action="legal_hold.place").count() == 2
    assert AccessEvent.objects.filter(action="retention.policy_change").count() == 2
    assert verify_chain().intact

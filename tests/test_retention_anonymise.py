""" "Anonymise, then keep": expired footage keeps only its anonymised copy."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from compliance.models import DeletedItem, PendingFileDeletion, RetentionCategory, RetentionPolicy
from compliance.retention.holds import legal_hold_place
from compliance.retention.sweep import sweep
from media_processing.engine import Limits, Tools
from media_processing.engine.detection import video_frames
from media_processing.engine.detection.centerface import CenterFace
from media_processing.models import Camera, Recording
from media_processing.services.retention_anonymise import WORK_FOLDER
from tests.support.footage import make_camera, make_recording
from tests.support.media import ffprobe, make_face_video

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def face_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_face_video(tmp_path_factory.mktemp("video") / "astronaut.mp4", audio=False)


def boxes_per_frame(path: Path) -> list[list[Any]]:
    faces = CenterFace()
    return [faces.detect(frame.image) for frame in video_frames(path, tools=Tools(), limits=Limits())]


def anonymise_after(days: int) -> None:
    RetentionPolicy.objects.filter(category=RetentionCategory.RAW_FOOTAGE, camera=None).update(
        period=days, unit="days", action="anonymise"
    )


def old_recording(face_video: Path, days_ago: int = 40) -> Recording:
    start = timezone.now() - timedelta(days=days_ago)
    camera = Camera.objects.first() or make_camera()
    return make_recording(camera, start, 1.0, source_file=face_video, width=400, height=400, fps=10.0)


def stored_path(recording: Recording) -> Path:
    return Path(settings.MEDIA_ROOT) / str(recording.file.name)


def test_expired_footage_is_replaced_by_its_anonymised_copy(media_dirs: Any, face_video: Path) -> None:
    anonymise_after(30)
    recording = old_recording(face_video)
    original = stored_path(recording)
    original_sha = hashlib.sha256(original.read_bytes()).hexdigest()
    Recording.objects.filter(pk=recording.pk).update(sha256=original_sha)

    result = sweep()

    assert [item.action for item in result.deleted] == ["anonymise"]
    recording.refresh_from_db()
    copy = stored_path(recording)
    assert not original.exists() and copy.exists()
    assert recording.redaction is not None and recording.redaction["source"] == "retention"
    assert recording.sha256 == hashlib.sha256(copy.read_bytes()).hexdigest() != original_sha
    assert [stream["codec_type"] for stream in ffprobe(copy)["streams"]] == ["video"]
    before, after = boxes_per_frame(face_video), boxes_per_frame(copy)
    assert all(before) and len(before) == len(after)
    assert not any(face.iou(box) >= 0.3 for was, now in zip(before, after, strict=True) for face in was for box in now)
    line = DeletedItem.objects.get()
    assert line.action == "anonymise"
    assert line.files == [{"path": str(original.relative_to(settings.MEDIA_ROOT)), "sha256": original_sha}]
    assert not PendingFileDeletion.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).glob(f"{WORK_FOLDER}/*"))

    assert not sweep().deleted, "an anonymised recording is not anonymised again"


def test_a_held_or_recent_recording_keeps_its_original(media_dirs: Any, face_video: Path, dpo: Any) -> None:
    anonymise_after(30)
    held = old_recording(face_video)
    recent = old_recording(face_video, days_ago=2)
    legal_hold_place(actor=dpo, reason="Claim", case_reference="CASE-9", review_on=date.today(), recordings=[held])

    result = sweep()

    assert not result.deleted and [item.pk for item in result.held] == [held.pk]
    for recording in (held, recent):
        recording.refresh_from_db()
        assert recording.redaction is None and stored_path(recording).exists()


def test_dry_run_lists_it_as_would_anonymise(media_dirs: Any, face_video: Path) -> None:
    anonymise_after(30)
    recording = old_recording(face_video)
    out = StringIO()
    call_command("retention_sweep", "--dry-run", stdout=out)
    assert out.getvalue().startswith("would anonymise raw_footage")
    assert stored_path(recording).exists()


def test_unreadable_footage_stays_and_the_sweep_goes_on(media_dirs: Any, face_video: Path) -> None:
    anonymise_after(30)
    broken = old_recording(face_video)
    stored_path(broken).write_bytes(b"not a video")
    fine = old_recording(face_video, days_ago=45)

    result = sweep()

    assert [item.pk for item in result.deleted] == [fine.pk]
    broken.refresh_from_db()
    assert broken.redaction is None and stored_path(broken).read_bytes() == b"not a video"


def test_a_copy_left_by_a_stopped_sweep_is_removed_by_the_next(media_dirs: Any) -> None:
    leftover = Path(settings.MEDIA_ROOT) / "recordings" / "1" / "x-anonymised.mp4"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half")
    PendingFileDeletion.objects.create(path="recordings/1/x-anonymised.mp4")
    work = Path(settings.MEDIA_ROOT) / WORK_FOLDER
    work.mkdir()
    (work / "media_processing.recording-1.mp4").write_bytes(b"render")
    sweep()
    assert not leftover.exists() and not work.exists()


def test_only_raw_footage_can_be_anonymised() -> None:
    policy = RetentionPolicy.objects.get(category=RetentionCategory.JOB_RECORDS)
    policy.action = "anonymise"
    with pytest.raises(ValidationError, match="Only raw footage"):
        policy.full_clean()


def test_the_page_offers_anonymising_for_raw_footage_only(client: Any, admin_role: Any) -> None:
    raw = RetentionPolicy.objects.get(category=RetentionCategory.RAW_FOOTAGE, camera=None)
    jobs = RetentionPolicy.objects.get(category=RetentionCategory.JOB_RECORDS)
    client.force_login(admin_role)
    response = client.post(
        reverse("retention_policy", args=[raw.pk]), {"period": 14, "unit": "days", "action": "anonymise"}
    )
    assert response.status_code == 302
    raw.refresh_from_db()
    assert raw.action == "anonymise" and raw.period == 14
    page = client.post(
        reverse("retention_policy", args=[jobs.pk]), {"period": 14, "unit": "days", "action": "anonymise"}
    )
    assert "Select a valid choice" in page.content.decode()
    jobs.refresh_from_db()
    assert jobs.action == "delete"

"""The retention sweep: what it deletes, what a hold keeps, and the certificate it leaves."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from compliance.jobs import start_job
from compliance.models import (
    DeletedItem,
    DeletionCertificate,
    JobRun,
    JobStatus,
    PendingFileDeletion,
    RetentionCategory,
    RetentionPolicy,
)
from compliance.retention.holds import legal_hold_place, legal_hold_release
from compliance.retention.policies import retention_policy_save
from compliance.retention.sweep import sweep
from media_processing.models import Recording, RedactedCopy, TrackSet
from media_processing.services.retention import is_held, with_held
from tests.support.footage import events, make_camera, make_recording

pytestmark = pytest.mark.django_db


def stored(camera: Any, days_ago: float, *, name: str = "") -> Recording:
    """A ready recording that ended `days_ago`, with a small file under MEDIA_ROOT."""
    start = timezone.now() - timedelta(days=days_ago, minutes=1)
    relative = f"recordings/{camera.pk}/{start:%Y%m%dT%H%M%S%f}.mp4"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"video bytes")
    recording = make_recording(camera, start, 60, name=name, sha256="ab" * 32)
    Recording.objects.filter(pk=recording.pk).update(file=relative, size=11)
    recording.refresh_from_db()
    return recording


def media(relative: str | None) -> Path:
    assert relative
    return Path(settings.MEDIA_ROOT) / relative


def test_default_schedule_is_created_by_the_migrations() -> None:
    policy = RetentionPolicy.objects.get(category=RetentionCategory.RAW_FOOTAGE, camera=None)
    assert (policy.period, policy.unit, policy.action) == (30, "days", "delete")
    assert RetentionPolicy.objects.get(category=RetentionCategory.ACCESS_LOG).action == "keep"


def test_sweep_deletes_expired_footage_with_its_copies_and_keeps_recent(media_dirs: Any) -> None:
    camera = make_camera()
    old, recent = stored(camera, 31), stored(camera, 29)
    track_set = TrackSet.objects.create(
        recording=old, file="tracks/old.npz", sha256="cd" * 32, size=5, frame_count=1, fps=25.0, width=8,
        height=8, track_count=0, detection_count=0, tracks=[],
    )  # fmt: skip
    RedactedCopy.objects.create(
        recording=old, track_set=track_set, file="redacted/old.mp4", sha256="ef" * 32, size=7, mode="blur",
        shape="ellipse",
    )  # fmt: skip
    for name in ("tracks/old.npz", "redacted/old.mp4"):
        media(name).parent.mkdir(parents=True, exist_ok=True)
        media(name).write_bytes(b"x")
    old_file = old.file.name

    result = sweep()

    assert [item.pk for item in result.deleted] == [old.pk]
    assert list(Recording.objects.all()) == [recent]
    assert not media(old_file).exists() and not media("tracks/old.npz").exists()
    assert not media("redacted/old.mp4").exists()
    assert media(recent.file.name).exists()
    assert not TrackSet.objects.exists() and not PendingFileDeletion.objects.exists()
    certificate = DeletionCertificate.objects.get()
    assert certificate.finished_at is not None
    item = DeletedItem.objects.get(certificate=certificate)
    assert item.size == 11 + 5 + 7
    assert {"path": old_file, "sha256": "ab" * 32} in item.files
    assert item.policy["period"] == 30
    assert events("retention.sweep", certificate)


def test_dry_run_deletes_nothing_and_leaves_no_certificate(media_dirs: Any) -> None:
    old = stored(make_camera(), 40)
    result = sweep(dry_run=True)
    assert [item.pk for item in result.deleted] == [old.pk]
    assert Recording.objects.filter(pk=old.pk).exists() and media(old.file.name).exists()
    assert not DeletionCertificate.objects.exists()


def test_a_camera_override_shortens_its_period(media_dirs: Any, admin_role: Any) -> None:
    short, normal = make_camera("Car park"), make_camera("Lobby")
    policy = RetentionPolicy(category=RetentionCategory.RAW_FOOTAGE, camera=short)
    retention_policy_save(policy=policy, actor=admin_role, period=48, unit="hours", action="delete")
    gone, kept = stored(short, 3), stored(normal, 3)
    sweep()
    assert not Recording.objects.filter(pk=gone.pk).exists()
    assert Recording.objects.filter(pk=kept.pk).exists()
    [event] = events("retention.policy_change", policy)
    assert "none -> 48 hours, delete" in event.reason


def test_policy_change_logs_old_and_new_values(admin_role: Any) -> None:
    policy = RetentionPolicy.objects.get(category=RetentionCategory.RAW_FOOTAGE, camera=None)
    retention_policy_save(policy=policy, actor=admin_role, period=14, unit="days", action="delete")
    [event] = events("retention.policy_change", policy)
    assert "30 days, delete -> 14 days, delete" in event.reason
    assert event.actor_username == admin_role.username


def test_a_camera_hold_keeps_footage_in_its_window_until_released(media_dirs: Any, dpo: Any) -> None:
    camera = make_camera()
    inside, outside = stored(camera, 40), stored(camera, 50)
    assert inside.start is not None and inside.end is not None
    hold = legal_hold_place(
        actor=dpo, reason="Break-in", case_reference="POL-2026-17", review_on=date(2027, 1, 1), cameras=[camera],
        window_start=inside.start - timedelta(minutes=5), window_end=inside.end + timedelta(minutes=5),
    )  # fmt: skip
    assert is_held(inside) and not is_held(outside)
    assert with_held(Recording.objects.filter(pk=inside.pk)).values_list("held", flat=True).get()  # type: ignore[misc]

    result = sweep()
    assert [item.held_by for item in result.held] == [["POL-2026-17"]]
    assert Recording.objects.filter(pk=inside.pk).exists()
    assert not Recording.objects.filter(pk=outside.pk).exists()
    assert events("legal_hold.place", hold)

    legal_hold_release(hold=hold, actor=dpo, reason="Case closed")
    sweep()
    assert not Recording.objects.exists()
    assert events("legal_hold.release", hold)


def test_a_hold_on_one_recording_keeps_it_and_its_copies(media_dirs: Any, dpo: Any) -> None:
    recording = stored(make_camera(), 40)
    legal_hold_place(
        actor=dpo, reason="Insurer", case_reference="INS-9", review_on=date(2027, 1, 1), recordings=[recording]
    )
    sweep()
    assert Recording.objects.filter(pk=recording.pk).exists()


def test_a_file_left_by_a_stopped_sweep_is_removed_by_the_next(media_dirs: Any) -> None:
    media("recordings/orphan.mp4").parent.mkdir(parents=True, exist_ok=True)
    media("recordings/orphan.mp4").write_bytes(b"x")
    PendingFileDeletion.objects.create(path="recordings/orphan.mp4")
    result = sweep()
    assert result.pending_files_removed == 1
    assert not media("recordings/orphan.mp4").exists() and not PendingFileDeletion.objects.exists()


def test_finished_job_records_expire_after_90_days() -> None:
    old = start_job(kind="access_log.verify", task="compliance.tasks.verify_access_log", enqueue=False)
    new = start_job(kind="access_log.verify", task="compliance.tasks.verify_access_log", enqueue=False)
    JobRun.objects.filter(pk=old.pk).update(status=JobStatus.SUCCEEDED, finished_at=timezone.now() - timedelta(days=91))
    JobRun.objects.filter(pk=new.pk).update(status=JobStatus.SUCCEEDED, finished_at=timezone.now() - timedelta(days=89))
    sweep()
    assert list(JobRun.objects.values_list("pk", flat=True)) == [new.pk]


def test_command_prints_one_line_per_item_and_a_total(media_dirs: Any) -> None:
    recording = stored(make_camera("Gate"), 35)
    out = StringIO()
    call_command("retention_sweep", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("would delete raw_footage | Gate |")
    assert str(recording.file.name) in lines[0]
    assert lines[-1].startswith("Total: 1 items to delete, 11 bytes")
    assert Recording.objects.filter(pk=recording.pk).exists()


def test_the_scheduler_queues_a_sweep_every_hour_by_default() -> None:
    from django_rq.cron import DjangoCronScheduler

    scheduler = DjangoCronScheduler()
    scheduler.load_config_from_file("compliance.cron")
    [entry] = [job for job in scheduler.get_jobs() if getattr(job.func, "__name__", "") == "start_sweep_job"]
    assert entry.interval == 3600


def test_a_sweep_job_records_its_result_and_certificate(media_dirs: Any) -> None:
    from compliance.jobs import execute

    stored(make_camera(), 45)
    job = start_job(kind="retention.sweep", task="compliance.retention.sweep.sweep_task", enqueue=False)
    execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result is not None and job.result["deleted"] == 1
    assert DeletionCertificate.objects.get(pk=job.result["certificate"]).job_id == job.pk

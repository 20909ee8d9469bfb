"""The sweep as a real background job, killed with SIGKILL part-way: no row may point at a
missing file, every file whose row is gone is known, and the next sweep finishes the work."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from compliance.models import DeletedItem, DeletionCertificate, JobRun, PendingFileDeletion
from compliance.retention.sweep import start_sweep_job, sweep
from media_processing.models import Recording, RecordingSource, RecordingStatus
from tests.support.footage import make_camera
from tests.support.workers import start_worker, stop_worker, wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("redis_db"),
]

COUNT = 600


def _expired_footage(count: int) -> list[Path]:
    camera = make_camera()
    start = timezone.now() - timedelta(days=60)
    rows, paths = [], []
    for number in range(count):
        relative = f"recordings/{camera.pk}/{number:05}.mp4"
        path = Path(settings.MEDIA_ROOT) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 64)
        paths.append(path)
        rows.append(
            Recording(
                camera=camera, start=start + timedelta(minutes=number),
                end=start + timedelta(minutes=number, seconds=30), duration_seconds=30,
                original_name=f"{number}.mp4", status=RecordingStatus.READY, source=RecordingSource.DEMO,
                file=relative, size=64, sha256="ab" * 32,
            )
        )  # fmt: skip
    Recording.objects.bulk_create(rows)
    return paths


def test_a_sweep_killed_midway_leaves_no_dangling_row_and_the_next_finishes(
    tmp_path: Path, media_dirs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    paths = _expired_footage(COUNT)
    worker = start_worker(tmp_path / "worker.log", burst=False)
    try:
        from django.db import transaction

        with transaction.atomic():
            start_sweep_job()
        wait_until(lambda: DeletedItem.objects.count() >= 20, "the sweep to delete its first items")
        stop_worker(worker)  # SIGKILL to the worker and its work horse
    finally:
        stop_worker(worker)
    deleted_so_far = DeletedItem.objects.count()
    assert 20 <= deleted_so_far < COUNT, "the kill should land part-way"
    assert DeletionCertificate.objects.get().finished_at is None  # shown as stopped before the end

    pending = {Path(settings.MEDIA_ROOT) / row.path for row in PendingFileDeletion.objects.all()}
    remaining = {Path(settings.MEDIA_ROOT) / str(name) for name in Recording.objects.values_list("file", flat=True)}
    for path in remaining:
        assert path.exists(), f"{path} is gone but its row is still there"
    for path in paths:
        if path.exists():
            assert path in remaining or path in pending, f"{path} is an orphan nobody will remove"
    assert len(remaining) + deleted_so_far == COUNT

    time.sleep(0.1)
    sweep()
    assert not Recording.objects.exists() and not PendingFileDeletion.objects.exists()
    assert not any(path.exists() for path in paths)
    assert DeletedItem.objects.count() == COUNT
    assert JobRun.objects.filter(kind="retention.sweep").exists()

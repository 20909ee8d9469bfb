"""Watched import folders: start time from the file name, processed files out, failures to quarantine."""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command

from compliance.models import JobRun, JobStatus
from media_processing.models import ProcessedAction, Recording, RecordingSource, RecordingStatus
from media_processing.services.imports import import_folder_path, scan_all_import_folders, settled_files
from tests.support.footage import make_camera, make_video

pytestmark = pytest.mark.django_db


def run(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]]]:
    code = 0
    try:
        call_command("import_folders")
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_files_are_timed_by_name_and_failures_quarantined(media_dirs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = media_dirs / "import" / "backyard"
    folder.mkdir()
    make_camera("Backyard", import_folder="backyard", filename_pattern="%Y%m%d_%H%M%S", time_zone="Europe/Paris")
    make_video(folder / "cam1_20260712_143000.mp4")
    (folder / "cam1_20260712_150000.mp4").write_bytes(b"\x00" * 5000)  # not a video
    make_video(folder / "holiday.mp4")  # no time in its name

    code, lines = run(capsys)

    assert code == 1
    by_file = {line["file"]: line for line in lines}
    assert by_file["cam1_20260712_143000.mp4"]["status"] == "ok"
    recording = Recording.objects.get(original_name="cam1_20260712_143000.mp4")
    assert recording.start == datetime(2026, 7, 12, 12, 30, tzinfo=UTC)  # 14:30 in Paris (CEST)
    assert recording.source == RecordingSource.FOLDER and recording.status == RecordingStatus.READY
    for name in ("cam1_20260712_150000.mp4", "holiday.mp4"):
        assert by_file[name]["status"] == "error" and by_file[name]["error"]
        quarantined = Path(str(by_file[name]["quarantined_as"]))
        assert quarantined.parent == folder / "quarantine" and quarantined.is_file()
        assert quarantined.with_name(quarantined.name + ".reason.txt").is_file()
    assert "does not match the camera's pattern" in str(by_file["holiday.mp4"]["error"])
    # Processed files left the folder (deleted: the camera's default); only the subfolder remains.
    assert sorted(path.name for path in folder.iterdir()) == ["quarantine"]

    code, lines = run(capsys)
    assert code == 0 and lines == []  # nothing is taken twice


def test_processed_files_can_be_kept_aside(media_dirs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = media_dirs / "import" / "gate"
    folder.mkdir()
    make_camera("Gate", import_folder="gate", filename_pattern="%Y%m%d_%H%M%S", processed_action=ProcessedAction.MOVE)
    make_video(folder / "20260101_000000.mp4")
    code, _lines = run(capsys)
    assert code == 0
    assert (folder / "processed" / "20260101_000000.mp4").is_file()


def test_a_file_still_being_written_waits(media_dirs: Path, settings: object) -> None:
    settings.IMPORT_SETTLE_SECONDS = 30  # type: ignore[attr-defined]
    folder = media_dirs / "import"
    fresh = folder / "fresh.mp4"
    fresh.write_bytes(b"x")
    old = folder / "old.mp4"
    old.write_bytes(b"x")
    os.utime(old, (time.time() - 60, time.time() - 60))
    (folder / ".hidden.mp4").write_bytes(b"x")
    assert settled_files(folder) == [old]


def test_import_folders_stay_inside_the_import_root(media_dirs: Path) -> None:
    assert import_folder_path("site-a/cam") == media_dirs / "import" / "site-a" / "cam"
    with pytest.raises(ValueError, match="must be inside"):
        import_folder_path("../../etc")
    with pytest.raises(ValueError, match="must be inside"):
        import_folder_path("/etc")


def test_the_scheduler_queues_one_job_per_file(media_dirs: Path) -> None:
    folder = media_dirs / "import" / "dock"
    folder.mkdir()
    make_camera("Dock", import_folder="dock", filename_pattern="%Y%m%d_%H%M%S")
    make_camera("Idle", import_folder="dock-idle", active=False)
    (folder / "20260101_000000.mp4").write_bytes(b"x")
    (folder / "20260101_000500.mp4").write_bytes(b"y")

    assert scan_all_import_folders() == 2

    jobs = JobRun.objects.filter(kind="footage.ingest", status=JobStatus.QUEUED)
    assert jobs.count() == 2
    for recording in Recording.objects.all():
        assert recording.status == RecordingStatus.PENDING and Path(recording.incoming_path).is_file()
    assert not any(folder.glob("*.mp4"))  # taken out of the folder at once: never queued twice
    assert scan_all_import_folders() == 0


def test_the_scheduler_configuration_includes_the_folder_scan() -> None:
    from django_rq.cron import DjangoCronScheduler

    scheduler = DjangoCronScheduler()
    scheduler.load_config_from_file("compliance.cron")
    assert {"scan_all_import_folders", "reap_abandoned_jobs"} <= {
        getattr(job.func, "__name__", "") for job in scheduler.get_jobs()
    }

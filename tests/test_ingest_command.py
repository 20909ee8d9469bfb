"""`manage.py ingest`: the command-line path into the one ingestion pipeline."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from compliance.models import JobRun, JobStatus
from media_processing.models import Camera, Recording, RecordingSource, RecordingStatus
from tests.conftest import database_env
from tests.support.footage import ffprobe, make_camera, make_video

ROOT = Path(__file__).resolve().parent.parent


def ingest(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, Any]]]:
    code = 0
    try:
        call_command("ingest", *args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr().out
    return code, [json.loads(line) for line in out.splitlines()]


@pytest.mark.django_db
def test_a_video_is_stored_stripped_and_placed_in_time(
    media_dirs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = make_video(
        tmp_path / "door.mp4", extra=("-metadata", "location=+50.8503+004.3517/", "-metadata", "make=Acme")
    )
    assert "location" in ffprobe(source)["format"]["tags"]  # the test means something
    camera = make_camera("Door", time_zone="Europe/Brussels")

    code, lines = ingest(capsys, str(source), "--camera", "Door", "--start", "2026-03-01T08:00:00")

    assert code == 0
    [line] = lines
    assert line["status"] == "ok" and line["error"] is None and line["file"] == str(source)
    recording = Recording.objects.get(pk=line["recording"])
    stored = Path(line["stored_path"])
    assert stored.is_absolute() and stored.is_file() and stored == Path(recording.file.path)
    assert str(stored).startswith(str(media_dirs / "media"))
    probed = ffprobe(stored)
    tags = probed["format"].get("tags", {})
    assert "location" not in tags and "make" not in tags
    assert [stream["codec_type"] for stream in probed["streams"]] == ["video"]  # the camera records no audio
    assert recording.camera == camera and recording.source == RecordingSource.COMMAND
    assert recording.start == datetime(2026, 3, 1, 7, 0, tzinfo=UTC)  # 08:00 in Brussels (CET)
    assert recording.duration_seconds is not None and 1.9 < recording.duration_seconds < 2.2
    assert recording.end is not None and recording.end > recording.start
    assert len(recording.original_sha256) == 64 and len(recording.sha256) == 64
    assert recording.original_sha256 != recording.sha256
    assert source.exists()  # the person's own file is read, never moved or changed
    job = JobRun.objects.get(kind="footage.ingest")
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100


@pytest.mark.django_db
def test_a_bad_file_is_reported_and_the_command_exits_1(
    media_dirs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = make_video(tmp_path / "good.mp4")
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00\x01not a video" * 100)

    code, lines = ingest(
        capsys, str(good), str(empty), str(garbage), str(tmp_path / "missing.mp4"), "--camera", "New cam",
        "--create-camera", "--start", "2026-03-01T08:00:00+01:00",
    )  # fmt: skip

    assert code == 1
    assert [line["status"] for line in lines] == ["error", "error", "error", "error"]
    # --start names the start of one file: several files are refused together, before any work.
    assert "one by one" in lines[0]["error"]
    assert Camera.objects.filter(name="New cam").exists()
    code, lines = ingest(capsys, str(good), str(empty), str(garbage), str(tmp_path / "missing.mp4"),
                         "--camera", "New cam")  # fmt: skip
    assert code == 1
    good_line, empty_line, garbage_line, missing_line = lines
    assert good_line["status"] == "error" and "does not say when it was recorded" in good_line["error"]
    assert "empty" in empty_line["error"].lower()
    assert garbage_line["error"] and "Traceback" not in garbage_line["error"]
    assert "not a readable file" in missing_line["error"]
    for line in lines:
        assert line["recording"] is None and line["stored_path"] is None
    failed = Recording.objects.filter(status=RecordingStatus.FAILED)
    assert failed.count() == 3
    for recording in failed:
        quarantined = Path(recording.quarantine_path)
        assert quarantined.is_file() and quarantined.parent.parent == media_dirs / "quarantine"
        reason = quarantined.with_name(quarantined.name + ".reason.txt").read_text()
        assert recording.error in reason
    assert not list((media_dirs / "media").rglob("*.*"))  # nothing half-written in media storage
    assert good.exists() and empty.exists() and garbage.exists()


@pytest.mark.django_db
def test_an_unknown_camera_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, [line] = ingest(capsys, str(tmp_path / "x.mp4"), "--camera", "Nowhere")
    assert code == 1
    assert "no camera named Nowhere" in line["error"] and "--create-camera" in line["error"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_real_command_prints_json_lines_and_never_a_traceback(tmp_path: Path) -> None:
    make_camera("Yard", filename_pattern="%Y%m%d_%H%M%S")
    video = make_video(tmp_path / "yard_20260301_080000.mp4")
    broken = tmp_path / "-broken.mp4"  # a name that looks like an option
    broken.write_bytes(video.read_bytes()[: video.stat().st_size // 3])
    env = database_env() | {
        "MEDIA_ROOT": str(tmp_path / "media"),
        "OBSCURA_QUARANTINE_DIR": str(tmp_path / "quarantine"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "ingest", str(video), str(broken), "--camera", "Yard"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    ok, failed = [json.loads(line) for line in result.stdout.splitlines()]
    assert ok["status"] == "ok" and Path(ok["stored_path"]).is_file()
    assert failed["status"] == "error" and failed["error"]

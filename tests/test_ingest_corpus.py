"""Every file of the shared metadata and malformed corpora through the whole ingestion
pipeline: identifiers gone from what is stored; bad files refused cleanly, quarantined
with a reason, nothing half-written left behind."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from compliance.models import JobRun, JobStatus
from media_processing.models import Recording, RecordingSource, RecordingStatus
from media_processing.services.ingest import recording_ingest_now, recording_receive
from tests.support.footage import TESTDATA, exiftool, ffprobe, make_camera

pytestmark = pytest.mark.django_db
START = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def corpus(folder: str) -> list[Path]:
    root = TESTDATA / folder
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else []


METADATA = corpus("metadata") + corpus("faces/test-assets/metadata/faces")
MALFORMED = corpus("malformed")

# Files of the metadata corpus that cannot be stored, and why: each is refused cleanly.
REFUSED = {
    "README": "unsupported",  # a text file
    "QuickTime.heic": "decode-failed",  # sample with its picture data cut off
    "QuickTime.mov": "decode-failed",  # idem
    "keyed.mp4": "decode-failed",  # idem
    "future42603.mp4": "no-video-stream",  # both track headers broken
}

# What must never survive ingestion, as exiftool names it (group:tag).
FORBIDDEN_TAG = re.compile(
    r"GPS|Location|SerialNumber|Serial Number|OwnerName|Artist|Copyright|RegionName|PersonInImage|MakerNote"
    r"|^(?:[^:]+):(?:Make|Model|LensModel|HostComputer|Software)$",
    re.IGNORECASE,
)
# Groups that only exist when metadata blocks were kept.
FORBIDDEN_GROUP = re.compile(r"^(?:XMP|IPTC|ExifIFD|GPS|MakerNotes|Apple|GoPro|ItemList|UserData|Keys)", re.IGNORECASE)


def identifying(tags: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value
        for key, value in tags.items()
        if ":" in key and (FORBIDDEN_TAG.search(key) or FORBIDDEN_GROUP.match(key.split(":")[0]))
    }


def xmp_person_names(tags: dict[str, Any]) -> list[str]:
    names = []
    for key, value in tags.items():
        if re.search(r"RegionName|PersonInImage", key):
            names.extend(value if isinstance(value, list) else [value])
    return [str(name) for name in names if str(name).strip()]


def ingest(path: Path) -> tuple[Recording, JobRun]:
    recording = recording_receive(
        camera=make_camera("Corpus", records_audio=True),
        source=RecordingSource.COMMAND,
        path=path,
        original_name=path.name,
        take=False,
        requested_start=START,
    )
    job = recording_ingest_now(recording=recording)
    recording.refresh_from_db()
    return recording, job


def assert_nothing_left_over(media: Path, recording: Recording) -> None:
    assert not any((media / "media" / "tmp").rglob("*")), "scratch files left behind"
    assert not any((media / "data" / "incoming").rglob("*.*")), "incoming copy left behind"
    stored = {path for path in (media / "media" / "recordings").rglob("*") if path.is_file()}
    assert stored == ({Path(recording.file.path)} if recording.status == RecordingStatus.READY else set())


@pytest.mark.skipif(not METADATA, reason=f"shared test data not found at {TESTDATA}")
@pytest.mark.parametrize("path", METADATA, ids=lambda path: path.name)
def test_no_identifier_survives_ingestion(path: Path, media_dirs: Path, settings: Any) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the corpus walk does not depend on the database; it runs once, on SQLite")
    # Ten samples are 1 to 10 pixels wide and carry the richest metadata of the corpus:
    # let them through the size check so their stripping is checked too.
    settings.MIN_PICTURE_SIDE = 1
    before = exiftool(path)
    names = xmp_person_names(before)
    recording, job = ingest(path)
    if path.name in REFUSED:
        assert recording.status == RecordingStatus.FAILED and job.status == JobStatus.FAILED
        assert recording.error_code == REFUSED[path.name], recording.error
        assert recording.error and "Traceback" not in recording.error
        assert Path(recording.quarantine_path).is_file()
        assert_nothing_left_over(media_dirs, recording)
        return
    assert recording.status == RecordingStatus.READY, recording.error
    stored = Path(recording.file.path)
    after = exiftool(stored)
    assert identifying(after) == {}, f"left in {path.name}"
    for name in names:
        assert name.encode() not in stored.read_bytes(), f"the name {name!r} is still in the file"
    streams = ffprobe(stored)["streams"]
    assert {stream["codec_type"] for stream in streams} <= {"video", "audio"}
    for stream in streams:
        assert not {"location", "creation_time"} & set(stream.get("tags", {})), stream.get("tags")
    assert not {"location", "location-eng", "com.apple.quicktime.location.ISO6709", "make", "model"} & set(
        ffprobe(stored)["format"].get("tags", {})
    )
    assert recording.metadata_removed or not identifying(before)
    assert_nothing_left_over(media_dirs, recording)


@pytest.mark.skipif(not MALFORMED, reason=f"shared test data not found at {TESTDATA}")
@pytest.mark.timeout(60)
@pytest.mark.parametrize("path", MALFORMED, ids=lambda path: str(path.relative_to(TESTDATA / "malformed")))
def test_a_malformed_file_ends_in_a_clean_bounded_outcome(path: Path, media_dirs: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the corpus walk does not depend on the database; it runs once, on SQLite")
    recording, job = ingest(path)
    assert job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
    if recording.status == RecordingStatus.FAILED:
        assert recording.error and "Traceback" not in recording.error and "Errno" not in recording.error
        assert recording.error_code not in ("", "internal"), recording.error
        quarantined = Path(recording.quarantine_path)
        assert quarantined.is_file() and quarantined.with_name(quarantined.name + ".reason.txt").is_file()
    else:
        assert recording.status == RecordingStatus.READY
        assert ffprobe(Path(recording.file.path))["streams"], "stored file does not read back"
    assert_nothing_left_over(media_dirs, recording)


MUST_FAIL = ["lottapixel.jpg", "decompression_bomb.gif", "empty.jpg", "missing-sof.jpg", "README.md"]


@pytest.mark.skipif(not MALFORMED, reason=f"shared test data not found at {TESTDATA}")
@pytest.mark.parametrize("name", MUST_FAIL)
def test_known_hostile_files_are_refused(name: str, media_dirs: Path) -> None:
    [path] = [path for path in MALFORMED if path.name == name][:1]
    recording, _job = ingest(path)
    assert recording.status == RecordingStatus.FAILED

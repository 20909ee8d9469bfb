"""Redaction jobs through the services and `execute`, with real ffmpeg and the real face
model: the detection store, redacted copies with and without a keep list, pictures, and
failures that leave nothing behind."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.db import IntegrityError, transaction

from compliance.access_log import verify_chain
from compliance.jobs import execute
from compliance.models import JobRun, JobStatus
from media_processing.engine import Limits, Tools
from media_processing.engine.detection import load_picture, video_frames
from media_processing.engine.detection.base import Box
from media_processing.engine.detection.centerface import CenterFace
from media_processing.engine.hashing import sha256_file
from media_processing.engine.track_store import TrackStore
from media_processing.models import Clip, Recording, RecordingKind, RedactedCopy, TrackSet
from media_processing.services.redaction import (
    RedactionError,
    redaction_detect_request,
    redaction_render_request,
)
from media_processing.services.redaction_media import Rendering
from tests.support.footage import events, ffprobe, make_camera, make_recording
from tests.support.media import make_face_video, shared_folder

pytestmark = [pytest.mark.django_db]
T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def faces() -> CenterFace:
    return CenterFace()


@pytest.fixture(scope="module")
def face_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_face_video(tmp_path_factory.mktemp("video") / "astronaut.mp4")


@pytest.fixture
def recording(media_dirs: Path, face_video: Path) -> Recording:
    return make_recording(
        make_camera(), T0, 1.0, source_file=face_video, width=400, height=400, fps=10.0, has_audio=True
    )


@pytest.fixture
def picture(media_dirs: Path) -> Recording:
    source = shared_folder("faces/nogt") / "astronaut.png"
    return make_recording(make_camera("Square"), T0, 0, kind=RecordingKind.IMAGE, source_file=source, name="a.png")


def run(job: JobRun) -> JobRun:
    execute(job.pk)
    job.refresh_from_db()
    return job


def detected(footage: Recording, user: Any) -> TrackSet:
    job = run(redaction_detect_request(footage=footage, user=user, ip=None))
    assert job.status == JobStatus.SUCCEEDED, job.error
    return TrackSet.objects.get(job_id=job.pk)


def rendered(footage: Recording, user: Any, track_set: TrackSet | None, **choice: Any) -> RedactedCopy:
    rendering = Rendering(**{"mode": "blur", "shape": "ellipse", **choice})
    job = run(redaction_render_request(footage=footage, user=user, ip=None, rendering=rendering, track_set=track_set))
    assert job.status == JobStatus.SUCCEEDED, job.error
    return RedactedCopy.objects.get(job_id=job.pk)


def boxes_per_frame(path: Path, faces: CenterFace) -> list[list[Box]]:
    return [faces.detect(frame.image) for frame in video_frames(path, tools=Tools(), limits=Limits())]


def found_again(before: list[Box], after: list[Box]) -> bool:
    """A face of the redacted frame where the original had one."""
    return any(face.iou(box) >= 0.3 for face in before for box in after)


def files_under(media: Path, folder: str) -> list[Path]:
    return [path for path in (media / "media" / folder).rglob("*") if path.is_file()]


def test_detection_keeps_anonymous_tracks_and_logs_who_read_the_footage(
    recording: Recording, dpo: Any, faces: CenterFace
) -> None:
    job = redaction_detect_request(footage=recording, user=dpo, ip="10.0.0.5")
    (event,) = events("footage.redact", recording)
    assert event.actor_id == dpo.pk and event.ip == "10.0.0.5"
    assert event.reason == "Redaction: finding faces and plates"
    assert job.kind_label == "Finding faces and plates"

    job = run(job)
    assert job.status == JobStatus.SUCCEEDED, job.error
    (track_set,) = TrackSet.objects.filter(recording=recording)
    path = Path(track_set.file.path)
    assert path.is_file() and sha256_file(path) == track_set.sha256 and path.stat().st_size == track_set.size
    assert track_set.source_sha256 == sha256_file(Path(recording.file.path))
    store = TrackStore.load(path)
    assert store.frame_count == track_set.frame_count == 10
    assert (track_set.width, track_set.height) == (400, 400)
    face_tracks = [track for track in track_set.tracks if track["label"] == "face"]
    assert face_tracks and {track["track_id"] for track in face_tracks} <= set(store.labels)
    assert track_set.detectors[0]["model_sha256"] == faces.model_sha256
    assert track_set.finding["detect_every"] >= 1
    assert (track_set.created_by, track_set.job_id) == (dpo, job.pk)
    # Boxes, scores and ids: no picture content, crop or embedding is kept.
    with np.load(path) as archive:
        assert set(archive.files) == {"meta", "track_ids", "frames", "boxes", "scores", "detected"}
    assert verify_chain().problem is None


def test_a_copy_without_detection_first_covers_every_face_and_keeps_the_tracks(
    recording: Recording, handler: Any, faces: CenterFace
) -> None:
    copy = rendered(recording, handler, None)

    output = Path(copy.file.path)
    assert sha256_file(output) == copy.sha256 == copy.record["output_sha256"]
    original = boxes_per_frame(Path(recording.file.path), faces)
    assert all(original)  # the test means something
    after = boxes_per_frame(output, faces)
    assert len(after) == 10
    assert not any(found_again(before, now) for before, now in zip(original, after, strict=True))
    assert [stream["codec_type"] for stream in ffprobe(output)["streams"]] == ["video"]  # sound dropped
    assert copy.record["tracks_source"] == "detected" and copy.record["keep_tracks"] == []
    # What the detectors found while rendering became the footage's detection store.
    (track_set,) = TrackSet.objects.filter(recording=recording)
    assert copy.track_set == track_set and Path(track_set.file.path).is_file()
    assert track_set.job_id == copy.job_id
    (event,) = events("footage.redact", recording)
    assert event.actor_id == handler.pk and "tracks kept visible: none" in event.reason


def test_keeping_the_requester_reuses_the_stored_tracks(recording: Recording, dpo: Any, faces: CenterFace) -> None:
    track_set = detected(recording, dpo)
    requester = next(track["track_id"] for track in track_set.tracks if track["label"] == "face")

    covered = rendered(recording, dpo, track_set, mode="pixelate", shape="box")
    kept = rendered(recording, dpo, track_set, keep_tracks=frozenset({requester}), keep_audio=True)

    assert covered.record["tracks_source"] == kept.record["tracks_source"] == "stored"
    assert TrackSet.objects.filter(recording=recording).count() == 1  # no second detection
    assert (covered.mode, covered.shape) == ("pixelate", "box")
    assert not any(boxes_per_frame(Path(covered.file.path), faces))
    assert all(len(boxes) == 1 for boxes in boxes_per_frame(Path(kept.file.path), faces))
    assert kept.keep_tracks == kept.record["keep_tracks"] == [requester] and kept.keep_audio
    assert sorted(stream["codec_type"] for stream in ffprobe(Path(kept.file.path))["streams"]) == ["audio", "video"]


def test_a_picture_is_one_frame_whose_detections_are_tracks(picture: Recording, dpo: Any, faces: CenterFace) -> None:
    [face] = faces.detect(load_picture(Path(picture.file.path), limits=Limits()))
    track_set = detected(picture, dpo)
    assert track_set.frame_count == 1 and track_set.width == 512
    requester = next(track["track_id"] for track in track_set.tracks if track["label"] == "face")

    covered = rendered(picture, dpo, track_set)
    kept = rendered(picture, dpo, track_set, keep_tracks=frozenset({requester}))

    assert Path(covered.file.path).suffix == ".png"
    after = faces.detect(load_picture(Path(covered.file.path), limits=Limits()))
    assert not found_again([face], after)
    assert found_again([face], faces.detect(load_picture(Path(kept.file.path), limits=Limits())))
    assert covered.record["tracks_source"] == kept.record["tracks_source"] == "stored"
    assert kept.record["keep_tracks"] == [requester]


def test_a_missing_source_fails_with_a_message_and_leaves_nothing(
    recording: Recording, media_dirs: Path, dpo: Any
) -> None:
    job = redaction_render_request(
        footage=recording, user=dpo, ip=None, rendering=Rendering(mode="fill", shape="box"), track_set=None
    )
    Path(recording.file.path).unlink()

    job = run(job)

    assert job.status == JobStatus.FAILED
    assert "missing from the media folder" in job.error
    assert not RedactedCopy.objects.exists() and not TrackSet.objects.exists()
    assert files_under(media_dirs, "redacted") == [] and files_under(media_dirs, "tracks") == []


def test_a_damaged_source_fails_with_a_message_and_leaves_nothing(
    recording: Recording, media_dirs: Path, dpo: Any
) -> None:
    track_set = detected(recording, dpo)
    Path(recording.file.path).write_bytes(b"\x00not a video any more" * 100)

    job = run(
        redaction_render_request(
            footage=recording, user=dpo, ip=None, rendering=Rendering(mode="blur", shape="box"), track_set=track_set
        )
    )

    assert job.status == JobStatus.FAILED and job.error
    assert "Traceback" not in job.error
    assert not RedactedCopy.objects.exists()
    assert files_under(media_dirs, "redacted") == []
    assert files_under(media_dirs, "tracks") == [Path(track_set.file.path)]


def test_changed_detections_are_refused(recording: Recording, media_dirs: Path, dpo: Any) -> None:
    track_set = detected(recording, dpo)
    Path(track_set.file.path).write_bytes(b"changed")

    job = run(
        redaction_render_request(
            footage=recording, user=dpo, ip=None, rendering=Rendering(mode="blur", shape="box"), track_set=track_set
        )
    )

    assert job.status == JobStatus.FAILED and "Find the faces and plates again" in job.error
    assert files_under(media_dirs, "redacted") == []


def test_a_cancelled_job_makes_nothing(recording: Recording, media_dirs: Path, dpo: Any) -> None:
    job = redaction_detect_request(footage=recording, user=dpo, ip=None)
    JobRun.objects.filter(pk=job.pk).update(cancel_requested=True)

    assert run(job).status == JobStatus.CANCELLED
    assert not TrackSet.objects.exists() and files_under(media_dirs, "tracks") == []


def test_requests_that_cannot_be_done_are_refused_at_once(recording: Recording, dpo: Any) -> None:
    with pytest.raises(RedactionError, match="Find the faces and plates first"):
        redaction_render_request(
            footage=recording,
            user=dpo,
            ip=None,
            rendering=Rendering(mode="blur", shape="box", keep_tracks=frozenset({1})),
            track_set=None,
        )
    redaction_detect_request(footage=recording, user=dpo, ip=None)
    with pytest.raises(RedactionError, match="already waiting or running"):
        redaction_detect_request(footage=recording, user=dpo, ip=None)
    assert len(events("footage.redact", recording)) == 1  # a refusal reads nothing


def test_a_detection_store_belongs_to_exactly_one_recording_or_clip(recording: Recording) -> None:
    clip = Clip.objects.create(camera=recording.camera, requested_start=T0, requested_end=T0, reason="Incident")
    fields = {"file": "tracks/x.npz", "sha256": "0" * 64, "size": 1, "frame_count": 1, "fps": 1.0, "width": 1}
    fields |= {"height": 1, "track_count": 0, "detection_count": 0}
    for subjects in ({}, {"recording": recording, "clip": clip}):
        with pytest.raises(IntegrityError), transaction.atomic():
            TrackSet.objects.create(**subjects, **fields)

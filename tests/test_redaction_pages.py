"""The redaction section of the recording and clip pages: the detect button and its job,
the track strip behind a logged reason, the render form, the copies and their downloads,
and who may do what."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image

from compliance.jobs import execute
from compliance.models import JobRun, JobStatus
from media_processing.models import Clip, ClipStatus, Recording, RedactedCopy, TrackSet
from media_processing.services.redaction import redaction_detect_request, redaction_render_request
from media_processing.services.redaction_media import Rendering
from tests.support.footage import events, logged_in, make_camera, make_recording
from tests.support.media import make_face_video

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_dirs")]
T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # 14:00 in Brussels, the organisation's zone


@pytest.fixture(scope="module")
def face_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_face_video(tmp_path_factory.mktemp("video") / "astronaut.mp4")


@pytest.fixture
def recording(face_video: Path) -> Recording:
    return make_recording(make_camera(), T0, 1.0, source_file=face_video, width=400, height=400, fps=10.0)


def detected(footage: Recording | Clip, user: Any) -> TrackSet:
    job = redaction_detect_request(footage=footage, user=user, ip=None)
    execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return TrackSet.objects.get(job_id=job.pk)


def page_of(client: Client, recording: Recording) -> str:
    return client.get(reverse("media_processing:recording", args=[recording.pk])).content.decode()


def test_finding_faces_then_choosing_from_the_strip(client: Client, handler: Any, recording: Recording) -> None:
    logged_in(client, handler)
    detect = reverse("media_processing:recording_detect", args=[recording.pk])
    page = page_of(client, recording)
    assert f'action="{detect}"' in page and "Find faces and plates" in page
    assert 'name="keep"' not in page  # nothing found yet, nobody to keep

    response = client.post(detect)

    assert response.status_code == 302 and response["Location"].endswith("#redaction")
    job = JobRun.objects.get(kind="footage.detect")
    assert events("footage.redact", recording)[0].actor_id == handler.pk
    page = page_of(client, recording)
    # The section follows the job until it ends; the job's own partial polls its progress.
    assert 'hx-select="#redaction"' in page
    assert reverse("job_progress", args=[job.pk]) in page
    assert "Ingestion job" not in page
    partial = client.get(reverse("job_progress", args=[job.pk])).content.decode()
    assert "Finding faces and plates" in partial and "hx-trigger" in partial

    execute(job.pk)
    page = page_of(client, recording)
    track_set = TrackSet.objects.get(recording=recording)
    face = next(track for track in track_set.tracks if track["label"] == "face")
    track_id = face["track_id"]
    assert f'<label for="keep-{track_id}">Keep track {track_id} visible</label>' in page
    assert 'hx-select="#redaction"' not in page  # done: no more polling
    assert "Face" in page and "14:00:00" in page  # the span in the organisation's zone
    thumbnail = reverse("media_processing:track_thumbnail", args=[track_set.pk, track_id])
    assert thumbnail not in page  # raw footage: not before a reason is given
    assert client.get(thumbnail).status_code == 403

    access = reverse("media_processing:recording_access", args=[recording.pk]) + "?action=view&section=redaction"
    assert access.replace("&", "&amp;") in page
    response = client.post(access, {"reason": "DSAR 12: find the requester", "reference": "DSAR-12"})
    assert response["Location"].endswith("#redaction")
    (event,) = events("footage.view", recording)
    assert event.reason == "DSAR 12: find the requester [DSAR-12]"

    assert f'src="{thumbnail}"' in page_of(client, recording)
    picture = client.get(thumbnail)
    assert picture.status_code == 200 and picture["Content-Type"] == "image/jpeg"
    assert picture["Cache-Control"] == "private, no-store"
    assert Image.open(io.BytesIO(picture.content)).width == 160
    assert len(events("footage.view", recording)) == 1  # the thumbnails ride on the logged grant


def test_the_render_form_makes_a_copy_that_is_listed_and_downloaded_with_a_log_entry(
    client: Client, handler: Any, recording: Recording
) -> None:
    track_set = detected(recording, handler)
    track_id = track_set.tracks[0]["track_id"]
    logged_in(client, handler)

    response = client.post(
        reverse("media_processing:recording_render", args=[recording.pk]),
        {"mode": "pixelate", "shape": "box", "keep": [track_id], "track_set": track_set.pk, "start_s": "", "end_s": ""},
    )

    assert response.status_code == 302
    job = JobRun.objects.get(kind="footage.redact")
    assert job.arguments["keep_tracks"] == [track_id] and job.arguments["track_set_id"] == track_set.pk
    page = page_of(client, recording)
    assert 'hx-select="#redaction-live"' in page  # only the job and the list refresh, not the form
    execute(job.pk)

    copy = RedactedCopy.objects.get(recording=recording)
    page = page_of(client, recording)
    assert 'hx-select="#redaction-live"' not in page
    assert "Pixelate, box" in page and f"track {track_id}" in page and copy.sha256 in page
    assert "from the saved detections (no detector ran)" in page
    assert copy.record["detectors"][0]["model_sha256"] in page
    download = reverse("media_processing:redacted_download", args=[copy.pk])
    assert download in page
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == Path(copy.file.path).read_bytes()  # type: ignore[attr-defined]
    (event,) = events("footage.download", copy)
    assert (event.actor_id, event.reason) == (handler.pk, "Download redacted copy")


def test_a_refused_render_form_shows_why(client: Client, dpo: Any, recording: Recording) -> None:
    logged_in(client, dpo)
    url = reverse("media_processing:recording_render", args=[recording.pk])

    backwards = client.post(url, {"mode": "blur", "shape": "ellipse", "start_s": "0.8", "end_s": "0.2"})
    keep_unknown = client.post(url, {"mode": "blur", "shape": "ellipse", "keep": ["1"]})

    assert backwards.status_code == 200 and "The end must come after the start." in backwards.content.decode()
    assert "Track 1 is not among the tracks found." in keep_unknown.content.decode()
    assert not JobRun.objects.filter(kind="footage.redact").exists()
    assert not events("footage.redact", recording)


def test_auditors_see_what_was_done_but_cannot_redact(
    client: Client, dpo: Any, auditor: Any, outsider: Any, recording: Recording
) -> None:
    track_set = detected(recording, dpo)
    job = redaction_render_request(
        footage=recording, user=dpo, ip=None, rendering=Rendering(mode="fill", shape="box"), track_set=track_set
    )
    execute(job.pk)
    copy = RedactedCopy.objects.get(recording=recording)

    logged_in(client, auditor)
    page = page_of(client, recording)
    assert "Redacted copies" in page and "Solid fill, box" in page and copy.sha256 in page
    assert "Find faces and plates" not in page and 'name="keep"' not in page
    assert reverse("media_processing:redacted_download", args=[copy.pk]) not in page
    assert client.post(reverse("media_processing:recording_detect", args=[recording.pk])).status_code == 403
    assert client.get(reverse("media_processing:redacted_download", args=[copy.pk])).status_code == 403
    thumbnail = reverse("media_processing:track_thumbnail", args=[track_set.pk, track_set.tracks[0]["track_id"]])
    assert client.get(thumbnail).status_code == 403
    logged_in(client, outsider)
    assert client.get(reverse("media_processing:recording", args=[recording.pk])).status_code == 403
    assert client.post(reverse("media_processing:recording_render", args=[recording.pk])).status_code == 403
    assert not events("footage.download", copy)


def test_a_clip_is_redacted_the_same_way(client: Client, handler: Any, face_video: Path) -> None:
    camera = make_camera()
    target = Path(settings.MEDIA_ROOT) / "clips" / "1.mp4"
    target.parent.mkdir(parents=True)
    target.write_bytes(face_video.read_bytes())
    clip = Clip.objects.create(
        camera=camera, requested_start=T0, requested_end=T0, reason="Incident", file="clips/1.mp4",
        status=ClipStatus.READY, created_by=handler,
    )  # fmt: skip
    track_set = detected(clip, handler)
    track_id = track_set.tracks[0]["track_id"]
    logged_in(client, handler)
    page = client.get(reverse("media_processing:clip", args=[clip.pk])).content.decode()
    assert f'id="keep-{track_id}"' in page
    thumbnail = reverse("media_processing:track_thumbnail", args=[track_set.pk, track_id])
    assert client.get(thumbnail).status_code == 403

    response = client.post(reverse("media_processing:clip_access", args=[clip.pk]), {"reason": "Incident 4 review"})

    assert response["Location"].endswith("#redaction")
    assert events("footage.view", clip)[0].reason == "Incident 4 review"
    assert client.get(thumbnail).status_code == 200
    response = client.post(
        reverse("media_processing:clip_render", args=[clip.pk]),
        {"mode": "blur", "shape": "ellipse", "track_set": track_set.pk, "audio": "drop"},
    )
    assert response.status_code == 302
    execute(JobRun.objects.get(kind="footage.redact").pk)
    (copy,) = RedactedCopy.objects.filter(clip=clip)
    assert copy.record["tracks_source"] == "stored" and Path(copy.file.path).is_file()

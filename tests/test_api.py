"""The REST API a VMS pushes footage to: bearer tokens, OpenAPI schema, a real worker."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import django_rq
import pytest
from django.test import Client
from django.urls import reverse

from compliance.api_tokens import api_token_create, api_token_revoke
from media_processing.models import Recording, RecordingSource, RecordingStatus
from tests.conftest import database_env
from tests.support.footage import make_camera, make_video

ROOT = Path(__file__).resolve().parent.parent


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.django_db
def test_the_schema_describes_the_upload() -> None:
    response = Client().get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    upload = schema["paths"]["/api/v1/recordings/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "202" in upload["responses"]


@pytest.mark.django_db
def test_tokens_are_checked(admin_role: Any, handler: Any, media_dirs: Path) -> None:
    client = Client()
    url = reverse("api:cameras")
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer("obs_wrong")).status_code == 401
    token, secret = api_token_create(user=handler, name="no rights")
    assert client.get(url, headers=bearer(secret)).status_code == 403  # a DSAR handler may not add footage
    token, secret = api_token_create(user=admin_role, name="VMS")
    assert client.get(url, headers=bearer(secret)).status_code == 200
    api_token_revoke(token=token)
    assert client.get(url, headers=bearer(secret)).status_code == 401
    assert secret not in str(token.digest)  # only a hash is stored


@pytest.mark.django_db
def test_bad_uploads_get_a_clear_answer(admin_role: Any, media_dirs: Path, tmp_path: Path) -> None:
    _token, secret = api_token_create(user=admin_role, name="VMS")
    video = make_video(tmp_path / "clip.mp4", seconds=1)
    with video.open("rb") as handle:
        response = Client().post(
            reverse("api:recording_upload"), {"file": handle, "camera": "Nope"}, headers=bearer(secret)
        )
    assert response.status_code == 400
    assert "no active camera named Nope" in response.json()["camera"][0]


@pytest.mark.django_db
def test_an_oversized_upload_is_cut_off(admin_role: Any, media_dirs: Path, tmp_path: Path, settings: Any) -> None:
    settings.MAX_FILE_BYTES = 1000
    make_camera("Bay")
    _token, secret = api_token_create(user=admin_role, name="VMS")
    big = tmp_path / "big.mp4"
    big.write_bytes(b"\0" * 200_000)
    with big.open("rb") as handle:
        response = Client().post(
            reverse("api:recording_upload"), {"file": handle, "camera": "Bay"}, headers=bearer(secret)
        )
    assert response.status_code == 413
    assert "larger than" in response.json()["file"][0]
    assert not Recording.objects.exists()
    assert not any((settings.FILE_UPLOAD_TEMP_DIR).glob("*.upload*"))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_pushed_file_is_ingested_by_a_worker(admin_role: Any, tmp_path: Path) -> None:
    connection = django_rq.get_connection()
    assert connection.connection_pool.connection_kwargs.get("db", 0) != 0
    connection.flushdb()
    make_camera("Loading bay", records_audio=True)
    _token, secret = api_token_create(user=admin_role, name="VMS")
    video = make_video(tmp_path / "bay.mp4", extra=("-metadata", "location=+48.8566+002.3522/"))
    client = Client()
    with video.open("rb") as handle:
        response = client.post(
            reverse("api:recording_upload"),
            {"file": handle, "camera": "Loading bay", "start": "2026-05-04T10:00:00Z"},
            headers=bearer(secret),
        )
    assert response.status_code == 202, response.content
    body = response.json()
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.run(
            [sys.executable, "manage.py", "rqworker", "default", "--burst"],
            cwd=ROOT, env=database_env(), stdout=output, stderr=subprocess.STDOUT, timeout=120,
        )  # fmt: skip
    assert worker.returncode == 0, log.read_text()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        status = client.get(body["status_url"], headers=bearer(secret)).json()
        if status["status"] in (RecordingStatus.READY, RecordingStatus.FAILED):
            break
        time.sleep(0.2)
    assert status["status"] == "ready", status
    assert datetime.fromisoformat(status["start"]) == datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    assert status["has_audio"] is True  # the camera is registered as recording audio
    recording = Recording.objects.get(pk=body["recording"])
    assert recording.source == RecordingSource.API and recording.ingested_by == admin_role
    assert Path(recording.file.path).is_file()
    connection.flushdb()

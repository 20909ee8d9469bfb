"""Raw footage behind a logged reason, served with range requests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from compliance.models import AccessEvent
from media_processing.views.streaming import Unsatisfiable, parse_range
from tests.support.footage import events, logged_in, make_camera, make_recording

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_dirs")]

# Raw footage behind a reason ---------------------------------------------------------------


def test_recording_plays_only_after_a_logged_reason_with_range_requests(
    client: Client, handler: Any, video: Path
) -> None:
    recording = make_recording(make_camera(), datetime(2024, 3, 5, 9, tzinfo=UTC), 2, source_file=video)
    detail = reverse("media_processing:recording", args=[recording.pk])
    stream = reverse("media_processing:recording_stream", args=[recording.pk])
    size = video.stat().st_size
    logged_in(client, handler)

    page = client.get(detail).content.decode()
    assert "<video" not in page
    assert stream not in page
    assert client.get(stream).status_code == 403

    response = client.post(
        reverse("media_processing:recording_access", args=[recording.pk]) + "?action=view",
        {"reason": "Checking a theft report", "reference": "INC-7"},
    )

    assert response.status_code == 302
    (event,) = events("footage.view", recording)
    assert event.reason == "Checking a theft report [INC-7]"
    assert event.actor_id == handler.pk
    assert f'<video class="player" controls preload="metadata" src="{stream}"' in client.get(detail).content.decode()
    whole = client.get(stream)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == video.read_bytes()  # type: ignore[attr-defined]
    part = client.get(stream, HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 0-99/{size}"
    assert part["Content-Length"] == "100"
    assert b"".join(part.streaming_content) == video.read_bytes()[:100]  # type: ignore[attr-defined]
    beyond = client.get(stream, HTTP_RANGE=f"bytes={size}-")
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{size}"
    # Viewing is not downloading: that needs its own reason.
    assert client.get(reverse("media_processing:recording_download", args=[recording.pk])).status_code == 403


def test_download_needs_its_own_reason_and_is_an_attachment(client: Client, dpo: Any, video: Path) -> None:
    recording = make_recording(make_camera(), datetime(2024, 3, 5, 9, tzinfo=UTC), 2, source_file=video)
    logged_in(client, dpo)

    client.post(
        reverse("media_processing:recording_access", args=[recording.pk]) + "?action=download",
        {"reason": "Answering a data subject access request"},
    )
    response = client.get(reverse("media_processing:recording_download", args=[recording.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert events("footage.download", recording)


def test_reason_is_required(client: Client, auditor: Any) -> None:
    recording = make_recording(make_camera(), datetime(2024, 3, 5, 9, tzinfo=UTC), 2)

    response = logged_in(client, auditor).post(
        reverse("media_processing:recording_access", args=[recording.pk]) + "?action=view", {"reason": "  "}
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not AccessEvent.objects.filter(action="footage.view").exists()


def test_outsider_is_refused_and_unknown_recordings_are_not_found(client: Client, outsider: Any, dpo: Any) -> None:
    recording = make_recording(make_camera(), datetime(2024, 3, 5, 9, tzinfo=UTC), 2)

    assert (
        logged_in(client, outsider).get(reverse("media_processing:recording", args=[recording.pk])).status_code == 403
    )
    assert logged_in(client, dpo).get(reverse("media_processing:recording", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        ("bytes=0-99", 1000, (0, 99)),
        ("bytes=900-", 1000, (900, 999)),
        ("bytes=-100", 1000, (900, 999)),
        ("bytes=990-2000", 1000, (990, 999)),
        ("bytes=0-0,5-9", 1000, None),  # several ranges: the whole file is allowed
        ("items=0-9", 1000, None),
        ("bytes=9-3", 1000, None),
        ("", 1000, None),
    ],
)
def test_parse_range(header: str, size: int, expected: tuple[int, int] | None) -> None:
    assert parse_range(header, size) == expected


@pytest.mark.parametrize(("header", "size"), [("bytes=1000-", 1000), ("bytes=-0", 1000), ("bytes=0-", 0)])
def test_parse_range_unsatisfiable(header: str, size: int) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, size)

"""The answer's search page through the Django test client: the picture of each window
with its gaps and clips, the frames along the clips (only after a logged reason), and
the forms that search, adjust bounds, leave clips and cameras out and find people."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from compliance.jobs import execute
from compliance.models import DeletedItem, DeletionCertificate, JobRun, JobStatus
from dsar.answer.search import answer_search_request
from dsar.answer.search_page import FRAMES
from dsar.models import DataSubjectRequest, ResponseItem, Status
from dsar.services import dsar_verify_identity
from media_processing.models import Camera
from tests.support.dsar import BRUSSELS, make_request, steps
from tests.support.footage import events, logged_in, make_camera, make_recording
from tests.support.media import make_video

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]

T0 = (timezone.now() - timedelta(days=2)).replace(microsecond=0)
SWEPT = T0 + timedelta(hours=6)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def local_input(moment: datetime) -> str:
    return moment.astimezone(BRUSSELS).strftime("%Y-%m-%dT%H:%M:%S")


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(tmp_path_factory.mktemp("video") / "part.mp4", seconds=4)


@pytest.fixture
def camera(video: Path) -> Camera:
    """Entrance: footage 0-4 s and 10-14 s; what came before was deleted by the schedule."""
    entrance = make_camera("Entrance")
    make_recording(entrance, at(0), 4, source_file=video)
    make_recording(entrance, at(10), 4, source_file=video)
    certificate = DeletionCertificate.objects.create(started_at=SWEPT, finished_at=SWEPT)
    DeletedItem.objects.create(
        certificate=certificate, category="raw_footage", action="delete", label="old.mp4", camera_name="Entrance",
        start=at(-600), end=at(0), deleted_at=SWEPT,
    )  # fmt: skip
    return entrance


@pytest.fixture
def ticket(handler: Any, camera: Camera) -> DataSubjectRequest:
    ticket = make_request(handler, cameras=[camera], windows=[(at(-20), at(20))], received_at=T0 + timedelta(days=1))
    return dsar_verify_identity(actor=handler, request=ticket)


def run_all() -> None:
    """Every job still queued, the search first (nothing is enqueued after a commit in these tests)."""
    while job := JobRun.objects.filter(status=JobStatus.QUEUED).order_by("pk").first():
        execute(job.pk)
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED, job.error


@pytest.fixture
def searched(ticket: DataSubjectRequest, handler: Any) -> DataSubjectRequest:
    answer_search_request(actor=handler, request=ticket)
    run_all()
    ticket.refresh_from_db()
    return ticket


def page(client: Client, ticket: DataSubjectRequest) -> str:
    response = client.get(reverse("dsar:answer_search", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_draws_each_window_with_its_footage_gaps_and_clips(
    client: Client, handler: Any, searched: DataSubjectRequest
) -> None:
    body = page(logged_in(client, handler), searched)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="timeline answer-timeline"' in body
    assert body.count('class="clip clip-included"') == 2
    assert body.count('class="span"') == 2  # the two recordings, each a link
    deleted_on = formats.date_format(SWEPT.astimezone(BRUSSELS).date(), "DATE_FORMAT")
    assert f"deleted by the retention schedule on {deleted_on}" in body
    assert "before the request was received" in body
    assert "never recorded" in body
    assert "Clip 1" in body and "Clip 2" in body
    assert 'type="datetime-local"' in body and 'step="1"' in body
    assert reverse("dsar:answer_search_detect", args=[searched.pk]) in body
    assert reverse("dsar:answer_review", args=[searched.pk]) in body

    ticket_page = client.get(reverse("dsar:ticket", args=[searched.pk])).content.decode()
    assert reverse("dsar:answer_search", args=[searched.pk]) in ticket_page


def test_only_those_who_handle_requests_see_the_page(
    client: Client, auditor: Any, outsider: Any, searched: DataSubjectRequest
) -> None:
    item = ResponseItem.objects.filter(request=searched).first()
    assert item is not None
    for user in (auditor, outsider):
        logged_in(client, user)
        assert client.get(reverse("dsar:answer_search", args=[searched.pk])).status_code == 403
        assert client.get(reverse("dsar:answer_search_item_frame", args=[item.pk, 0])).status_code == 403
        url = reverse("dsar:answer_search_item_include", args=[item.pk])
        assert (
            client.post(url, {f"include-{item.pk}-include": "0", f"include-{item.pk}-reason": "x"}).status_code == 403
        )
    item.refresh_from_db()
    assert item.included


def test_searching_from_the_page_moves_a_verified_request_on(
    client: Client, handler: Any, ticket: DataSubjectRequest
) -> None:
    logged_in(client, handler)
    ticket_page = client.get(reverse("dsar:ticket", args=[ticket.pk])).content.decode()
    assert reverse("dsar:answer_search_run", args=[ticket.pk]) in ticket_page  # the button on the ticket
    assert "The footage has not been searched yet." in page(client, ticket)
    response = client.post(reverse("dsar:answer_search_run", args=[ticket.pk]))
    assert response.status_code == 302 and response["Location"].endswith("#search")
    ticket.refresh_from_db()
    assert ticket.status == Status.SEARCHING
    body = page(client, ticket)
    assert "The footage search has started." in body
    assert "Footage search for an access request" in body  # the job's progress box
    client.post(reverse("dsar:answer_search_run", args=[ticket.pk]))
    assert "is already running" in page(client, ticket)


def test_frames_are_shown_only_after_a_logged_reason(
    client: Client, handler: Any, searched: DataSubjectRequest
) -> None:
    logged_in(client, handler)
    item = ResponseItem.objects.get(request=searched, position=1)
    frame = reverse("dsar:answer_search_item_frame", args=[item.pk, 0])
    assert client.get(frame).status_code == 403
    assert "Show the frames" in page(client, searched)

    reason = "Choosing the bounds of the clips of the answer"
    response = client.post(reverse("dsar:answer_search_frames", args=[searched.pk]), {"reason": reason})
    assert response.status_code == 302
    (event,) = events("footage.view", item.clip)
    assert event.actor_id == handler.pk and event.reason == f"{reason} [{searched.reference}]"
    response = client.get(frame)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response.content[:2] == b"\xff\xd8" and response["Cache-Control"] == "private, no-store"
    assert client.get(reverse("dsar:answer_search_item_frame", args=[item.pk, FRAMES])).status_code == 404
    body = page(client, searched)
    assert frame in body and "Frame at about" in body and "Show the frames" not in body


def test_new_bounds_typed_in_local_time(client: Client, handler: Any, searched: DataSubjectRequest) -> None:
    logged_in(client, handler)
    item = ResponseItem.objects.get(request=searched, position=1)
    url = reverse("dsar:answer_search_item_bounds", args=[item.pk])
    prefix = f"bounds-{item.pk}"
    client.post(url, {f"{prefix}-start": local_input(at(0)), f"{prefix}-end": local_input(at(4))})
    assert "The bounds were not changed." in page(client, searched)

    response = client.post(url, {f"{prefix}-start": local_input(at(1)), f"{prefix}-end": local_input(at(3))})
    new = ResponseItem.objects.get(request=searched, included=True, clip__requested_start=at(1))
    assert new.clip.requested_end == at(3)
    assert response["Location"].endswith(f"#item-{new.pk}")
    item.refresh_from_db()
    assert not item.included and item.drop_reason.startswith("Bounds changed")

    client.post(url, {f"{prefix}-start": local_input(at(3)), f"{prefix}-end": local_input(at(1))})
    assert "The end must come after the start." in page(client, searched)
    new_url = reverse("dsar:answer_search_item_bounds", args=[new.pk])
    client.post(new_url, {f"bounds-{new.pk}-start": local_input(at(5)), f"bounds-{new.pk}-end": local_input(at(8))})
    assert "has no stored video" in page(client, searched)


def test_clips_and_cameras_left_out_with_reasons(client: Client, handler: Any, searched: DataSubjectRequest) -> None:
    logged_in(client, handler)
    item = ResponseItem.objects.get(request=searched, position=2)
    url = reverse("dsar:answer_search_item_include", args=[item.pk])
    client.post(url, {f"include-{item.pk}-include": "0", f"include-{item.pk}-reason": ""})
    assert "This field is required." in page(client, searched)
    client.post(url, {f"include-{item.pk}-include": "0", f"include-{item.pk}-reason": "Only the empty corridor"})
    item.refresh_from_db()
    assert not item.included
    body = page(client, searched)
    assert "Left out: Only the empty corridor" in body and 'class="clip clip-excluded"' in body

    camera = item.clip.camera
    drop = reverse("dsar:answer_search_camera_drop", args=[searched.pk])
    client.post(drop, {"camera": camera.pk, "reason": "Points at the street"})
    assert not ResponseItem.objects.filter(request=searched, included=True).exists()
    body = page(client, searched)
    assert "Left out of the answer. Reason: Points at the street" in body and "Bring Entrance back" in body

    client.post(reverse("dsar:answer_search_camera_add", args=[searched.pk]), {"camera": camera.pk})
    assert "Entrance added; its footage is being searched." in page(client, searched)
    run_all()
    assert ResponseItem.objects.filter(request=searched, included=True).count() == 1  # the one left out by hand
    assert any("Entrance added" in entry.message for entry in steps(searched))


def test_find_people_starts_one_job_per_clip(client: Client, handler: Any, searched: DataSubjectRequest) -> None:
    logged_in(client, handler)
    url = reverse("dsar:answer_search_detect", args=[searched.pk])
    response = client.post(url)
    assert response["Location"].endswith("#people")
    assert "Finding people in 2 clips." in page(client, searched)
    assert JobRun.objects.filter(kind="footage.detect", started_by=handler).count() == 2
    client.post(url)
    assert "No clip is waiting for people to be found" in page(client, searched)

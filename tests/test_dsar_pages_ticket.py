"""The ticket page: the step buttons (each a POST through the service, with its timeline
step), refusals as messages, the deadlines and holds shown, the reveal form, and the
letter and photo views with their permissions and access-log entries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance.models import AccessEvent, DeletedItem, DeletionCertificate, RetentionCategory
from dsar.models import DataSubjectRequest, Status, TimelineEntry
from dsar.services import dsar_extend, dsar_refuse
from tests.support.dsar import PNG, local, make_request, stored_png, ticket_events
from tests.support.footage import logged_in, make_camera

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]


def step(client: Any, ticket: DataSubjectRequest, action: str, **data: str) -> str:
    """Press a step's button; the page it lands on."""
    response = client.post(reverse("dsar:ticket_action", args=[ticket.pk, action]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("dsar:ticket", args=[ticket.pk])
    return client.get(response["Location"]).content.decode()


def status(ticket: DataSubjectRequest) -> str:
    return DataSubjectRequest.objects.get(pk=ticket.pk).status


def last_step(ticket: DataSubjectRequest) -> TimelineEntry:
    return TimelineEntry.objects.filter(request=ticket).order_by("-at", "-pk")[0]


def test_the_main_line_button_by_button(client: Any, handler: Any) -> None:
    ticket = make_request(handler)
    client = logged_in(client, handler)
    html = client.get(reverse("dsar:ticket", args=[ticket.pk])).content.decode()
    assert "Ask for proof of identity" in html and "Start the footage search" not in html
    assert 'aria-current="step"' in html

    walk = [
        ("await_identity", Status.IDENTITY_PENDING, {"text": "ID asked by e-mail"}),
        ("verify", Status.VERIFIED, {"text": "Passport seen"}),
        ("start_search", Status.SEARCHING, {}),
        ("send_to_review", Status.IN_REVIEW, {}),
        ("approve", Status.APPROVED, {}),
        ("deliver", Status.DELIVERED, {"text": "Sent by secure link"}),
        ("close", Status.CLOSED, {}),
    ]
    for action, new_status, data in walk:
        html = step(client, ticket, action, **data)
        assert status(ticket) == new_status, action
        assert f"Status: {new_status.label}" in html
        entry = TimelineEntry.objects.filter(request=ticket, to_status=new_status).get()
        assert entry.actor == handler
        assert any(event.action.startswith("dsar.") for event in ticket_events(ticket))
    assert "Passport seen" in html and "Sent by secure link" in html
    assert "Next steps" not in html  # nothing left to do on a closed request
    assert "Change the request" not in html


def test_extend_hold_resume_and_withdraw_with_reasons(client: Any, handler: Any) -> None:
    ticket = make_request(handler, received_at=timezone.now() - timedelta(days=3))
    client = logged_in(client, handler)
    html = step(client, ticket, "extend", text="Twenty cameras to search")
    ticket.refresh_from_db()
    assert ticket.is_extended and ticket.extension_reasons == "Twenty cameras to search"
    assert "Extended to" in html and "Extend the deadline" not in html
    assert "Extension notice (PDF)" in html

    html = step(client, ticket, "hold", text="Waiting for the insurer")
    assert status(ticket) == Status.ON_HOLD
    assert "on hold; the deadline still runs" in html and "Resume" in html
    step(client, ticket, "resume")
    assert status(ticket) == Status.RECEIVED
    step(client, ticket, "withdraw", text="Requester no longer interested")
    assert status(ticket) == Status.WITHDRAWN


def test_missing_reasons_and_refused_steps_are_messages_not_errors(client: Any, handler: Any) -> None:
    ticket = make_request(handler)
    client = logged_in(client, handler)
    html = step(client, ticket, "refuse", text="  ")
    assert "Refuse the request: give the reasons for the refusal." in html
    assert status(ticket) == Status.RECEIVED

    html = step(client, ticket, "close")  # not delivered yet: the service refuses
    assert "cannot be closed" in html
    assert status(ticket) == Status.RECEIVED

    response = client.post(reverse("dsar:ticket_action", args=[ticket.pk, "explode"]))
    assert response.status_code == 404


def test_an_overdue_request_can_no_longer_be_extended(client: Any, handler: Any) -> None:
    ticket = make_request(handler, received_at=local(2025, 1, 6))
    client = logged_in(client, handler)
    assert "Extend the deadline" not in client.get(reverse("dsar:ticket", args=[ticket.pk])).content.decode()
    html = step(client, ticket, "extend", text="Too late")
    assert "can no longer be extended" in html


def test_refusal_makes_a_letter_that_view_dsar_users_download_with_a_log_entry(
    client: Any, handler: Any, auditor: Any, outsider: Any
) -> None:
    ticket = make_request(handler)
    html = step(logged_in(client, handler), ticket, "refuse", text="Manifestly excessive")
    assert status(ticket) == Status.REFUSED
    assert "Manifestly excessive" in html
    letter = ticket.letters.get()
    url = reverse("dsar:letter", args=[letter.pk])
    assert url in html

    response = logged_in(client, auditor).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.getvalue().startswith(b"%PDF")
    event = AccessEvent.objects.get(action="dsar.letter_download")
    assert event.actor_username == auditor.username and ticket.reference in event.reason

    assert logged_in(client, outsider).get(url).status_code == 403


def test_decision_on_an_erasure_request(client: Any, handler: Any) -> None:
    ticket = make_request(handler, kind="erasure")
    client = logged_in(client, handler)
    step(client, ticket, "verify")
    html = client.get(reverse("dsar:ticket", args=[ticket.pk])).content.decode()
    assert "Record the decision" in html and ">Approve<" not in html
    html = step(client, ticket, "decide", decision="granted", text="No overriding grounds")
    assert status(ticket) == Status.APPROVED
    assert "No overriding grounds" in html


def test_ticket_shows_deadlines_timeline_and_the_deleted_part_of_a_window(client: Any, handler: Any) -> None:
    camera = make_camera("Lobby")
    certificate = DeletionCertificate.objects.create(started_at=timezone.now(), finished_at=timezone.now())
    DeletedItem.objects.create(
        certificate=certificate, category=RetentionCategory.RAW_FOOTAGE, label="old.mp4", camera_name="Lobby",
        start=local(2026, 11, 10, 8), end=local(2026, 11, 10, 9), size=1, files=[], policy={},
        deleted_at=local(2026, 11, 12, 3),
    )  # fmt: skip
    ticket = make_request(
        handler,
        received_at=local(2025, 1, 31),
        cameras=[camera],
        windows=[(local(2026, 11, 10, 8, 30), local(2026, 11, 10, 10))],
    )
    html = logged_in(client, handler).get(reverse("dsar:ticket", args=[ticket.pk])).content.decode()
    assert "Feb. 28, 2025" in html and "April 30, 2025" in html  # due, and due if extended
    assert "already deleted by the retention schedule on Nov. 12, 2026" in html
    assert "Request logged" in html and handler.username in html


def test_automatic_steps_are_attributed_to_the_system(client: Any, handler: Any) -> None:
    ticket = make_request(None, identity_pending=True, channel="web_form")
    html = logged_in(client, handler).get(reverse("dsar:ticket", args=[ticket.pk])).content.decode()
    assert "<em>system</em>" in html
    assert "Paused since" in html


# Re-identification -----------------------------------------------------------------------


def test_dpo_reveals_an_identity_with_a_logged_reason(client: Any, handler: Any, dpo: Any) -> None:
    ticket = make_request(handler)
    html = logged_in(client, dpo).get(reverse("dsar:ticket", args=[ticket.pk])).content.decode()
    assert "Reveal an identity" in html
    url = reverse("dsar:reveal", args=[ticket.pk])
    response = client.post(url, {"field": "requester_email", "reason": "Sending the copy"})
    assert response.status_code == 200
    assert "jane.doe@example.org" in response.content.decode()
    event = AccessEvent.objects.get(action="vault.reidentify")
    assert event.reason == "Sending the copy" and event.actor_username == dpo.username

    response = client.post(url, {"field": "requester_email", "reason": ""})
    assert response.status_code == 400
    assert "jane.doe@example.org" not in response.content.decode()


def test_handler_may_not_reveal_and_the_attempt_is_logged(client: Any, handler: Any) -> None:
    ticket = make_request(handler)
    html = logged_in(client, handler).get(reverse("dsar:ticket", args=[ticket.pk])).content.decode()
    assert "Reveal an identity" not in html
    response = client.post(reverse("dsar:reveal", args=[ticket.pk]), {"field": "requester_name", "reason": "Curious"})
    assert response.status_code == 403
    assert AccessEvent.objects.filter(action="vault.reidentify.refused").count() == 1


# The photo -------------------------------------------------------------------------------


def test_photo_only_for_handlers_and_each_viewing_is_logged(client: Any, handler: Any, auditor: Any) -> None:
    ticket = make_request(handler, photo=(PNG, "image/png"))
    url = reverse("dsar:photo", args=[ticket.pk])
    html = logged_in(client, handler).get(reverse("dsar:ticket", args=[ticket.pk])).content.decode()
    assert url in html
    response = client.get(url)
    assert response.status_code == 200 and response.content == stored_png()
    assert response["Content-Type"] == "image/jpeg" and "no-store" in response["Cache-Control"]
    assert AccessEvent.objects.filter(action="dsar.photo_view").count() == 1

    html = logged_in(client, auditor).get(reverse("dsar:ticket", args=[ticket.pk])).content.decode()
    assert url not in html
    assert client.get(url).status_code == 403


def test_photo_is_gone_once_the_request_ends(client: Any, handler: Any) -> None:
    ticket = make_request(handler, photo=(PNG, "image/png"))
    dsar_refuse(actor=handler, request=ticket, reasons="Unfounded")
    assert logged_in(client, handler).get(reverse("dsar:photo", args=[ticket.pk])).status_code == 404


def test_delete_photo_button(client: Any, handler: Any) -> None:
    ticket = make_request(handler, photo=(PNG, "image/png"))
    step(logged_in(client, handler), ticket, "delete_photo")
    ticket.refresh_from_db()
    assert not ticket.has_photo


def test_extension_letter_listed_after_extension(client: Any, handler: Any) -> None:
    ticket = make_request(handler)
    dsar_extend(actor=handler, request=ticket, reasons="Complex")
    html = logged_in(client, handler).get(reverse("dsar:ticket", args=[ticket.pk])).content.decode()
    assert reverse("dsar:letter", args=[ticket.letters.get().pk]) in html

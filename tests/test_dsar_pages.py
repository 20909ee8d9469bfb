"""The DSAR pages through the test client: the list (ordering, days left in local dates,
filters), logging a request with its windows and photo, and changing it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from compliance.models import LegalHold
from compliance.vault import reidentify
from dsar.models import DataSubjectRequest, Status
from dsar.services import dsar_extend, dsar_refuse, ticket_holds
from tests.support.dsar import BRUSSELS, PNG, local, make_request, organisation, ticket_events
from tests.support.footage import logged_in, make_camera

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]


def at(moment: datetime, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make "now" this moment for the pages and the services."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def page(client: Any, url: str, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def form_data(**fields: Any) -> dict[str, Any]:
    data = {
        "kind": "access",
        "channel": "email",
        "received_at": "2026-11-20T09:30",
        "requester_name": "Jane Doe",
        "requester_email": "jane.doe@example.org",
        "requester_phone": "",
        "requester_address": "",
        "description": "Red coat, entrance",
        "assigned_to": "",
        "windows-TOTAL_FORMS": "1",
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "20",
        "windows-0-start": "",
        "windows-0-end": "",
    }
    return data | fields


# The list ------------------------------------------------------------------------------


def test_list_is_ordered_by_the_final_due_date_and_counts_days_in_local_dates(
    client: Any, handler: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    organisation(time_zone="Asia/Tokyo")  # nine hours ahead of UTC, no summer time
    tokyo = timezone.get_fixed_timezone(9 * 60)
    late = make_request(handler, received_at=datetime(2025, 1, 31, 10, tzinfo=tokyo))  # due Fri 28 Feb 2025
    early = make_request(handler, received_at=datetime(2025, 1, 20, 10, tzinfo=tokyo))  # due Thu 20 Feb
    extended = make_request(handler, received_at=datetime(2025, 1, 10, 10, tzinfo=tokyo))  # due Mon 10 Feb
    at(datetime(2025, 2, 3, tzinfo=UTC), monkeypatch)
    dsar_extend(actor=handler, request=extended, reasons="Many cameras")  # now due 10 Apr

    # 23:30 in Tokyo on 27 February: the UTC date is the 27th too, one day left.
    at(datetime(2025, 2, 27, 14, 30, tzinfo=UTC), monkeypatch)
    html = page(logged_in(client, handler), reverse("dsar:index"))
    assert html.index(early.reference) < html.index(late.reference) < html.index(extended.reference)
    assert "1 day left" in html
    assert "Overdue by 7 days" in html  # the early one, due the 20th

    # 01:30 in Tokyo on the 28th while it is still the 27th in UTC: due today.
    at(datetime(2025, 2, 27, 16, 30, tzinfo=UTC), monkeypatch)
    html = page(client, reverse("dsar:index"))
    assert "Due today" in html and "1 day left" not in html
    assert "Overdue by 8 days" in html


def test_overdue_is_said_in_words_with_an_icon_not_colour_alone(
    client: Any, handler: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = make_request(handler, received_at=local(2025, 1, 6))
    at(ticket_due_moment(ticket) + timedelta(days=3), monkeypatch)
    html = page(logged_in(client, handler), reverse("dsar:index"))
    assert '<span class="days-overdue"><svg class="icon"' in html
    assert "Overdue by 3 days" in html


def ticket_due_moment(ticket: DataSubjectRequest) -> datetime:
    return datetime.combine(ticket.final_due, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)


def test_filters_by_status_handler_type_and_deadline(
    client: Any, handler: Any, dpo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = make_request(handler, assigned_to=handler, received_at=local(2026, 11, 20))
    theirs = make_request(handler, assigned_to=dpo, kind="erasure", received_at=local(2026, 10, 1))
    ended = make_request(handler, received_at=local(2026, 11, 2))
    dsar_refuse(actor=handler, request=ended, reasons="Manifestly unfounded")
    at(datetime(2026, 11, 26, 12, tzinfo=UTC), monkeypatch)
    client = logged_in(client, handler)
    url = reverse("dsar:index")

    html = page(client, url)  # open ones by default
    assert mine.reference in html and theirs.reference in html and ended.reference not in html
    html = page(client, url, status="closed")
    assert ended.reference in html and mine.reference not in html
    html = page(client, url, status="all", handler=str(dpo.pk))
    assert theirs.reference in html and mine.reference not in html
    html = page(client, url, kind="access", status="all")
    assert mine.reference in html and ended.reference in html and theirs.reference not in html
    html = page(client, url, due="overdue")  # received 1 Oct: due Mon 2 Nov (the 1st is a Sunday)
    assert theirs.reference in html and mine.reference not in html
    html = page(client, url, due="soon")
    assert "No requests match." in html
    html = page(client, url, handler="none", status="all")
    assert ended.reference in html and mine.reference not in html


def test_list_pages_through_many_requests(client: Any, handler: Any) -> None:
    for _number in range(27):
        make_request(handler)
    html = page(logged_in(client, handler), reverse("dsar:index"))
    assert "Page 1 of 2" in html
    html = page(client, reverse("dsar:index"), page="2", status="open")
    assert html.count('<th scope="row"><a href="/dsar/') == 2


def test_requester_shows_as_a_pseudonym_never_in_clear(client: Any, handler: Any) -> None:
    ticket = make_request(handler)
    for url in (reverse("dsar:index"), reverse("dsar:ticket", args=[ticket.pk])):
        html = page(logged_in(client, handler), url)
        assert ticket.requester_name in html
        assert "Jane Doe" not in html and "jane.doe@example.org" not in html


# Logging a request -----------------------------------------------------------------------


def test_log_a_request_with_a_window_places_the_hold_at_once(client: Any, handler: Any) -> None:
    camera = make_camera("Front gate")
    data = form_data(
        cameras=[camera.pk], assigned_to=str(handler.pk),
        **{"windows-0-start": "2026-11-19T14:00", "windows-0-end": "2026-11-19T15:30"},
    )  # fmt: skip
    response = logged_in(client, handler).post(reverse("dsar:ticket_create"), data)
    assert response.status_code == 302
    ticket = DataSubjectRequest.objects.get()
    assert response["Location"] == reverse("dsar:ticket", args=[ticket.pk])
    assert ticket.received_at == local(2026, 11, 20, 9, 30)  # typed in the organisation's local time
    assert ticket.assigned_to == handler
    [window] = ticket.windows.all()
    assert (window.start, window.end) == (local(2026, 11, 19, 14), local(2026, 11, 19, 15, 30))
    [hold] = ticket_holds(ticket)
    assert list(hold.cameras.all()) == [camera]
    assert hold.case_reference == ticket.reference
    assert reidentify(ticket.requester_email, actor=handler_dpo(), reason="test") == "jane.doe@example.org"

    html = page(client, response["Location"])
    assert "Front gate" in html and "0 recordings held." in html
    assert f"Request {ticket.reference} logged." in html


def handler_dpo() -> Any:
    from compliance.roles import DPO
    from compliance.users import user_create

    return user_create(username="dpo-for-test", role=DPO, password="x" * 12)[0]


def test_form_defaults_to_now_in_local_time_and_every_input_has_a_label(client: Any, handler: Any) -> None:
    html = page(logged_in(client, handler), reverse("dsar:ticket_create"))
    today = timezone.localtime(timezone.now(), BRUSSELS).strftime("%Y-%m-%dT")
    assert f'type="datetime-local" name="received_at" value="{today}' in html
    for name in ("id_kind", "id_channel", "id_received_at", "id_requester_name", "id_requester_email",
                 "id_photo", "id_windows-0-start", "id_windows-0-end", "id_assigned_to"):  # fmt: skip
        assert f'for="{name}"' in html, name


def test_invalid_window_and_missing_name_are_shown_as_form_errors(client: Any, handler: Any) -> None:
    data = form_data(requester_name="", **{"windows-0-start": "2026-11-19T15:00", "windows-0-end": "2026-11-19T14:00"})
    response = logged_in(client, handler).post(reverse("dsar:ticket_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The end must come after the start." in html
    assert "This field is required." in html
    assert not DataSubjectRequest.objects.exists()


def test_a_refusal_of_the_service_is_a_form_error_not_a_500(client: Any, handler: Any) -> None:
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = logged_in(client, handler).post(reverse("dsar:ticket_create"), form_data(received_at=future))
    assert response.status_code == 200
    assert "The time of receipt cannot be in the future." in response.content.decode()


def test_photo_must_be_a_picture(client: Any, handler: Any) -> None:
    fake = SimpleUploadedFile("me.png", b"%PDF-1.4 not a picture", content_type="image/png")
    response = logged_in(client, handler).post(reverse("dsar:ticket_create"), form_data(photo=fake))
    assert response.status_code == 200
    assert "The photo must be a JPEG, PNG, WebP or HEIC picture." in response.content.decode()

    photo = SimpleUploadedFile("me.bin", PNG, content_type="application/octet-stream")
    response = client.post(reverse("dsar:ticket_create"), form_data(photo=photo))
    assert response.status_code == 302
    ticket = DataSubjectRequest.objects.get()
    assert ticket.has_photo and ticket.photo_content_type == "image/jpeg"


def test_photo_over_the_size_limit_is_refused_with_a_message(
    client: Any, handler: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dsar.forms.MAX_PHOTO_BYTES", 10)
    photo = SimpleUploadedFile("me.png", PNG, content_type="image/png")
    response = logged_in(client, handler).post(reverse("dsar:ticket_create"), form_data(photo=photo))
    assert "The photo is larger than 15 MB" in response.content.decode()


# Changing a request ----------------------------------------------------------------------


def edit_data(ticket: DataSubjectRequest, **fields: Any) -> dict[str, Any]:
    data = form_data(
        kind=ticket.kind, channel=ticket.channel, requester_name="", requester_email="",
        received_at=timezone.localtime(ticket.received_at).strftime("%Y-%m-%dT%H:%M"),
        description=ticket.description,
    )  # fmt: skip
    return data | fields


def test_changing_the_time_of_receipt_is_audited_and_moves_the_deadline(client: Any, handler: Any) -> None:
    ticket = make_request(handler, received_at=local(2025, 1, 31, 9))
    html = page(logged_in(client, handler), reverse("dsar:ticket_edit", args=[ticket.pk]))
    assert 'value="2025-01-31T09:00"' in html
    assert f"Now {ticket.requester_name}" in html and "Jane Doe" not in html

    response = client.post(
        reverse("dsar:ticket_edit", args=[ticket.pk]), edit_data(ticket, received_at="2025-02-28T09:00")
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.received_at == local(2025, 2, 28, 9)
    assert ticket.due_on.isoformat() == "2025-03-28"
    [event] = [event for event in ticket_events(ticket) if event.action == "dsar.update"]
    assert "received_at 2025-01-31T08:00:00+00:00 -> 2025-02-28T08:00:00+00:00" in event.reason
    html = page(client, reverse("dsar:ticket", args=[ticket.pk]))
    assert "time of receipt" in html


def test_typing_a_new_value_replaces_the_pseudonym_and_blank_keeps_it(client: Any, handler: Any) -> None:
    ticket = make_request(handler, requester_phone="+32 470 12 34 56")
    name, phone = ticket.requester_name, ticket.requester_phone
    data = edit_data(ticket, requester_email="jane@example.net", clear_requester_phone="on")
    response = logged_in(client, handler).post(reverse("dsar:ticket_edit", args=[ticket.pk]), data)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.requester_name == name  # left empty: kept
    assert ticket.requester_phone == "" and phone
    assert reidentify(ticket.requester_email, actor=handler_dpo(), reason="test") == "jane@example.net"


def test_changing_the_windows_replaces_the_holds(client: Any, handler: Any) -> None:
    camera = make_camera("Car park")
    ticket = make_request(handler, cameras=[camera], windows=[(local(2026, 11, 19, 14), local(2026, 11, 19, 15))])
    [old] = ticket_holds(ticket)
    data = edit_data(
        ticket, cameras=[camera.pk],
        **{"windows-TOTAL_FORMS": "2", "windows-INITIAL_FORMS": "1", "windows-0-start": "2026-11-19T14:00",
           "windows-0-end": "2026-11-19T15:00", "windows-0-DELETE": "on", "windows-1-start": "2026-11-18T08:00",
           "windows-1-end": "2026-11-18T09:00"},
    )  # fmt: skip
    response = logged_in(client, handler).post(reverse("dsar:ticket_edit", args=[ticket.pk]), data)
    assert response.status_code == 302, response.content.decode()
    [window] = ticket.windows.all()
    assert window.start == local(2026, 11, 18, 8)
    old.refresh_from_db()
    assert old.released_at is not None
    [new] = ticket_holds(ticket)
    assert new.window_start == local(2026, 11, 18, 8)
    assert LegalHold.objects.count() == 2


def test_an_ended_request_cannot_be_changed(client: Any, handler: Any) -> None:
    ticket = make_request(handler)
    dsar_refuse(actor=handler, request=ticket, reasons="Unfounded")
    response = logged_in(client, handler).get(reverse("dsar:ticket_edit", args=[ticket.pk]))
    assert response.status_code == 302
    assert "it can no longer be changed" in page(client, response["Location"])
    assert DataSubjectRequest.objects.get().status == Status.REFUSED


def test_saving_another_field_leaves_seconds_of_receipt_and_windows_alone(client: Any, handler: Any) -> None:
    camera = make_camera("Dock")
    received = local(2026, 11, 20, 9, 30) + timedelta(seconds=41, microseconds=5)
    window = (local(2026, 11, 19, 14) + timedelta(seconds=12), local(2026, 11, 19, 15) + timedelta(seconds=7))
    ticket = make_request(handler, received_at=received, cameras=[camera], windows=[window])
    [hold] = ticket_holds(ticket)
    data = edit_data(
        ticket, description="Blue coat", cameras=[camera.pk],
        **{"windows-TOTAL_FORMS": "2", "windows-INITIAL_FORMS": "1", "windows-0-start": "2026-11-19T14:00",
           "windows-0-end": "2026-11-19T15:00", "windows-1-start": "", "windows-1-end": ""},
    )  # fmt: skip
    response = logged_in(client, handler).post(reverse("dsar:ticket_edit", args=[ticket.pk]), data)
    assert response.status_code == 302, response.content.decode()
    ticket.refresh_from_db()
    assert ticket.description == "Blue coat" and ticket.received_at == received
    assert [(w.start, w.end) for w in ticket.windows.all()] == [window]
    assert list(ticket_holds(ticket)) == [hold]
    [event] = [event for event in ticket_events(ticket) if event.action == "dsar.update"]
    assert "received_at" not in event.reason and "time windows" not in event.reason

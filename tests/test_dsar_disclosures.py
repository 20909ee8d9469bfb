"""The disclosure register: its page (seen by everyone who sees requests, written by those
who handle them, every write logged), its checks, the Django admin, and which entries an
answer names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dsar.answer.disclosures import Scope, recipients_for
from dsar.models import Disclosure
from tests.support.footage import events, make_camera

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADD = reverse("dsar:disclosure_add")
PAGE = reverse("dsar:disclosures")


def police(**fields: Any) -> dict[str, Any]:
    """The form as a handler fills it for footage handed to the police."""
    return {
        "recipient": "Police Zone Brussels", "kind": "police", "disclosed_on": "2026-03-03",
        "window_start": "2026-03-02T10:00", "window_end": "2026-03-02T10:30",
        "purpose": "Theft at the entrance", "reference": "PV-2026-118", **fields,
    }  # fmt: skip


def test_a_handler_records_a_disclosure_and_it_is_logged(client: Client, handler: Any) -> None:
    camera = make_camera()
    client.force_login(handler)
    assert client.get(ADD).status_code == 200
    response = client.post(ADD, police(cameras=[camera.pk]))
    assert response.status_code == 302 and response["Location"] == PAGE
    entry = Disclosure.objects.get()
    assert list(entry.cameras.all()) == [camera] and entry.recorded_by == handler
    assert entry.window_start is not None and timezone.localtime(entry.window_start).hour == 10  # local time
    logged = events("dsar.disclosure_add", entry)
    assert [event.actor_id for event in logged] == [handler.pk] and "PV-2026-118" in logged[0].reason
    assert "Police Zone Brussels" in client.get(PAGE).content.decode()


def test_a_change_is_logged_too(client: Client, handler: Any) -> None:
    entry = Disclosure.objects.create(recipient="Insurer", kind="insurer", purpose="Claim", disclosed_on=T0.date())
    client.force_login(handler)
    url = reverse("dsar:disclosure_edit", kwargs={"pk": entry.pk})
    response = client.post(url, police(recipient="Acme Insurance", kind="insurer"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.recipient == "Acme Insurance"
    assert len(events("dsar.disclosure_change", entry)) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"window_end": "2026-03-02T09:00"}, "must come after its start"),
        ({"disclosed_on": ""}, "Give the date the footage was handed over"),
        ({"disclosed_on": "2999-01-01"}, "in the future"),
        ({"purpose": ""}, "This field is required"),
    ],
)
def test_bad_entries_are_refused_with_a_reason(
    client: Client, handler: Any, fields: dict[str, str], message: str
) -> None:
    client.force_login(handler)
    response = client.post(ADD, police(**fields))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Disclosure.objects.exists()


def test_a_routine_recipient_needs_no_date(client: Client, handler: Any) -> None:
    client.force_login(handler)
    fields = police(recipient="CloudWatch Ltd", kind="processor", standing="on", disclosed_on="", window_start="",
                    window_end="")  # fmt: skip
    assert client.post(ADD, fields).status_code == 302
    assert Disclosure.objects.get().standing


def test_the_auditor_reads_the_register_but_cannot_write_it(client: Client, auditor: Any) -> None:
    Disclosure.objects.create(recipient="Police", kind="police", purpose="Theft", disclosed_on=T0.date())
    client.force_login(auditor)
    html = client.get(PAGE).content.decode()
    assert "Police" in html and ADD not in html
    assert client.post(ADD, police()).status_code == 403
    assert Disclosure.objects.count() == 1


def test_a_superuser_adds_one_in_the_admin_through_the_logged_service(client: Client) -> None:
    root = User.objects.create_superuser("root", "root@example.org", "pw")
    camera = make_camera()
    client.force_login(root)
    response = client.post(reverse("admin:dsar_disclosure_add"), police(cameras=[camera.pk], disclosed_on="2026-03-03"))
    assert response.status_code == 302
    entry = Disclosure.objects.get()
    assert list(entry.cameras.all()) == [camera]
    assert [event.actor_id for event in events("dsar.disclosure_add", entry)] == [root.pk]
    assert client.post(reverse("admin:dsar_disclosure_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403


def test_an_answer_names_routine_recipients_and_overlapping_disclosures() -> None:
    entrance, yard = make_camera("Entrance"), make_camera("Yard")
    routine = Disclosure.objects.create(recipient="Host", kind="processor", standing=True, purpose="Hosting")
    overlapping = Disclosure.objects.create(recipient="Police", kind="police", purpose="Theft", disclosed_on=T0.date(),
                                            window_start=T0, window_end=T0 + timedelta(hours=1))  # fmt: skip
    overlapping.cameras.set([entrance])
    every_camera = Disclosure.objects.create(
        recipient="Court", kind="lawyer", purpose="Case", disclosed_on=T0.date(),
        window_start=T0 - timedelta(days=1), window_end=T0 + timedelta(days=1),
    )  # fmt: skip
    other_camera = Disclosure.objects.create(
        recipient="Insurer", kind="insurer", purpose="Claim", disclosed_on=T0.date()
    )
    other_camera.cameras.set([yard])
    later = Disclosure.objects.create(
        recipient="Lawyer", kind="lawyer", purpose="Claim", disclosed_on=T0.date(),
        window_start=T0 + timedelta(hours=2), window_end=T0 + timedelta(hours=3),
    )  # fmt: skip
    later.cameras.set([entrance])
    named = list(recipients_for([Scope(entrance.pk, T0 + timedelta(minutes=30), T0 + timedelta(minutes=40))]))
    assert named[0] == routine
    assert set(named) == {routine, overlapping, every_camera}

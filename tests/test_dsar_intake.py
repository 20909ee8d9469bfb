"""The public request form at /request/: anyone may send it without an account; it is
rate-limited per address, refuses robots without a third-party service, and answers with
the reference and the statutory due date."""

from __future__ import annotations

import itertools
import re
import smtplib
import time
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from compliance.models import IdentityClock
from compliance.vault import tokenise
from dsar.deadlines import statutory_deadlines
from dsar.models import Channel, DataSubjectRequest, Status
from dsar.public import ACK_SALT
from dsar.public_forms import form_stamp
from dsar.services import dsar_photo_open
from media_processing.models import Site
from tests.support.dsar import PNG, organisation, stored_png

pytestmark = pytest.mark.django_db
URL = "/request/"


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


@pytest.fixture
def site() -> Site:
    return Site.objects.create(name="Head office", address="1 Secret Street")


def local_today(zone: str = "Europe/Brussels") -> date:
    return timezone.now().astimezone(ZoneInfo(zone)).date()


def form_data(**fields: Any) -> dict[str, Any]:
    """A complete form as a person sends it after filling it in for a while."""
    day = local_today() - timedelta(days=2)
    data: dict[str, Any] = {
        "kind": "access",
        "name": "Jane Doe",
        "email": "jane.doe@example.org",
        "phone": "",
        "address": "",
        "place": "The car park entrance",
        "description": "Red coat, walking a dog.",
        "windows-TOTAL_FORMS": "3",
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "3",
        "windows-0-start": f"{day:%Y-%m-%d}T14:00",
        "windows-0-end": f"{day:%Y-%m-%d}T15:30",
        "stamp": form_stamp(time.time() - 30),
        "website": "",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def send(client: Client, **fields: Any) -> Any:
    return client.post(URL, form_data(**fields))


def shown(day: date) -> str:
    return str(formats.date_format(day, "DATE_FORMAT"))


def test_the_form_is_open_to_anyone_and_accessible(client: Client, site: Site) -> None:
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Head office" in html
    assert "1 Secret Street" not in html  # the register's names only
    assert "<legend>When</legend>" in html
    assert "Time 1" in html and "Time 3" in html
    assert 'type="datetime-local"' in html
    assert "Europe/Brussels" in html  # the zone the times are read in
    assert "How we use what you tell us" in html
    # The trap is hidden from people, screen readers and the tab order, and says to leave it empty.
    trap = re.search(r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>', html, re.S)
    assert trap is not None
    assert 'name="website"' in trap.group(1) and 'tabindex="-1"' in trap.group(1)
    assert "Leave this field empty" in trap.group(1)
    levels = [int(level) for level in re.findall(r"<h(\d)", html)]
    assert levels[0] == 1 and all(later <= earlier + 1 for earlier, later in itertools.pairwise(levels))
    assert reverse("dsar:index") not in html  # no staff navigation


def test_a_valid_request_is_logged_pseudonymised_and_acknowledged(client: Client, vault_key: Any, site: Site) -> None:
    response = send(client, sites=[site.pk], phone="+32 2 123 45 67")
    assert response.status_code == 302
    ticket = DataSubjectRequest.objects.get()
    assert ticket.status == Status.IDENTITY_PENDING
    assert ticket.channel == Channel.WEB_FORM
    assert re.fullmatch(r"DSAR-\d{4}-\d{4}", ticket.reference)
    assert ticket.created_by is None
    assert list(ticket.sites.all()) == [site]
    assert ticket.pauses.filter(ended_at__isnull=True).exists()  # the clock waits for proof of identity
    assert "The car park entrance" in ticket.description
    day = local_today() - timedelta(days=2)
    window = ticket.windows.get()
    zone = ZoneInfo("Europe/Brussels")
    assert window.start == datetime(day.year, day.month, day.day, 14, 0, tzinfo=zone)
    assert window.end == datetime(day.year, day.month, day.day, 15, 30, tzinfo=zone)

    # Only pseudonyms in the ticket's row: the clear name and contact appear nowhere in it.
    assert ticket.requester_name == tokenise("Jane Doe", "dsar.requester_name")
    assert ticket.requester_email == tokenise("jane.doe@example.org", "dsar.requester_email")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM dsar_datasubjectrequest WHERE id = %s", [ticket.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert "Jane" not in row and "jane.doe" not in row and "123 45 67" not in row
    assert ticket.requester_name in row

    due = statutory_deadlines(local_today(), "BE").due
    assert ticket.due_on == due
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert ticket.reference in html
    assert shown(due) in html
    assert "paused" in html  # the organisation suspends the clock while it waits
    assert "Jane" not in html

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jane.doe@example.org"]
    assert ticket.reference in message.subject
    assert ticket.reference in message.body and shown(due) in message.body


def test_the_due_date_follows_the_organisations_country_and_policy(client: Client, vault_key: Any) -> None:
    organisation(country="DE", subdivision="BY", time_zone="Europe/Berlin", identity_clock=IdentityClock.RESTART)
    response = send(client, email="", phone="0049 89 1234567")
    assert response.status_code == 302
    ticket = DataSubjectRequest.objects.get()
    due = statutory_deadlines(local_today("Europe/Berlin"), "DE", "BY").due
    assert ticket.due_on == due
    html = client.get(response["Location"]).content.decode()
    assert shown(due) in html
    assert "starts again" in html
    assert mail.outbox == []  # no e-mail address given


def test_a_photo_is_kept_encrypted_for_reviewers(client: Client, vault_key: Any, dpo: Any, media_dirs: Any) -> None:
    photo = _upload("me.png", PNG)
    response = client.post(URL, {**form_data(), "photo": photo})
    assert response.status_code == 302
    ticket = DataSubjectRequest.objects.get()
    assert ticket.photo_content_type == "image/jpeg"
    assert PNG not in (media_dirs / "media" / ticket.photo_path).read_bytes()
    assert dsar_photo_open(actor=dpo, request=ticket).data == stored_png()


def test_a_file_that_is_not_a_picture_is_refused(client: Client, vault_key: Any) -> None:
    response = client.post(URL, {**form_data(), "photo": _upload("me.jpg", b"%PDF-1.4 not a picture")})
    assert response.status_code == 400
    assert "must be a JPEG, PNG, WebP or HEIC picture" in response.content.decode()
    assert 'href="#id_photo"' in response.content.decode()
    assert not DataSubjectRequest.objects.exists()


def test_a_photo_over_the_limit_is_refused(client: Client, vault_key: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("dsar.public_forms.MAX_PHOTO_BYTES", 50)
    response = client.post(URL, {**form_data(), "photo": _upload("me.png", PNG)})
    assert response.status_code == 400
    assert "The photo is larger than" in response.content.decode()
    # A body far beyond the limit is refused before it is read.
    monkeypatch.setattr("dsar.public.MAX_PHOTO_BYTES", 50)
    monkeypatch.setattr("dsar.public.FORM_OVERHEAD_BYTES", 1000)
    response = client.post(URL, {**form_data(), "photo": _upload("me.png", PNG + b"\0" * 5000)})
    assert response.status_code == 413
    assert not DataSubjectRequest.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error", "target"),
    [
        ({"windows-0-end": "{day}T13:00"}, "The end must be after the start.", "id_windows-0-end"),
        ({"windows-0-end": "{next}T15:00"}, "at most 24 hours", "id_windows-0-end"),
        ({"windows-0-start": "yesterday"}, "Enter a valid date/time.", "id_windows-0-start"),
        ({"windows-0-start": "", "windows-0-end": ""}, "give at least one date and time", "id_windows-0-start"),
        (
            {"windows-0-start": "{future}T10:00", "windows-0-end": "{future}T11:00"},
            "in the future",
            "id_windows-0-start",
        ),
        ({"email": "", "phone": ""}, "at least one way to reach you", "id_email"),
        ({"email": "not-an-address"}, "Enter a valid email address.", "id_email"),
        ({"phone": "call me"}, "Give a phone number of digits", "id_phone"),
        ({"place": ""}, "choose a site or describe the place", "id_place"),
        ({"name": ""}, "This field is required.", "id_name"),
        ({"kind": "complaint"}, "Select a valid choice.", "id_kind_0"),
    ],
)
def test_mistakes_are_listed_at_the_top_and_create_nothing(
    client: Client, vault_key: Any, fields: dict[str, str], error: str, target: str
) -> None:
    day = local_today() - timedelta(days=2)
    dates = {"day": f"{day:%Y-%m-%d}", "next": f"{day + timedelta(days=1):%Y-%m-%d}"}
    dates["future"] = f"{local_today() + timedelta(days=3):%Y-%m-%d}"
    response = send(client, **{name: value.format(**dates) for name, value in fields.items()})
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.split('aria-labelledby="error-summary-title"')[1].split("</div>")[0]
    assert error in summary
    assert f'href="#{target}"' in summary
    assert f'id="{target}"' in html  # the link leads to the field
    assert "<title>Error:" in html
    assert not DataSubjectRequest.objects.exists()
    assert mail.outbox == []


def test_a_filled_honeypot_creates_nothing(client: Client, vault_key: Any) -> None:
    response = send(client, website="https://spam.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your request was not sent" in html
    assert "honeypot" not in html.lower() and "spam" not in html.lower()  # nothing tells a robot why
    assert 'name="website" id="id_website" value=""' in html  # shown again with an empty trap
    assert not DataSubjectRequest.objects.exists()
    assert mail.outbox == []


def test_a_form_sent_back_within_seconds_creates_nothing(client: Client, vault_key: Any) -> None:
    page = client.get(URL).content.decode()
    stamp = re.search(r'name="stamp" value="([^"]+)"', page)
    assert stamp is not None
    response = send(client, stamp=stamp.group(1))
    assert response.status_code == 400
    assert "Your request was not sent" in response.content.decode()
    assert not DataSubjectRequest.objects.exists()


@pytest.mark.parametrize(
    "stamp",
    [
        form_stamp(time.time() - 2 * 24 * 3600),  # kept open for two days
        signing.dumps(time.time() - 30, salt="another.form"),  # not ours
        "",
    ],
)
def test_a_stale_or_forged_stamp_creates_nothing(client: Client, vault_key: Any, stamp: str) -> None:
    assert send(client, stamp=stamp).status_code == 400
    assert not DataSubjectRequest.objects.exists()


def test_the_sixth_request_in_an_hour_is_refused(client: Client, vault_key: Any) -> None:
    for _number in range(5):
        assert send(client).status_code == 302
    response = send(client)
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many requests from your network" in response.content.decode()
    assert DataSubjectRequest.objects.count() == 5
    # Another address is not affected.
    assert send(Client(REMOTE_ADDR="192.0.2.7")).status_code == 302


def test_the_limit_comes_from_the_settings_and_counts_robots(client: Client, vault_key: Any, settings: Any) -> None:
    settings.DSAR_PUBLIC_REQUESTS_PER_HOUR = 2
    assert send(client, email="").status_code == 400  # a mistake corrected does not count
    assert send(client, website="x").status_code == 400
    assert send(client).status_code == 302
    assert send(client).status_code == 429
    assert DataSubjectRequest.objects.count() == 1


def test_the_acknowledgement_cannot_be_guessed(client: Client, vault_key: Any) -> None:
    response = send(client)
    ticket = DataSubjectRequest.objects.get()
    assert client.get(response["Location"]).status_code == 200
    for token in (
        str(ticket.pk),
        signing.dumps(ticket.pk, salt="another.salt"),
        signing.dumps(ticket.pk + 1, salt=ACK_SALT),  # a signed link to a request that does not exist
        response["Location"].rstrip("/").split("/")[-1][:-2] + "xx",
    ):
        page = client.get(reverse("dsar_public:acknowledgement", kwargs={"token": token}))
        assert page.status_code == 404
        assert ticket.reference not in page.content.decode()


def test_without_the_vault_key_nothing_is_saved(client: Client, settings: Any, tmp_path: Any) -> None:
    settings.VAULT_KEY = ""
    settings.VAULT_KEY_FILE = tmp_path / "missing.key"
    response = send(client)
    assert response.status_code == 503
    assert "was not saved" in response.content.decode()
    assert not DataSubjectRequest.objects.exists()


def test_the_organisation_is_named(client: Client) -> None:
    organisation(name="Acme Retail")
    assert "Acme Retail" in client.get(URL).content.decode()


def _upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_mail_server_failure_does_not_lose_the_request(client: Client, vault_key: Any, monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise smtplib.SMTPServerDisconnected("relay down")

    monkeypatch.setattr("dsar.public.send_mail", refuse)
    response = send(client)
    assert response.status_code == 302
    ticket = DataSubjectRequest.objects.get()
    assert ticket.reference in client.get(response["Location"]).content.decode()

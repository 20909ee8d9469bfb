"""POST /api/v1/dsar/requests/: a portal or VMS logs a request with an API token and gets the
reference and the statutory deadlines back, or field errors it can act on."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from compliance.api_tokens import api_token_create
from compliance.vault import tokenise
from dsar.deadlines import statutory_deadlines
from dsar.models import Channel, DataSubjectRequest, Status
from tests.support.footage import make_camera

pytestmark = pytest.mark.django_db
URL = "/api/v1/dsar/requests/"
BRUSSELS = ZoneInfo("Europe/Brussels")


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def post(body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return Client().post(URL, json.dumps(body), content_type="application/json", headers=headers or {})


@pytest.fixture
def token(handler: Any) -> dict[str, str]:
    _token, secret = api_token_create(user=handler, name="Customer portal")
    return bearer(secret)


def yesterday(hour: int) -> str:
    day = timezone.now().astimezone(BRUSSELS).date() - timedelta(days=1)
    return f"{day:%Y-%m-%d}T{hour:02d}:00:00"


def test_the_url_is_the_documented_one() -> None:
    assert reverse("dsar_api:requests") == URL


def test_a_request_is_logged_waiting_for_identity(
    vault_key: Any, handler: Any, token: dict[str, str], media_dirs: Any
) -> None:
    entrance = make_camera("Entrance")
    gate = make_camera("Gate", site="Depot")
    body = {
        "kind": "erasure",
        "requester_name": "Jane Doe",
        "requester_email": "jane.doe@example.org",
        "description": "Red coat",
        "cameras": ["Entrance", gate.pk],
        "windows": [{"start": yesterday(14), "end": yesterday(15) + "+01:00"}],
    }
    response = post(body, token)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert set(answer) == {"reference", "status", "due", "extended_due", "url"}
    ticket = DataSubjectRequest.objects.get()
    today = timezone.now().astimezone(BRUSSELS).date()
    deadlines = statutory_deadlines(today, "BE")
    assert answer["reference"] == ticket.reference
    assert answer["status"] == Status.IDENTITY_PENDING == ticket.status
    assert answer["due"] == deadlines.due.isoformat()
    assert answer["extended_due"] == deadlines.extended_due.isoformat()
    assert answer["url"] == "http://testserver" + reverse("dsar:ticket", args=[ticket.pk])
    assert ticket.kind == "erasure"
    assert ticket.channel == Channel.API
    assert ticket.created_by == handler
    assert set(ticket.cameras.all()) == {entrance, gate}
    assert ticket.requester_name == tokenise("Jane Doe", "dsar.requester_name")
    assert "Jane" not in response.content.decode()
    window = ticket.windows.get()
    # Without an offset the time is the organisation's local time; with one, it is kept.
    assert window.start == datetime.fromisoformat(yesterday(14)).replace(tzinfo=BRUSSELS)
    assert window.end == datetime.fromisoformat(yesterday(15) + "+01:00")
    assert mail.outbox == []  # only on request


def test_the_channel_and_time_of_receipt_can_be_given(vault_key: Any, token: dict[str, str]) -> None:
    received = timezone.now() - timedelta(minutes=10)
    body = {
        "kind": "access",
        "channel": "letter",
        "received_at": received.isoformat(),
        "requester_name": "Jane Doe",
        "requester_address": "1 Main Street, Brussels",
        "acknowledge_by_email": False,
    }
    response = post(body, token)
    assert response.status_code == 201, response.content
    ticket = DataSubjectRequest.objects.get()
    assert ticket.channel == Channel.LETTER
    assert ticket.received_at == received


def test_the_acknowledgement_can_be_emailed(vault_key: Any, token: dict[str, str]) -> None:
    body = {"kind": "access", "requester_name": "Jane Doe", "requester_email": "jane@example.org"}
    response = post({**body, "acknowledge_by_email": True}, token)
    assert response.status_code == 201
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jane@example.org"]
    assert response.json()["reference"] in mail.outbox[0].body


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"kind": ["This field is required."], "requester_name": ["This field is required."]}),
        ({"kind": "complaint"}, {"kind": ['"complaint" is not a valid choice.']}),
        ({"channel": "fax"}, {"channel": ['"fax" is not a valid choice.']}),
        ({"requester_email": "nope"}, {"requester_email": ["Enter a valid email address."]}),
        (
            {"cameras": ["Nowhere", 999999]},
            {"cameras": {"0": ["There is no camera named 'Nowhere'."], "1": ["There is no camera with id 999999."]}},
        ),
        ({"cameras": [1.5]}, {"cameras": {"0": ["Give a camera's id (a number) or its name (a text)."]}}),
        ({"sites": ["Moon base"]}, {"sites": {"0": ["There is no site named 'Moon base'."]}}),
        (
            {
                "windows": [
                    {"start": "2026-01-01T10:00:00Z", "end": "2026-01-01T11:00:00Z"},
                    {"start": "2026-01-01T10:00:00Z", "end": "2026-01-01T09:00:00Z"},
                ]
            },
            {"windows": {"1": {"end": ["The end must be after the start."]}}},
        ),
        ({"windows": [{"start": "last Tuesday"}]}, None),
        ({"received_at": "2999-01-01T00:00:00Z"}, {"received_at": ["The time of receipt cannot be in the future."]}),
        (
            {"requester_email": ""},
            {
                "non_field_errors": [
                    "Give at least one way to reach the requester: requester_email, requester_phone, requester_address."
                ]
            },
        ),
        (
            {"acknowledge_by_email": True, "requester_email": "", "requester_phone": "+32 2 123 45 67"},
            {"acknowledge_by_email": ["The acknowledgement can be e-mailed only with a requester_email."]},
        ),
    ],
)
def test_mistakes_get_field_errors(
    vault_key: Any, token: dict[str, str], body: dict[str, Any], errors: dict[str, Any] | None
) -> None:
    make_camera("Entrance")
    valid = {"kind": "access", "requester_name": "Jane Doe", "requester_email": "jane@example.org"}
    response = post(valid | body if body else {}, token)
    assert response.status_code == 400
    if errors is None:
        assert "windows" in response.json()
    else:
        assert response.json() == errors
    assert not DataSubjectRequest.objects.exists()


def test_a_proper_token_is_required(vault_key: Any, auditor: Any, outsider: Any, dpo: Any) -> None:
    body = {"kind": "access", "requester_name": "Jane Doe", "requester_email": "jane@example.org"}
    assert post(body).status_code == 401
    assert post(body, bearer("obs_unknown")).status_code == 401
    assert post(body, {"Authorization": "Bearer"}).status_code == 401
    for user in (auditor, outsider):  # may see requests, or nothing: neither may log one
        _token, secret = api_token_create(user=user, name="read only")
        response = post(body, bearer(secret))
        assert response.status_code == 403
        assert "may not log data subject requests" in response.json()["detail"]
    assert not DataSubjectRequest.objects.exists()
    _token, secret = api_token_create(user=dpo, name="DPO portal")
    assert post(body, bearer(secret)).status_code == 201


def test_a_logged_in_session_is_not_enough(vault_key: Any, client: Client, handler: Any) -> None:
    client.force_login(handler)
    response = client.post(URL, {"kind": "access"}, content_type="application/json")
    assert response.status_code == 401


def test_the_schema_describes_the_endpoint() -> None:
    response = Client().get(reverse("api_schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    operation = response.json()["paths"][URL]["post"]
    assert list(operation["requestBody"]["content"]) == ["application/json"]
    assert {"201", "400", "401", "403"} <= set(operation["responses"])
    schemas = response.json()["components"]["schemas"]
    created = schemas[operation["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]]
    assert set(created["properties"]) == {"reference", "status", "due", "extended_due", "url"}
    create = schemas["RequestCreate"]
    assert {"kind", "requester_name", "windows", "cameras"} <= set(create["properties"])
    assert operation["security"] == [{"bearerAuth": []}]

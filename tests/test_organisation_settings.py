"""The organisation's settings page: who may change what, the audit trail, and open
requests following a new calendar at once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from compliance.models import AccessEvent, Organisation
from dsar.models import TimelineEntry
from dsar.services import dsar_withdraw
from tests.support.dsar import local, make_request, organisation
from tests.support.footage import logged_in

pytestmark = pytest.mark.django_db

URL = "/settings/"


@pytest.fixture(autouse=True)
def _named() -> None:
    organisation(name="Example Ltd")


def form(**changes: Any) -> dict[str, Any]:
    row = Organisation.current()
    values = {
        "name": row.name,
        "country": row.country,
        "subdivision": row.subdivision,
        "time_zone": row.time_zone,
        "identity_clock": row.identity_clock,
        "dsar_reminder_days": row.dsar_reminder_days,
        "dsar_hold_grace_days": row.dsar_hold_grace_days,
        "dpo_name": row.dpo_name,
        "dpo_email": row.dpo_email,
        "supervisory_authority": row.supervisory_authority,
    }
    return values | changes


def test_the_url_is_the_settings_page() -> None:
    assert reverse("organisation_settings") == URL


def test_a_new_region_moves_open_deadlines_and_says_so(client: Any, dpo: Any, vault_key: Any) -> None:
    organisation(country="DE", subdivision="BE")
    # Received 6 Dec 2025: due 6 Jan 2026, Epiphany in Bavaria but not in Berlin.
    open_request = make_request(dpo, received_at=local(2025, 12, 6))
    withdrawn = make_request(dpo, received_at=local(2025, 12, 6))
    dsar_withdraw(actor=dpo, request=withdrawn, reason="No longer needed")
    assert open_request.due_on == date(2026, 1, 6)

    response = logged_in(client, dpo).post(URL, form(subdivision="BY"))

    assert response.status_code == 302
    open_request.refresh_from_db()
    withdrawn.refresh_from_db()
    assert open_request.due_on == date(2026, 1, 7)
    assert withdrawn.due_on == date(2026, 1, 6)
    entry = TimelineEntry.objects.filter(request=open_request).order_by("pk").last()
    assert entry is not None and "subdivision" in entry.message and entry.actor_name == dpo.username
    change = AccessEvent.objects.get(action="organisation.change")
    assert change.reason == "subdivision: 'BE' -> 'BY'" and change.actor_id == dpo.pk


def test_an_unknown_country_or_region_is_refused_with_the_choices(client: Any, admin_role: Any) -> None:
    page = logged_in(client, admin_role).post(URL, form(country="XX")).content.decode()
    assert "There is no public-holiday calendar for XX" in page
    page = client.post(URL, form(country="DE", subdivision="ZZ")).content.decode()
    assert "ZZ is not a region of DE" in page and "BY" in page
    assert Organisation.current().country == "BE"
    assert not AccessEvent.objects.filter(action="organisation.change").exists()


def test_saving_nothing_new_logs_nothing(client: Any, dpo: Any) -> None:
    response = logged_in(client, dpo).post(URL, form(), follow=True)
    assert "Nothing was changed." in response.content.decode()
    assert not AccessEvent.objects.filter(action="organisation.change").exists()


def test_others_see_the_settings_but_cannot_change_them(client: Any, auditor: Any, handler: Any) -> None:
    for user in (auditor, handler):
        page = logged_in(client, user).get(URL).content.decode()
        assert "Only the data protection officer and administrators" in page and "disabled" in page
        assert client.post(URL, form(country="DE")).status_code == 403
    assert Organisation.current().country == "BE"

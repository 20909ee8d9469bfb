"""The extension and refusal letters: when they can be made, what the PDF says, and
what the ticket records of them."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage

from dsar.models import DataSubjectRequest, Letter
from dsar.services import DsarError, TransitionError, dsar_extend, dsar_put_on_hold, dsar_refuse, dsar_verify_identity
from tests.support.dsar import (
    ago,
    local,
    make_request,
    organisation,
    pdf_text,
    shown,
    steps,
    ticket_events,
    today_local,
)

pytestmark = pytest.mark.django_db

REASONS = "Footage from 14 cameras over three days must be reviewed and 40 bystanders redacted."


@pytest.fixture(autouse=True)
def _setting(vault_key: Any, media_dirs: Any) -> None:
    organisation(
        name="Grand Bazaar SA",
        supervisory_authority="Autorité de protection des données (APD-GBA)",
        dpo_name="Dora DPO",
        dpo_email="dpo@bazaar.example",
    )


def test_extension_sets_the_new_deadline_and_makes_the_letter(handler: Any) -> None:
    ticket = make_request(handler, received_at=ago(days=3))
    original, extended = ticket.due_on, ticket.extended_due_on
    ticket = dsar_extend(actor=handler, request=ticket, reasons=REASONS)

    assert ticket.extended_at is not None and ticket.extension_reasons == REASONS
    assert ticket.final_due == extended and ticket.due_on == original
    letter = Letter.objects.get(request=ticket)
    assert letter.kind == "extension" and letter.created_by == handler
    assert str(letter.file.name).startswith(f"dsar/letters/{ticket.reference}-extension-")
    with default_storage.open(str(letter.file.name), "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == letter.sha256

    text = pdf_text(letter.file.name)
    assert ticket.reference in text and "Grand Bazaar SA" in text
    assert REASONS in text
    received = ticket.received_at.astimezone(local(2025, 1, 1).tzinfo).date()
    for day in (received, original, extended):
        assert shown(day) in text
    assert "Jane" not in text  # addressed by the reference only

    step = steps(ticket)[-1]
    assert step.kind == "extended" and shown(extended) in step.message and letter.sha256[:12] in step.message
    assert ticket_events(ticket)[-1].action in {"dsar.extend", "dsar.preserve"}
    assert "dsar.extend" in {event.action for event in ticket_events(ticket)}


def test_extension_needs_reasons_and_is_allowed_once(handler: Any) -> None:
    ticket = make_request(handler)
    with pytest.raises(DsarError, match="reasons"):
        dsar_extend(actor=handler, request=ticket, reasons="  ")
    ticket = dsar_extend(actor=handler, request=ticket, reasons=REASONS)
    with pytest.raises(TransitionError, match="already extended"):
        dsar_extend(actor=handler, request=ticket, reasons=REASONS)
    assert Letter.objects.count() == 1


def test_extension_is_refused_once_the_original_deadline_has_passed(handler: Any) -> None:
    ticket = make_request(handler, received_at=local(2025, 1, 31))
    with pytest.raises(TransitionError, match=r"had to be told before its deadline, Feb\. 28, 2025"):
        dsar_extend(actor=handler, request=ticket, reasons=REASONS)
    ticket.refresh_from_db()
    assert ticket.extended_at is None and not Letter.objects.exists()


def test_extension_is_still_possible_on_the_due_day_itself(handler: Any) -> None:
    ticket = make_request(handler, received_at=ago(days=40))
    DataSubjectRequest.objects.filter(pk=ticket.pk).update(due_on=today_local())
    assert dsar_extend(actor=handler, request=ticket, reasons=REASONS).is_extended
    late = make_request(handler, received_at=ago(days=40))
    DataSubjectRequest.objects.filter(pk=late.pk).update(due_on=today_local() - timedelta(days=1))
    with pytest.raises(TransitionError, match="can no longer be extended"):
        dsar_extend(actor=handler, request=late, reasons=REASONS)


def test_extension_is_allowed_on_hold_but_not_once_closed(handler: Any) -> None:
    ticket = dsar_put_on_hold(actor=handler, request=make_request(handler), reason="Waiting for the installer")
    assert dsar_extend(actor=handler, request=ticket, reasons=REASONS).status == "on_hold"
    refused = dsar_refuse(actor=handler, request=make_request(handler), reasons="Not our cameras")
    with pytest.raises(TransitionError, match="Refused"):
        dsar_extend(actor=handler, request=refused, reasons=REASONS)


def test_refusal_letter_states_the_reasons_and_the_rights_to_complain_and_to_a_court(handler: Any) -> None:
    reasons = "The footage of that day was overwritten before the request arrived; nothing is left to give."
    ticket = dsar_verify_identity(actor=handler, request=make_request(handler, received_at=local(2025, 3, 3)))
    with pytest.raises(DsarError, match="reasons"):
        dsar_refuse(actor=handler, request=ticket, reasons="")
    ticket = dsar_refuse(actor=handler, request=ticket, reasons=reasons)

    assert (ticket.status, ticket.refusal_reasons) == ("refused", reasons)
    letter = Letter.objects.get(request=ticket, kind="refusal")
    text = pdf_text(letter.file.name)
    assert reasons in text
    assert "Autorité de protection des données (APD-GBA)" in text
    assert "lodge a complaint" in text and "judicial remedy" in text and "courts" in text
    assert shown(date(2025, 3, 3)) in text and ticket.reference in text
    assert "dpo@bazaar.example" in text
    assert any(step.kind == "letter" and letter.sha256[:12] in step.message for step in steps(ticket))


def test_refusal_letter_without_a_named_authority_still_states_the_right(handler: Any) -> None:
    organisation(supervisory_authority="")
    ticket = dsar_refuse(actor=handler, request=make_request(handler), reasons="Identity could not be confirmed")
    text = pdf_text(Letter.objects.get(request=ticket).file.name)
    assert "supervisory authority for data protection of the country where you live" in text
    assert "judicial remedy" in text


def test_letter_dates_are_in_the_organisation_time_zone(handler: Any) -> None:
    organisation(time_zone="Pacific/Auckland", country="NZ")
    # 20:00 in Brussels on 2 March is already 3 March in Auckland.
    ticket = make_request(handler, received_at=local(2025, 3, 2, 20))
    ticket = dsar_refuse(actor=handler, request=ticket, reasons="Not our cameras")
    text = pdf_text(Letter.objects.get(request=ticket).file.name)
    assert shown(date(2025, 3, 3)) in text and shown(date(2025, 3, 2)) not in text

"""DSAR tickets: logging a request, its reference and deadlines, every step of the
workflow with its timeline and access-log entries, and the steps that are refused."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import IntegrityError

from compliance.models import VaultEntry
from compliance.vault import reidentify
from dsar.models import AppendOnlyError as TimelineAppendOnly
from dsar.models import ClockPause, DataSubjectRequest, ReferenceCounter, Status, TimelineEntry
from dsar.services import (
    DsarError,
    TransitionError,
    dsar_approve,
    dsar_await_identity,
    dsar_close,
    dsar_decide,
    dsar_deliver,
    dsar_put_on_hold,
    dsar_refuse,
    dsar_resume,
    dsar_send_to_review,
    dsar_start_search,
    dsar_update,
    dsar_verify_identity,
    dsar_withdraw,
)
from tests.support.dsar import ago, local, make_request, shown, steps, ticket_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]


def test_create_pseudonymises_the_requester_and_computes_the_deadlines(handler: Any, dpo: Any) -> None:
    ticket = make_request(handler, received_at=local(2025, 1, 31), requester_phone="+32 470 12 34 56")

    assert ticket.reference == "DSAR-2025-0001"
    assert ticket.status == Status.RECEIVED
    assert (ticket.due_on, ticket.extended_due_on) == (date(2025, 2, 28), date(2025, 4, 30))
    assert ticket.final_due == date(2025, 2, 28)
    # Only pseudonyms are on the ticket; the vault gives the identity back to the DPO.
    assert ticket.requester_name.startswith("P-") and ticket.requester_email.startswith("P-")
    assert reidentify(ticket.requester_name, actor=dpo, reason="Posting a letter") == "Jane Doe"
    assert reidentify(ticket.requester_phone, actor=dpo, reason="Calling back") == "+32470123456"
    assert ticket.requester_address == ""
    assert VaultEntry.objects.filter(purpose__startswith="dsar.").count() == 3

    [step] = steps(ticket)
    assert (step.kind, step.actor, step.actor_name, step.to_status) == (
        "created",
        handler,
        handler.username,
        "received",
    )
    assert "due Feb. 28, 2025" in step.message
    [event] = ticket_events(ticket)
    assert (event.action, event.actor_username) == ("dsar.create", handler.username)
    assert event.reason.startswith("DSAR-2025-0001: ")
    for text in (event.reason, step.message):
        assert "Jane" not in text and "example.org" not in text


def test_the_day_of_receipt_is_the_local_date_not_the_utc_one(handler: Any) -> None:
    # 23:30 UTC on 31 January is already 1 February in Brussels: due 1 March, a Saturday -> Monday 3 March.
    ticket = make_request(handler, received_at=datetime.fromisoformat("2025-01-31T23:30:00+00:00"))
    assert ticket.due_on == date(2025, 3, 3)


def test_references_count_per_year_of_receipt_and_are_never_reused(handler: Any) -> None:
    first = make_request(handler, received_at=local(2025, 12, 31, 23, 30))
    second = make_request(handler, received_at=local(2026, 1, 1, 0, 30))
    third = make_request(handler, received_at=local(2025, 6, 1))
    assert [first.reference, second.reference, third.reference] == [
        "DSAR-2025-0001",
        "DSAR-2026-0001",
        "DSAR-2025-0002",
    ]
    assert ReferenceCounter.objects.get(year=2025).last == 2
    with pytest.raises(IntegrityError):
        DataSubjectRequest.objects.create(
            reference=first.reference, kind="access", channel="email", received_at=local(2025, 1, 1),
            requester_name="P-0000-0000", due_on=date(2025, 2, 3), extension_notice_by=date(2025, 2, 3),
            extended_due_on=date(2025, 4, 1),
        )  # fmt: skip


def test_invalid_input_is_refused_with_a_message(handler: Any) -> None:
    with pytest.raises(DsarError, match="name"):
        make_request(handler, requester_name="  ")
    with pytest.raises(DsarError, match="future"):
        make_request(handler, received_at=ago(days=-2))
    with pytest.raises(DsarError, match="end after it starts"):
        make_request(handler, windows=[(local(2025, 1, 1, 12), local(2025, 1, 1, 11))])
    with pytest.raises(DsarError, match="not a known request type"):
        make_request(handler, kind="gossip")
    assert not DataSubjectRequest.objects.exists()


def test_the_whole_main_path_is_on_the_timeline_and_in_the_access_log(handler: Any, dpo: Any) -> None:
    ticket = make_request(handler)
    ticket = dsar_await_identity(actor=handler, request=ticket)
    ticket = dsar_verify_identity(actor=dpo, request=ticket, note="Passport seen")
    assert ticket.verified_at is not None
    ticket = dsar_start_search(actor=handler, request=ticket)
    ticket = dsar_send_to_review(actor=handler, request=ticket)
    ticket = dsar_approve(actor=dpo, request=ticket)
    ticket = dsar_deliver(actor=handler, request=ticket)
    assert ticket.delivered_at is not None
    ticket = dsar_close(actor=handler, request=ticket)
    assert ticket.status == Status.CLOSED and ticket.closed_at is not None

    moves = [(s.from_status, s.to_status) for s in steps(ticket) if s.kind == "status"]
    assert moves == [
        ("received", "identity_pending"),
        ("identity_pending", "verified"),
        ("verified", "searching"),
        ("searching", "in_review"),
        ("in_review", "approved"),
        ("approved", "delivered"),
        ("delivered", "closed"),
    ]
    actions = [event.action for event in ticket_events(ticket)]
    assert actions == [
        "dsar.create",
        "dsar.await_identity",
        "dsar.clock_pause",
        "dsar.verify_identity",
        "dsar.clock_resume",
        "dsar.start_search",
        "dsar.send_to_review",
        "dsar.approve",
        "dsar.deliver",
        "dsar.close",
    ]
    verified = next(s for s in steps(ticket) if s.to_status == "verified")
    assert verified.actor_name == dpo.username and "Passport seen" in verified.message


def test_received_can_go_straight_to_verified(handler: Any) -> None:
    ticket = dsar_verify_identity(actor=handler, request=make_request(handler))
    assert ticket.status == Status.VERIFIED
    assert not ticket.pauses.exists()


@pytest.mark.parametrize(
    ("steps_before", "step", "message"),
    [
        ([], dsar_start_search, "searched: it is Received"),
        ([], dsar_close, "closed: it is Received"),
        ([dsar_verify_identity], dsar_await_identity, "wait for proof of identity: it is Identity verified"),
        ([dsar_verify_identity, dsar_start_search], dsar_approve, "approved: it is Searching footage"),
        ([dsar_verify_identity], dsar_deliver, "delivered: it is Identity verified"),
    ],
)
def test_steps_not_allowed_from_the_status_are_refused(
    handler: Any, steps_before: list[Any], step: Any, message: str
) -> None:
    ticket = make_request(handler)
    for earlier in steps_before:
        ticket = earlier(actor=handler, request=ticket)
    count = TimelineEntry.objects.count()
    with pytest.raises(TransitionError, match=message):
        step(actor=handler, request=ticket)
    assert TimelineEntry.objects.count() == count
    ticket.refresh_from_db()
    assert ticket.status != Status.CLOSED


def test_final_tickets_take_no_more_steps(handler: Any) -> None:
    ticket = dsar_withdraw(actor=handler, request=make_request(handler), reason="Requester no longer interested")
    for step in (dsar_verify_identity, dsar_start_search):
        with pytest.raises(TransitionError, match="Withdrawn"):
            step(actor=handler, request=ticket)
    with pytest.raises(TransitionError):
        dsar_put_on_hold(actor=handler, request=ticket, reason="x")
    with pytest.raises(TransitionError, match="can no longer be changed"):
        dsar_update(actor=handler, request=ticket, description="Too late")


def test_approval_of_an_erasure_request_needs_a_decision(handler: Any) -> None:
    ticket = make_request(handler, kind="erasure")
    for step in (dsar_verify_identity, dsar_start_search, dsar_send_to_review):
        ticket = step(actor=handler, request=ticket)
    with pytest.raises(TransitionError, match="record the decision"):
        dsar_approve(actor=handler, request=ticket)
    with pytest.raises(TransitionError, match="access request"):
        dsar_decide(actor=handler, request=make_request(handler), decision="granted", reasons="x")


def test_an_objection_decision_is_recorded_with_its_reasons(handler: Any) -> None:
    ticket = dsar_verify_identity(actor=handler, request=make_request(handler, kind="objection"))
    with pytest.raises(DsarError, match="reasons"):
        dsar_decide(actor=handler, request=ticket, decision="granted", reasons=" ")
    ticket = dsar_decide(actor=handler, request=ticket, decision="partly_granted", reasons="Camera 2 stops filming")
    assert (ticket.status, ticket.decision, ticket.decision_reasons) == (
        "approved",
        "partly_granted",
        "Camera 2 stops filming",
    )
    step = steps(ticket)[-1]
    assert step.kind == "decision" and "Partly granted" in step.message and "Camera 2" in step.message
    assert ticket_events(ticket)[-1].action == "dsar.decide"


def test_hold_keeps_the_clock_running_and_resume_returns_to_the_earlier_status(handler: Any) -> None:
    ticket = dsar_start_search(
        actor=handler, request=dsar_verify_identity(actor=handler, request=make_request(handler))
    )
    due = (ticket.due_on, ticket.extended_due_on)
    with pytest.raises(DsarError, match="reasons"):
        dsar_put_on_hold(actor=handler, request=ticket, reason="")
    ticket = dsar_put_on_hold(actor=handler, request=ticket, reason="Waiting for the installer's export tool.")
    assert (ticket.status, ticket.status_before_hold) == ("on_hold", "searching")
    assert (ticket.due_on, ticket.extended_due_on) == due
    assert "deadline still runs" in steps(ticket)[-1].message
    with pytest.raises(TransitionError):
        dsar_put_on_hold(actor=handler, request=ticket, reason="again")
    ticket = dsar_resume(actor=handler, request=ticket)
    assert (ticket.status, ticket.status_before_hold) == ("searching", "")
    assert (ticket.due_on, ticket.extended_due_on) == due
    assert [e.action for e in ticket_events(ticket)][-2:] == ["dsar.hold", "dsar.resume"]
    with pytest.raises(TransitionError, match="resumed"):
        dsar_resume(actor=handler, request=ticket)


def test_withdrawal_and_refusal_end_the_work(handler: Any) -> None:
    withdrawn = dsar_withdraw(actor=handler, request=make_request(handler), reason="Sorted out by phone")
    assert (withdrawn.status, withdrawn.withdrawal_reason) == ("withdrawn", "Sorted out by phone")
    assert withdrawn.closed_at is not None
    on_hold = dsar_put_on_hold(actor=handler, request=make_request(handler), reason="Waiting for legal")
    refused = dsar_refuse(actor=handler, request=on_hold, reasons="Manifestly excessive: the fifth request this week")
    assert (refused.status, refused.decision) == ("refused", "refused")
    assert refused.closed_at is not None
    assert ticket_events(refused)[-1].action in {"dsar.refuse", "dsar.letter"}


def test_automatic_steps_are_attributed_to_the_system(handler: Any) -> None:
    ticket = make_request(None, identity_pending=True, channel="web_form")
    ticket = dsar_verify_identity(actor=None, request=ticket)
    assert ticket.created_by is None
    assert {step.actor_name for step in steps(ticket)} == {"system"}
    assert all(step.actor is None and step.is_system for step in steps(ticket))
    assert {event.actor_username for event in ticket_events(ticket)} == {"system"}


def test_timeline_entries_cannot_be_changed_or_deleted(handler: Any) -> None:
    ticket = make_request(handler)
    [step] = steps(ticket)
    step.message = "rewritten"
    with pytest.raises(TimelineAppendOnly):
        step.save()
    with pytest.raises(TimelineAppendOnly):
        step.delete()
    with pytest.raises(TimelineAppendOnly):
        TimelineEntry.objects.filter(request=ticket).update(message="x")
    with pytest.raises(TimelineAppendOnly):
        TimelineEntry.objects.filter(request=ticket).delete()
    with pytest.raises(Exception, match="protected"):
        ticket.delete()


def test_editing_the_time_of_receipt_is_audited_and_moves_the_deadlines(handler: Any) -> None:
    ticket = make_request(handler, received_at=local(2025, 1, 31))
    ticket = dsar_update(actor=handler, request=ticket, received_at=local(2025, 2, 28), description="Corrected")
    assert (ticket.due_on, ticket.extended_due_on) == (date(2025, 3, 28), date(2025, 5, 28))
    event = ticket_events(ticket)[-1]
    assert event.action == "dsar.update"
    assert "received_at 2025-01-31T09:00:00+00:00 -> 2025-02-28T09:00:00+00:00" in event.reason
    assert "due 2025-02-28 -> 2025-03-28" in event.reason
    step = steps(ticket)[-1]
    assert step.kind == "edited" and shown(date(2025, 3, 28)) in step.message
    assert ticket.description == "Corrected"
    # Nothing changed, nothing written.
    count = len(ticket_events(ticket))
    dsar_update(actor=handler, request=ticket, received_at=local(2025, 2, 28))
    assert len(ticket_events(ticket)) == count


def test_a_corrected_identity_gets_new_pseudonyms_and_the_old_one_is_forgotten(handler: Any, dpo: Any) -> None:
    ticket = make_request(handler, requester_name="Jane Do")
    other = make_request(handler, requester_name="Jane Do")  # the same person asked twice: the same pseudonym
    old = ticket.requester_name
    assert other.requester_name == old
    ticket = dsar_update(actor=handler, request=ticket, requester_name="Jane Doe", assigned_to=handler)
    assert ticket.requester_name != old and ticket.assigned_to == handler
    assert reidentify(old, actor=dpo, reason="still used by the other ticket") == "Jane Do"
    dsar_update(actor=handler, request=other, requester_name="Jane Doe")
    assert VaultEntry.objects.get(token=old).is_erased
    reason = ticket_events(ticket)[-1].reason
    assert re.findall(r"\bP-[0-9A-Z]{4}-[0-9A-Z]{4}\b", reason) == [old, ticket.requester_name]  # never the name
    assert "Jane" not in reason


def test_identity_clock_suspended_adds_the_days_waited(handler: Any) -> None:
    from dsar.deadlines import add_months, roll_forward

    received = ago(days=10)
    ticket = dsar_await_identity(actor=handler, request=make_request(handler, received_at=received))
    pause = ClockPause.objects.get(request=ticket)
    assert pause.ended_at is None and pause.reason == "identity"
    ClockPause.objects.filter(pk=pause.pk).update(started_at=ago(days=6))  # asked six days ago
    ticket = dsar_verify_identity(actor=handler, request=ticket)

    pause.refresh_from_db()
    assert pause.ended_at is not None
    received_day = received.astimezone(local(2025, 1, 1).tzinfo).date()
    assert ticket.due_on == roll_forward(add_months(received_day, 1) + timedelta(days=6), "BE")
    paused, resumed = (s for s in steps(ticket) if s.kind in ("clock_paused", "clock_resumed"))
    assert "days spent waiting are added" in paused.message
    assert "after 6 days of waiting" in resumed.message and shown(ticket.due_on) in resumed.message


def test_identity_clock_restart_counts_from_the_day_the_proof_arrived(handler: Any) -> None:
    from tests.support.dsar import organisation, today_local

    organisation(identity_clock="restart", country="DE", subdivision="BY")
    from dsar.deadlines import statutory_deadlines

    ticket = dsar_await_identity(actor=handler, request=make_request(handler, received_at=ago(days=20)))
    assert "starts again" in steps(ticket)[-1].message
    ticket = dsar_verify_identity(actor=handler, request=ticket)
    expected = statutory_deadlines(today_local(), "DE", "BY")
    assert (ticket.due_on, ticket.extended_due_on) == (expected.due, expected.extended_due)


def test_public_intake_starts_waiting_for_identity_with_the_clock_paused(handler: Any) -> None:
    ticket = make_request(None, identity_pending=True, channel="web_form", received_at=local(2025, 1, 31))
    assert ticket.status == Status.IDENTITY_PENDING
    pause = ticket.pauses.get()
    assert pause.started_at == local(2025, 1, 31) and pause.ended_at is None
    assert [s.kind for s in steps(ticket)] == ["created", "clock_paused"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_requests_logged_at_the_same_time_never_share_a_reference(vault_key: Any, media_dirs: Any) -> None:
    import threading

    from django.db import connection

    failures: list[BaseException] = []

    def log_three() -> None:
        try:
            for _number in range(3):
                make_request(None, received_at=local(2025, 5, 5))
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=log_three) for _thread in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    references = sorted(DataSubjectRequest.objects.values_list("reference", flat=True))
    assert references == [f"DSAR-2025-{number:04d}" for number in range(1, 13)]


def test_a_paused_clock_moves_the_deadline_each_day_until_the_proof_arrives(handler: Any) -> None:
    from dsar.tasks import refresh_paused_deadlines

    ticket = dsar_await_identity(actor=handler, request=make_request(handler, received_at=ago(days=8)))
    running = make_request(handler, received_at=ago(days=8))
    ClockPause.objects.filter(request=ticket).update(started_at=ago(days=7))
    before, count = ticket.due_on, TimelineEntry.objects.count()

    assert refresh_paused_deadlines() == 1
    ticket.refresh_from_db()
    assert ticket.due_on > before  # seven days of waiting added so far
    assert TimelineEntry.objects.count() == count  # nothing happened on the ticket
    assert refresh_paused_deadlines() == 0
    running.refresh_from_db()
    assert running.due_on == before

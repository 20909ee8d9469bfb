"""Deadline reminders: one per threshold, once a day while overdue, by e-mail to the
handler (or every handler), recorded on the timeline by "system", never naming the
requester."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from compliance.roles import DPO, DSAR_HANDLER
from compliance.users import user_create
from dsar.models import DataSubjectRequest, TimelineEntry
from dsar.reminders import reminder_key, send_dsar_reminders
from dsar.services import dsar_approve, dsar_deliver, dsar_send_to_review, dsar_start_search, dsar_verify_identity
from tests.support.dsar import BRUSSELS, local, make_request, organisation
from tests.support.footage import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(vault_key: Any, media_dirs: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def hans(db: None) -> Any:
    return user_create(username="hans", role=DSAR_HANDLER, email="hans@example.com", password="x" * 12)[0]


def run_on(day: date, hour: int = 9) -> int:
    """Run the reminders at a local time of `day` (Brussels)."""
    moment = datetime.combine(day, time(hour), tzinfo=BRUSSELS).astimezone(UTC)
    return send_dsar_reminders(now=moment)


def reminders(ticket: DataSubjectRequest) -> list[TimelineEntry]:
    return list(TimelineEntry.objects.filter(request=ticket, kind="reminder").order_by("pk"))


def due_in(actor: Any, days: int, **fields: Any) -> tuple[DataSubjectRequest, date]:
    """A ticket received on 31 Jan 2025 (due Fri 28 Feb 2025), and the local day `days` before it is due."""
    ticket = make_request(actor, received_at=local(2025, 1, 31), **fields)
    return ticket, ticket.final_due - timedelta(days=days)


def test_reminder_key_picks_the_threshold_just_reached() -> None:
    due = date(2025, 2, 28)
    assert reminder_key(due, date(2025, 2, 20), [7, 3, 1]) is None  # 8 days left
    assert reminder_key(due, date(2025, 2, 21), [7, 3, 1]) == "D-7 2025-02-28"
    assert reminder_key(due, date(2025, 2, 22), [7, 3, 1]) == "D-7 2025-02-28"  # a missed day sends it late
    assert reminder_key(due, date(2025, 2, 25), [7, 3, 1]) == "D-3 2025-02-28"
    assert reminder_key(due, date(2025, 2, 28), [7, 3, 1]) == "D-1 2025-02-28"
    assert reminder_key(due, date(2025, 3, 1), [7, 3, 1]) == "overdue 2025-03-01"
    assert reminder_key(due, date(2025, 2, 21), []) is None


def test_one_reminder_per_threshold_and_never_twice(hans: Any) -> None:
    ticket, seven_before = due_in(hans, 7, assigned_to=hans)
    assert run_on(seven_before - timedelta(days=1)) == 0
    assert run_on(seven_before) == 1
    assert run_on(seven_before, hour=15) == 0  # the cron runs hourly
    assert run_on(seven_before + timedelta(days=1)) == 0  # 6 days left: no threshold
    assert run_on(ticket.final_due - timedelta(days=3)) == 1
    assert run_on(ticket.final_due - timedelta(days=1)) == 1
    assert run_on(ticket.final_due) == 0  # the 1-day reminder covers the due day
    assert len(mail.outbox) == 3
    assert [entry.message.rsplit("[", 1)[1] for entry in reminders(ticket)] == [
        "D-7 2025-02-28]", "D-3 2025-02-28]", "D-1 2025-02-28]",
    ]  # fmt: skip


def test_thresholds_come_from_the_organisation(hans: Any) -> None:
    organisation(dsar_reminder_days="10")
    ticket, ten_before = due_in(hans, 10, assigned_to=hans)
    assert run_on(ten_before) == 1
    assert run_on(ticket.final_due - timedelta(days=3)) == 0


def test_overdue_reminds_once_a_day(hans: Any) -> None:
    ticket = make_request(hans, received_at=local(2025, 1, 31), assigned_to=hans)
    first = ticket.final_due + timedelta(days=1)
    assert run_on(first) == 1
    assert run_on(first, hour=18) == 0
    assert run_on(first + timedelta(days=1)) == 1
    [*_earlier, entry] = reminders(ticket)
    assert "overdue by 2 days" in entry.message
    assert "overdue by 2 days" in mail.outbox[-1].subject


def test_the_mail_names_the_ticket_never_the_requester(hans: Any) -> None:
    ticket, seven_before = due_in(hans, 7, assigned_to=hans, requester_phone="+32 470 12 34 56")
    run_on(seven_before)
    [message] = mail.outbox
    assert message.to == ["hans@example.com"]
    assert ticket.reference in message.subject and "due in 7 days" in message.subject
    text = f"{message.subject}\n{message.body}"
    for secret in ("Jane", "Doe", "jane.doe@example.org", "470", ticket.requester_name, ticket.requester_email):
        assert secret not in text
    assert reverse("dsar:ticket", args=[ticket.pk]) in message.body
    assert "Final due date: Feb. 28, 2025" in message.body


def test_the_step_is_recorded_by_the_system(hans: Any) -> None:
    ticket, seven_before = due_in(hans, 7, assigned_to=hans)
    run_on(seven_before)
    [entry] = reminders(ticket)
    assert entry.actor is None and entry.actor_name == "system" and entry.is_system
    assert "Reminder e-mailed to hans: due in 7 days, on Feb. 28, 2025." in entry.message


def test_unassigned_requests_remind_every_handler_with_an_address(hans: Any, handler: Any) -> None:
    dora = user_create(username="dora", role=DPO, email="dora@example.com", password="x" * 12)[0]
    ghost = user_create(username="ghost", role=DSAR_HANDLER, email="ghost@example.com", password="x" * 12)[0]
    ghost.is_active = False
    ghost.save()
    _ticket, seven_before = due_in(hans, 7)
    run_on(seven_before)
    [message] = mail.outbox
    assert sorted(message.to) == sorted(["hans@example.com", dora.email])  # hans-handler has no address


def test_no_reminder_once_the_answer_went_out(hans: Any) -> None:
    ticket, seven_before = due_in(hans, 7, assigned_to=hans)
    for service in (dsar_verify_identity, dsar_start_search, dsar_send_to_review, dsar_approve, dsar_deliver):
        service(actor=hans, request=ticket)
    assert run_on(seven_before) == 0
    assert run_on(ticket.final_due + timedelta(days=3)) == 0
    assert mail.outbox == []


def test_a_mail_failure_leaves_the_reminder_for_the_next_run(hans: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ticket, seven_before = due_in(hans, 7, assigned_to=hans)

    def fail(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("dsar.reminders.send_mail", fail)
    assert run_on(seven_before) == 0
    assert reminders(ticket) == []
    monkeypatch.undo()
    assert run_on(seven_before, hour=10) == 1


def test_the_dashboards_list_recent_reminders(client: Any, hans: Any) -> None:
    ticket, seven_before = due_in(hans, 7, assigned_to=hans)
    run_on(seven_before)
    client = logged_in(client, hans)
    for url in (reverse("dsar:index"), reverse("dashboard")):
        html = client.get(url).content.decode()
        assert "Reminder e-mailed to hans: due in 7 days" in html
        assert ticket.reference in html


def test_reminders_run_from_the_cron_schedule() -> None:
    from django_rq.cron import DjangoCronScheduler

    scheduler = DjangoCronScheduler()
    scheduler.load_config_from_file("compliance.cron")
    assert "send_dsar_reminders" in {getattr(job.func, "__name__", "") for job in scheduler.get_jobs()}


def test_the_default_mail_backend_is_the_console() -> None:
    from compliance import settings as project_settings

    assert project_settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"

"""Periodic reviews: the date set on approval (quarterly by default), moved by hand or by
a review done; reminders to the DPO 14 days before and weekly once overdue, never twice
for the same stage; the dashboard lists what needs a review."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from compliance.models import Organisation
from compliance.organisation import local_today
from dpia.models import Assessment, AssessmentEvent, EffortRole
from dpia.reviews import (
    assessment_review_schedule,
    assessment_reviewed,
    reminder_stage,
    send_review_reminders,
)
from dpia.services.common import DpiaError
from tests.support.dpia import make_assessment
from tests.support.footage import logged_in, make_camera
from tests.test_dpia_living import approve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Organisation.objects.filter(pk=Organisation.current().pk).update(dpo_email="dpo@example.org")


@pytest.fixture
def approved() -> Assessment:
    return approve(make_assessment("Shop cameras"))


def run_on(day: date) -> int:
    """Run the hourly reminder job at 09:00 UTC on `day`."""
    return send_review_reminders(now=datetime.combine(day, time(9), tzinfo=UTC))


def set_review(assessment: Assessment, day: date) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(next_review=day, review_reminded_on=None)


def test_reminder_stages() -> None:
    due = date(2026, 6, 30)
    assert reminder_stage(due, date(2026, 6, 15), None) is None  # 15 days before
    assert reminder_stage(due, date(2026, 6, 16), None) == "soon"
    assert reminder_stage(due, date(2026, 6, 17), date(2026, 6, 16)) is None  # already reminded for this date
    assert reminder_stage(due, date(2026, 6, 20), None) == "soon"  # a missed day sends it late
    assert reminder_stage(due, date(2026, 6, 30), date(2026, 6, 16)) is None  # due today: reminded already
    assert reminder_stage(due, date(2026, 7, 1), date(2026, 6, 16)) == "overdue"
    assert reminder_stage(due, date(2026, 7, 1), date(2026, 7, 1)) is None  # never twice the same day
    assert reminder_stage(due, date(2026, 7, 7), date(2026, 7, 1)) is None
    assert reminder_stage(due, date(2026, 7, 8), date(2026, 7, 1)) == "overdue"  # then weekly


def test_approval_sets_the_next_review_a_quarter_later(approved: Assessment) -> None:
    assert approved.next_review == local_today() + timedelta(days=91)
    assert approved.review_interval_days == 91


def test_schedule_moves_the_date_and_the_interval(approved: Assessment, dpo: Any) -> None:
    day = local_today() + timedelta(days=10)
    assessment_review_schedule(assessment=approved, next_review=day, interval_days=30, actor=dpo)
    approved.refresh_from_db()
    assert (approved.next_review, approved.review_interval_days) == (day, 30)
    event = AssessmentEvent.objects.filter(assessment=approved, action="review_schedule").get()
    assert event.role == EffortRole.DPO and "then every 30 days" in event.summary

    assessment_review_schedule(assessment=approved, next_review=None, interval_days=182, actor=dpo)
    approved.refresh_from_db()
    assert approved.next_review == local_today() + timedelta(days=182)


def test_schedule_refuses_a_past_date_or_a_silly_interval(approved: Assessment, dpo: Any) -> None:
    with pytest.raises(DpiaError, match="cannot be in the past"):
        assessment_review_schedule(
            assessment=approved, next_review=local_today() - timedelta(days=1), interval_days=91, actor=dpo
        )
    with pytest.raises(DpiaError, match="between 1 and 1096 days"):
        assessment_review_schedule(assessment=approved, next_review=None, interval_days=0, actor=dpo)


def test_a_review_done_moves_the_date_on(approved: Assessment, dpo: Any) -> None:
    set_review(approved, local_today() - timedelta(days=3))
    assessment_reviewed(assessment=approved, actor=dpo, note="Cameras and retention unchanged.")
    approved.refresh_from_db()
    assert approved.next_review == local_today() + timedelta(days=91)
    event = AssessmentEvent.objects.filter(assessment=approved, action="reviewed").get()
    assert event.role == EffortRole.DPO and event.actor == dpo
    assert "Cameras and retention unchanged." in event.summary


def test_a_review_needs_an_approved_version_a_note_and_no_drift(dpo: Any) -> None:
    draft = make_assessment("Draft only")
    with pytest.raises(DpiaError, match="approve one first"):
        assessment_reviewed(assessment=draft, actor=dpo, note="Checked.")
    camera = make_camera("Till", anonymise_at_ingest=True)
    approved = approve(make_assessment("Till camera", cameras=[camera]))
    with pytest.raises(DpiaError, match="Say what the review checked"):
        assessment_reviewed(assessment=approved, actor=dpo, note="  ")
    Assessment.objects.filter(pk=approved.pk).update(drift=[{"code": "anonymise_off", "message": "off"}])
    approved.refresh_from_db()
    with pytest.raises(DpiaError, match="Start a new version"):
        assessment_reviewed(assessment=approved, actor=dpo, note="Checked.")


def test_reminders_go_once_before_and_weekly_when_overdue(approved: Assessment) -> None:
    due = local_today() + timedelta(days=40)
    set_review(approved, due)
    assert run_on(due - timedelta(days=15)) == 0
    assert run_on(due - timedelta(days=14)) == 1
    assert run_on(due - timedelta(days=14)) == 0  # the hourly job runs again the same day
    assert run_on(due - timedelta(days=5)) == 0
    assert run_on(due) == 0
    assert run_on(due + timedelta(days=1)) == 1
    assert run_on(due + timedelta(days=3)) == 0
    assert run_on(due + timedelta(days=8)) == 1
    assert len(mail.outbox) == 3
    first, overdue, weekly = mail.outbox
    assert first.to == ["dpo@example.org"]
    assert approved.reference in first.subject and "due in 14 days" in first.subject
    assert "overdue by 1 day" in overdue.subject
    assert "overdue by 8 days" in weekly.subject
    assert reverse("dpia:assessment", args=[approved.reference]) in first.body
    reminders = AssessmentEvent.objects.filter(assessment=approved, action="review_reminder")
    assert reminders.count() == 3 and all(event.actor is None for event in reminders)


def test_a_new_date_starts_the_reminders_again(approved: Assessment, dpo: Any) -> None:
    due = local_today() + timedelta(days=10)
    set_review(approved, due)
    assert run_on(local_today()) == 1
    assessment_review_schedule(assessment=approved, next_review=due + timedelta(days=1), interval_days=91, actor=dpo)
    assert run_on(local_today()) == 1
    assert len(mail.outbox) == 2


def test_assessments_without_a_date_are_not_reminded() -> None:
    make_assessment("Never approved")
    assert run_on(local_today()) == 0
    assert not mail.outbox


def test_dashboard_lists_overdue_soon_and_drifted(client: Any, dpo: Any, approved: Assessment) -> None:
    set_review(approved, local_today() - timedelta(days=2))
    soon = approve(make_assessment("Car park"))
    set_review(soon, local_today() + timedelta(days=5))
    later = approve(make_assessment("Warehouse"))
    drifted = approve(make_assessment("Loading bay"))
    Assessment.objects.filter(pk=drifted.pk).update(
        drift=[{"code": "audio_on", "message": "Camera “Bay”: audio recording switched on (off → on)."}]
    )
    text = logged_in(client, dpo).get(reverse("dashboard")).content.decode()
    overdue_part = text.split("Reviews overdue")[1].split("Reviews due within 14 days")[0]
    soon_part = text.split("Reviews due within 14 days")[1]
    assert approved.reference in overdue_part and soon.reference not in overdue_part
    assert soon.reference in soon_part
    assert later.reference not in text
    assert "Review needed: the configuration changed" in text
    assert "Camera “Bay”: audio recording switched on (off → on)." in text
    assert reverse("dpia:assessment", args=[drifted.reference]) in text


def test_dashboard_hides_the_panel_from_those_who_may_not_see_assessments(
    client: Any, handler: Any, approved: Assessment
) -> None:
    set_review(approved, local_today() - timedelta(days=2))
    text = logged_in(client, handler).get(reverse("dashboard")).content.decode()
    assert approved.reference not in text and "Reviews overdue" not in text


def test_the_overview_form_schedules_and_records_a_review(client: Any, dpo: Any, approved: Assessment) -> None:
    browser = logged_in(client, dpo)
    page = reverse("dpia:assessment", args=[approved.reference])
    day = local_today() + timedelta(days=20)
    response = browser.post(
        reverse("dpia:review_schedule", args=[approved.reference]),
        {"next_review": day.isoformat(), "interval_days": "60"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == page
    assert "The review schedule is saved." in response.content.decode()
    approved.refresh_from_db()
    assert (approved.next_review, approved.review_interval_days) == (day, 60)

    response = browser.post(
        reverse("dpia:reviewed", args=[approved.reference]), {"note": "All as approved."}, follow=True
    )
    assert "The review is recorded." in response.content.decode()
    approved.refresh_from_db()
    assert approved.next_review == local_today() + timedelta(days=60)

    response = browser.post(
        reverse("dpia:review_schedule", args=[approved.reference]), {"interval_days": "0"}, follow=True
    )
    assert "Days between reviews" in response.content.decode() and response.status_code == 200


def test_an_admin_schedules_but_only_the_dpo_records_a_review(
    client: Any, admin_role: Any, approved: Assessment
) -> None:
    browser = logged_in(client, admin_role)
    response = browser.post(reverse("dpia:review_schedule", args=[approved.reference]), {"interval_days": "91"})
    assert response.status_code == 302
    response = browser.post(reverse("dpia:reviewed", args=[approved.reference]), {"note": "Fine."})
    assert response.status_code == 403

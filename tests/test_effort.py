"""Measured effort: the sittings rule, the hours per assessment and role, and the DSAR
handling figures beside them on one page (counts and medians, no identities)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from compliance.effort import sittings
from dpia.effort import assessment_effort
from dpia.models import Assessment, AssessmentEvent
from dsar.effort import dsar_effort
from dsar.models import DataSubjectRequest, TimelineEntry
from tests.support.dpia import make_assessment
from tests.support.dsar import make_request
from tests.support.footage import logged_in

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_one_edit_counts_the_minimum() -> None:
    assert sittings([("ann", at(0))]) == {"ann": 120}


def test_edits_closer_than_the_gap_form_one_sitting() -> None:
    # 10:00, 10:10, 10:20: twenty minutes plus the two-minute minimum.
    assert sittings([("ann", at(20)), ("ann", at(0)), ("ann", at(10))]) == {"ann": 22 * 60}


def test_a_pause_of_the_gap_or_more_starts_a_new_sitting() -> None:
    events = [("ann", at(0)), ("ann", at(5)), ("ann", at(20)), ("ann", at(21))]
    # 0-5 (5 min) and 20-21 (1 min), each plus 2 minutes.
    assert sittings(events) == {"ann": (7 + 3) * 60}
    assert sittings([("ann", at(0)), ("ann", at(14.9))]) == {"ann": pytest.approx(16.9 * 60)}


def test_people_are_counted_apart() -> None:
    events = [("ann", at(0)), ("bob", at(5)), ("ann", at(10))]
    assert sittings(events) == {"ann": 12 * 60, "bob": 120}


def test_gap_and_minimum_can_be_chosen() -> None:
    events = [("ann", at(0)), ("ann", at(30))]
    assert sittings(events, gap=timedelta(hours=1), minimum=timedelta(0)) == {"ann": 30 * 60}


def _edits(assessment: Assessment, user: Any, role: str, minutes: list[float]) -> None:
    for minute in minutes:
        AssessmentEvent.objects.create(
            assessment=assessment, version_number=1, at=at(minute), actor=user, role=role, action="edit"
        )


@pytest.mark.django_db
def test_dpia_hours_by_role(dpo: Any, admin_role: Any) -> None:
    assessment = make_assessment("Shop cameras")  # created by nobody: the system's step does not count
    _edits(assessment, dpo, "author", [0, 10, 20, 60, 70])  # 22 + 12 minutes
    _edits(assessment, admin_role, "author", [0, 28])  # two sittings of 2 minutes
    _edits(assessment, admin_role, "evaluator", [100, 130, 140])  # 2 + 12 minutes
    _edits(assessment, dpo, "dpo", [200])
    AssessmentEvent.objects.create(assessment=assessment, version_number=1, at=at(300), actor=None, action="drift")
    effort = assessment_effort(assessment)
    assert effort.hours["author"] == pytest.approx((34 + 4) / 60)
    assert effort.hours["evaluator"] == pytest.approx(14 / 60)
    assert effort.hours["dpo"] == pytest.approx(2 / 60)
    assert effort.total == pytest.approx(54 / 60)


def _handled(actor: Any, *, received: datetime, closed: datetime, steps: list[datetime]) -> DataSubjectRequest:
    ticket = make_request(None, received_at=received)
    for moment in steps:
        TimelineEntry.objects.create(request=ticket, at=moment, actor=actor, actor_name="hans", kind="edited")
    DataSubjectRequest.objects.filter(pk=ticket.pk).update(status="closed", closed_at=closed)
    return ticket


@pytest.mark.django_db
def test_dsar_figures(vault_key: Any, media_dirs: Any, handler: Any) -> None:
    now = timezone.now()
    day = timedelta(days=1)
    _handled(handler, received=now - 10 * day, closed=now - 6 * day, steps=[now - 9 * day])  # 4 days, 2 min
    _handled(
        handler,
        received=now - 30 * day,
        closed=now - 20 * day,
        steps=[now - 25 * day + timedelta(minutes=minute) for minute in (0, 10, 20, 30, 40, 50, 58)],
    )  # 10 days, one sitting of 58 + 2 minutes
    _handled(handler, received=now - 40 * day, closed=now - 34 * day, steps=[])  # 6 days, no steps by people
    _handled(handler, received=now - 500 * day, closed=now - 400 * day, steps=[])  # closed over a year ago
    make_request(None, received_at=now - 2 * day)  # still open
    figures = dsar_effort()
    assert figures["closed"] == 3
    assert figures["median_days"] == 6
    assert figures["median_hours"] == pytest.approx(2 / 60)


@pytest.mark.django_db
def test_the_effort_page_shows_dpia_and_dsar_figures(
    client: Any, auditor: Any, dpo: Any, vault_key: Any, media_dirs: Any, handler: Any
) -> None:
    assessment = make_assessment("Shop cameras")
    _edits(assessment, dpo, "author", [*range(0, 90, 10), 88])  # one sitting of 88 + 2 minutes
    _edits(assessment, dpo, "dpo", [200, 210, 220, 228])  # 28 + 2 minutes
    now = timezone.now()
    _handled(handler, received=now - timedelta(days=5), closed=now - timedelta(days=2), steps=[now - timedelta(days=3)])
    response = logged_in(client, auditor).get(reverse("dpia:effort"))
    assert response.status_code == 200
    text = " ".join(response.content.decode().split()).replace("> <", "><")
    row = text.split("Shop cameras")[1].split("</tr>")[0]
    assert "<td>1 h 30 min</td><td>0 min</td><td>30 min</td><td>2 h 00 min</td>" in row
    assert "Requests closed in the last 12 months</dt><dd>1</dd>" in text
    assert "3 days" in text
    assert "Median measured effort per request</dt><dd>2 min</dd>" in text
    assert "Jane" not in text and "hans" not in text


@pytest.mark.django_db
def test_the_overview_shows_the_assessments_own_effort(client: Any, dpo: Any) -> None:
    assessment = make_assessment("Shop cameras")
    _edits(assessment, dpo, "evaluator", [0, 10, 20, 28])
    text = logged_in(client, dpo).get(reverse("dpia:assessment", args=[assessment.reference])).content.decode()
    assert "Time spent" in text
    assert "<td>30 min</td>" in text


@pytest.mark.django_db
def test_the_effort_page_needs_the_view_permission(client: Any, handler: Any) -> None:
    assert logged_in(client, handler).get(reverse("dpia:effort")).status_code == 403

"""Preservation: a request's footage is held from the moment it is logged, the holds
follow its scope, and they are released once the ticket has ended and the grace
period has passed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from compliance.models import AccessEvent
from compliance.retention.holds import legal_hold_place
from compliance.retention.sweep import sweep
from dsar.services import (
    dsar_extend,
    dsar_update,
    dsar_withdraw,
    preservation_report,
    release_preservation_holds,
    ticket_holds,
)
from media_processing.services.retention import is_held
from tests.support.dsar import ago, make_request, organisation, steps, stored_recording, ticket_events
from tests.support.footage import events, make_camera

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]


def test_logging_a_request_holds_the_footage_of_its_cameras_and_sites_at_once(handler: Any) -> None:
    entrance, lobby = make_camera("Entrance", site="Shop"), make_camera("Lobby", site="Shop")
    car_park = make_camera("Car park", site="Depot")
    yard = make_camera("Yard", site="Warehouse")
    morning, evening = (ago(days=3, hours=2), ago(days=3, hours=1)), (ago(days=2, hours=2), ago(days=2, hours=1))
    inside = stored_recording(entrance, morning[0] + timedelta(minutes=10))
    site_camera = stored_recording(lobby, evening[0] + timedelta(minutes=5))
    chosen_camera = stored_recording(car_park, morning[0] + timedelta(minutes=30))
    outside_window = stored_recording(entrance, ago(days=1))
    other_camera = stored_recording(yard, morning[0] + timedelta(minutes=10))

    ticket = make_request(handler, sites=[entrance.site], cameras=[car_park], windows=[morning, evening])

    holds = list(ticket_holds(ticket).order_by("window_start"))
    assert [(hold.window_start, hold.window_end) for hold in holds] == [morning, evening]
    for hold in holds:
        assert {camera.name for camera in hold.cameras.all()} == {"Entrance", "Lobby", "Car park"}
        assert (hold.case_reference, hold.review_on, hold.subject) == (ticket.reference, ticket.final_due, ticket)
        assert hold.placed_by == handler
        assert events("legal_hold.place", hold)
    assert is_held(inside) and is_held(site_camera) and is_held(chosen_camera)
    assert not is_held(outside_window) and not is_held(other_camera)
    step = next(step for step in steps(ticket) if step.kind == "preservation")
    assert "Car park, Entrance, Lobby" in step.message
    assert "dsar.preserve" in [event.action for event in ticket_events(ticket)]


def test_a_held_recording_survives_the_retention_sweep(handler: Any) -> None:
    camera = make_camera()
    old = stored_recording(camera, ago(days=40))
    make_request(handler, cameras=[camera], windows=[(ago(days=41), ago(days=39))])
    result = sweep()
    assert [item.pk for item in result.held] == [old.pk] and not result.deleted


def test_no_windows_or_no_cameras_means_no_hold(handler: Any) -> None:
    assert not ticket_holds(make_request(handler, cameras=[make_camera()])).exists()
    assert not ticket_holds(make_request(handler, windows=[(ago(days=2), ago(days=1))])).exists()


def test_changing_the_scope_replaces_the_holds(handler: Any) -> None:
    entrance, lobby = make_camera("Entrance"), make_camera("Lobby")
    window = (ago(days=3, hours=2), ago(days=3, hours=1))
    ticket = make_request(handler, cameras=[entrance], windows=[window])
    [first] = ticket_holds(ticket)

    dsar_update(actor=handler, request=ticket, description="More details")  # scope unchanged
    assert list(ticket_holds(ticket)) == [first]

    later = (ago(days=1, hours=2), ago(days=1, hours=1))
    dsar_update(actor=handler, request=ticket, cameras=[entrance, lobby], windows=[window, later])
    first.refresh_from_db()
    assert first.released_at is not None and "scope" in first.release_reason
    assert events("legal_hold.release", first)
    holds = list(ticket_holds(ticket).order_by("window_start"))
    assert [(hold.window_start, hold.window_end) for hold in holds] == [window, later]
    assert all({c.name for c in hold.cameras.all()} == {"Entrance", "Lobby"} for hold in holds)

    dsar_update(actor=handler, request=ticket, cameras=[])
    assert not ticket_holds(ticket).exists()
    assert "no longer names cameras" in steps(ticket)[-1].message


def test_the_review_date_follows_the_extended_deadline(handler: Any) -> None:
    ticket = make_request(handler, cameras=[make_camera()], windows=[(ago(days=2), ago(days=1))])
    ticket = dsar_extend(actor=handler, request=ticket, reasons="Many cameras to review")
    [hold] = ticket_holds(ticket)
    assert hold.review_on == ticket.extended_due_on


def test_holds_are_released_by_the_system_once_the_grace_period_after_closing_has_passed(handler: Any) -> None:
    organisation(dsar_hold_grace_days=10)
    camera = make_camera()
    recording = stored_recording(camera, ago(days=5))
    ticket = make_request(handler, cameras=[camera], windows=[(ago(days=6), ago(days=4))])
    open_ticket = make_request(handler, cameras=[camera], windows=[(ago(days=6), ago(days=4))])
    ticket = dsar_withdraw(actor=handler, request=ticket, reason="Requester withdrew")
    assert ticket.closed_at is not None
    [hold] = ticket_holds(ticket)

    assert release_preservation_holds(now=ticket.closed_at + timedelta(days=9, hours=23)) == 0
    assert ticket_holds(ticket).exists()

    assert release_preservation_holds(now=ticket.closed_at + timedelta(days=10, minutes=1)) == 1
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.released_by is None
    assert "10-day grace period" in hold.release_reason
    [release] = events("legal_hold.release", hold)
    assert release.actor_username == "system"
    step = steps(ticket)[-1]
    assert (step.kind, step.actor_name) == ("preservation", "system")
    assert AccessEvent.objects.filter(action="dsar.preservation_release", target_id=str(ticket.pk)).exists()
    # The other, still open, request keeps the footage held; a second run changes nothing.
    assert is_held(recording) and ticket_holds(open_ticket).exists()
    assert release_preservation_holds(now=ticket.closed_at + timedelta(days=30)) == 0


def test_the_report_calls_out_footage_deleted_before_the_request(handler: Any) -> None:
    camera = make_camera("Entrance")
    gone = stored_recording(camera, ago(days=40), seconds=600)
    kept = stored_recording(camera, ago(days=40) + timedelta(minutes=20), seconds=600)
    # A police hold keeps the second recording; the sweep deletes the first before the request comes in.
    legal_hold_place(
        actor=None, reason="Police", case_reference="POL-1", review_on=ago(days=-30).date(), recordings=[kept]
    )
    sweep()
    window = (ago(days=40, minutes=30), ago(days=40) + timedelta(minutes=60))
    ticket = make_request(handler, cameras=[camera], windows=[window])

    [row] = preservation_report(ticket)
    assert row.camera == camera and row.window.start == window[0]
    assert row.held == 1
    [part] = row.gone
    assert part.start == gone.start and part.end == gone.end
    assert part.deleted_at is not None and gone.original_name in part.label


def test_the_release_runs_from_the_cron_schedule() -> None:
    from django_rq.cron import DjangoCronScheduler

    scheduler = DjangoCronScheduler()
    scheduler.load_config_from_file("compliance.cron")
    names = {getattr(job.func, "__name__", "") for job in scheduler.get_jobs()}
    assert {"release_preservation_holds", "refresh_paused_deadlines"} <= names

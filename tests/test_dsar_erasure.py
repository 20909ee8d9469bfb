"""Erasure requests delete the requester's footage with a certificate, never what another
hold keeps; closed tickets are deleted under the retention schedule and the requester's
identity is crypto-shredded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from compliance.models import DeletedItem, DeletionCertificate, PendingFileDeletion, VaultEntry
from compliance.retention.holds import legal_hold_place
from compliance.retention.sweep import sweep
from compliance.vault import VaultEntryErased, reidentify
from dsar.models import DataSubjectRequest, Letter, TimelineEntry, TimeWindow
from dsar.services import (
    TransitionError,
    dsar_decide,
    dsar_erase_footage,
    dsar_refuse,
    dsar_send_to_review,
    dsar_start_search,
    dsar_verify_identity,
    dsar_withdraw,
    release_preservation_holds,
    ticket_holds,
)
from media_processing.models import Clip, ClipStatus, Recording
from tests.support.dsar import PNG, ago, make_request, media_path, steps, stored_recording, ticket_events
from tests.support.footage import events, make_camera

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]


def in_review(ticket: DataSubjectRequest, actor: Any) -> DataSubjectRequest:
    for step in (dsar_verify_identity, dsar_start_search, dsar_send_to_review):
        ticket = step(actor=actor, request=ticket)
    return ticket


def test_granted_erasure_deletes_the_unheld_footage_with_a_certificate(
    handler: Any, dpo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    entrance, yard = make_camera("Entrance"), make_camera("Yard")
    window = (ago(days=3, hours=2), ago(days=3, hours=1))
    mine = stored_recording(entrance, window[0] + timedelta(minutes=5))
    police = stored_recording(entrance, window[0] + timedelta(minutes=30))
    later = stored_recording(entrance, ago(days=1))
    elsewhere = stored_recording(yard, window[0] + timedelta(minutes=5))
    clip = Clip.objects.create(
        camera=entrance, requested_start=window[0], requested_end=window[0] + timedelta(minutes=2), reason="Copy",
        status=ClipStatus.READY, file="clips/copy.mp4", sha256="cd" * 32, size=3,
    )  # fmt: skip
    media_path("clips/copy.mp4").parent.mkdir(parents=True, exist_ok=True)
    media_path("clips/copy.mp4").write_bytes(b"mp4")
    legal_hold_place(actor=dpo, reason="Theft", case_reference="POL-77", review_on=ago(days=-60).date(),
                     recordings=[police])  # fmt: skip
    ticket = make_request(handler, kind="erasure", cameras=[entrance], windows=[window])
    [own_hold] = ticket_holds(ticket)
    mine_file = mine.file.name

    with django_capture_on_commit_callbacks(execute=True):
        ticket = dsar_decide(actor=dpo, request=in_review(ticket, handler), decision="granted",
                             reasons="No overriding interest in keeping it")  # fmt: skip

    assert (ticket.status, ticket.decision) == ("approved", "granted")
    assert not Recording.objects.filter(pk=mine.pk).exists() and not media_path(mine_file).exists()
    assert not Clip.objects.filter(pk=clip.pk).exists() and not media_path("clips/copy.mp4").exists()
    assert Recording.objects.filter(pk__in=[police.pk, later.pk, elsewhere.pk]).count() == 3
    assert not PendingFileDeletion.objects.exists()

    own_hold.refresh_from_db()
    assert own_hold.released_at is not None and "Erasure granted" in own_hold.release_reason
    assert events("legal_hold.release", own_hold)[0].actor_username == dpo.username

    certificate = DeletionCertificate.objects.get()
    assert certificate.finished_at is not None
    items = DeletedItem.objects.filter(certificate=certificate).order_by("label")
    assert len(items) == 2 and all(ticket.reference in item.label for item in items)
    assert {"path": mine_file, "sha256": "ab" * 32} in [file for item in items for file in item.files]
    assert all(item.policy == {"erasure": ticket.reference, "decision": "granted"} for item in items)
    assert events("retention.erasure", certificate)[0].actor_username == dpo.username

    erasure = steps(ticket)[-1]
    assert erasure.kind == "erasure" and "2 recordings and clips erased" in erasure.message
    assert "POL-77" in erasure.message and police.original_name in erasure.message
    assert ticket_events(ticket)[-1].action == "dsar.erase"


def test_a_refused_erasure_keeps_the_footage_and_sends_the_refusal(handler: Any) -> None:
    camera = make_camera()
    window = (ago(days=2, hours=1), ago(days=2))
    recording = stored_recording(camera, window[0] + timedelta(minutes=1))
    ticket = make_request(handler, kind="erasure", cameras=[camera], windows=[window])
    ticket = dsar_decide(actor=handler, request=in_review(ticket, handler), decision="refused",
                         reasons="Needed for an insurance claim")  # fmt: skip
    assert (ticket.status, ticket.decision, ticket.refusal_reasons) == (
        "refused",
        "refused",
        "Needed for an insurance claim",
    )
    assert Recording.objects.filter(pk=recording.pk).exists()
    assert ticket.letters.get().kind == "refusal"
    assert ticket_holds(ticket).exists()  # still preserved until the grace period ends


def test_erasure_needs_an_approved_erasure_ticket(handler: Any) -> None:
    ticket = make_request(handler, kind="erasure")
    with pytest.raises(TransitionError, match="erased"):
        dsar_erase_footage(actor=handler, request=ticket)
    restriction = dsar_decide(actor=handler, request=in_review(make_request(handler, kind="restriction"), handler),
                              decision="granted", reasons="Marked as restricted")  # fmt: skip
    with pytest.raises(TransitionError, match="not an erasure request"):
        dsar_erase_footage(actor=handler, request=restriction)
    assert not DeletionCertificate.objects.exists()


def expire(ticket: DataSubjectRequest, *, days: int) -> None:
    DataSubjectRequest.objects.filter(pk=ticket.pk).update(closed_at=timezone.now() - timedelta(days=days))


def test_closed_tickets_are_deleted_after_the_retention_period_and_identities_shredded(
    handler: Any, dpo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    camera = make_camera()
    ticket = make_request(handler, cameras=[camera], windows=[(ago(days=3), ago(days=2))], photo=(PNG, "image/png"),
                          requester_phone="+32 470 00 00 00")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        ticket = dsar_refuse(actor=handler, request=ticket, reasons="Manifestly unfounded")
    tokens = [ticket.requester_name, ticket.requester_email, ticket.requester_phone]
    letter = ticket.letters.get()
    letter_file = letter.file.name
    expire(ticket, days=1096)
    release_preservation_holds()

    result = sweep()

    assert ticket.reference in [item.label for item in result.deleted]
    assert not DataSubjectRequest.objects.filter(pk=ticket.pk).exists()
    assert not TimelineEntry.objects.filter(request_id=ticket.pk).exists()
    assert not TimeWindow.objects.filter(request_id=ticket.pk).exists()
    assert not Letter.objects.filter(pk=letter.pk).exists() and not media_path(letter_file).exists()
    for token in tokens:
        assert VaultEntry.objects.get(token=token).is_erased
        with pytest.raises(VaultEntryErased):
            reidentify(token, actor=dpo, reason="Trying after deletion")
    item = DeletedItem.objects.get(category="closed_dsars")
    assert item.label == ticket.reference and {"path": letter_file, "sha256": letter.sha256} in item.files
    assert "Jane" not in str(item.files) and "Jane" not in item.label


def test_retention_keeps_recent_open_and_held_tickets(handler: Any, dpo: Any) -> None:
    camera = make_camera()
    recent = dsar_withdraw(actor=handler, request=make_request(handler), reason="Withdrawn")
    expire(recent, days=100)
    scoped = make_request(handler, cameras=[camera], windows=[(ago(days=3), ago(days=2))])
    held = dsar_withdraw(actor=handler, request=scoped, reason="Withdrawn")
    expire(held, days=2000)  # its preservation hold was never released
    old_open = make_request(handler, received_at=ago(days=2000))
    shared = dsar_withdraw(actor=handler, request=make_request(handler), reason="Withdrawn")
    expire(shared, days=2000)  # same requester as the others: the pseudonym stays while they need it

    result = sweep()

    assert [item.label for item in result.deleted if item.category == "closed_dsars"] == [shared.reference]
    [kept] = [item for item in result.held if item.category == "closed_dsars"]
    assert (kept.label, kept.held_by) == (held.reference, [held.reference])
    assert DataSubjectRequest.objects.filter(pk__in=[recent.pk, held.pk, old_open.pk]).count() == 3
    assert reidentify(recent.requester_name, actor=dpo, reason="Still needed") == "Jane Doe"

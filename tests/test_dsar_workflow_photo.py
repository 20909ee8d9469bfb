"""The requester's photo: encrypted at rest, opened only with an access-log entry,
deleted when the ticket ends."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from compliance.models import PendingFileDeletion
from compliance.vault import VaultIntegrityError
from compliance.vault.blobs import open_blob, seal_blob
from dsar.services import (
    DsarError,
    Photo,
    dsar_close,
    dsar_deliver,
    dsar_photo_delete,
    dsar_photo_open,
    dsar_update,
    dsar_withdraw,
)
from dsar.services.workflow import dsar_approve, dsar_send_to_review, dsar_start_search, dsar_verify_identity
from tests.support.dsar import PNG, make_request, media_path, steps, stored_png, ticket_events

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]


def stored_bytes(path: str) -> bytes:
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def test_the_photo_is_stored_encrypted_and_opened_with_an_access_log_entry(handler: Any) -> None:
    ticket = make_request(handler, photo=(PNG, "image/png"))
    assert ticket.has_photo and ticket.photo_content_type == "image/jpeg"
    raw = stored_bytes(ticket.photo_path)
    assert raw.startswith(b"obscura-blob/v1") and stored_png() not in raw

    photo = dsar_photo_open(actor=handler, request=ticket, ip="192.0.2.7")
    assert photo == Photo(stored_png(), "image/jpeg")
    event = ticket_events(ticket)[-1]
    assert (event.action, event.actor_username, event.ip) == ("dsar.photo_view", handler.username, "192.0.2.7")


def test_a_sealed_photo_does_not_open_for_another_ticket_or_when_altered(vault_key: Any) -> None:
    blob = seal_blob(PNG, context="dsar-photo/1")
    assert open_blob(blob, context="dsar-photo/1") == PNG
    with pytest.raises(VaultIntegrityError):
        open_blob(blob, context="dsar-photo/2")
    with pytest.raises(VaultIntegrityError):
        open_blob(blob[:-1] + bytes([blob[-1] ^ 1]), context="dsar-photo/1")
    with pytest.raises(VaultIntegrityError):
        open_blob(PNG, context="dsar-photo/1")


def test_the_photo_loses_its_location_and_camera_tags_and_is_turned_upright(handler: Any) -> None:
    exif = Image.Exif()
    exif[0x0110] = "Phone 12 Pro"  # model
    exif[0xA431] = "SERIAL-123456"  # body serial number
    exif[0x0112] = 6  # orientation: rotate 90 degrees to show
    exif[0x8825] = {1: "N", 2: (50.0, 51.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (10, 200, 30)).save(buffer, "JPEG", exif=exif)

    ticket = make_request(handler, photo=(buffer.getvalue(), "image/jpeg"))

    data = dsar_photo_open(actor=handler, request=ticket).data
    assert b"SERIAL-123456" not in data and b"Phone 12 Pro" not in data
    with Image.open(io.BytesIO(data)) as kept:
        assert not kept.getexif() and kept.size == (20, 40)


def test_a_damaged_picture_is_refused_with_a_reason(handler: Any) -> None:
    with pytest.raises(DsarError, match="The photo cannot be read"):
        make_request(handler, photo=(PNG[:40], "image/png"))


def test_only_pictures_are_accepted(handler: Any) -> None:
    with pytest.raises(DsarError, match="JPEG, PNG"):
        make_request(handler, photo=(b"%PDF-1.7", "application/pdf"))
    with pytest.raises(DsarError, match="empty"):
        make_request(handler, photo=(b"", "image/jpeg"))


def test_closing_the_ticket_deletes_the_photo(handler: Any, django_capture_on_commit_callbacks: Any) -> None:
    ticket = make_request(handler, photo=(PNG, "image/png"))
    path = ticket.photo_path
    for step in (dsar_verify_identity, dsar_start_search, dsar_send_to_review, dsar_approve, dsar_deliver):
        ticket = step(actor=handler, request=ticket)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = dsar_close(actor=handler, request=ticket)
    assert not ticket.has_photo and not media_path(path).exists()
    assert not PendingFileDeletion.objects.exists()
    assert any(step.kind == "photo" for step in steps(ticket))
    assert "dsar.photo_delete" in [event.action for event in ticket_events(ticket)]
    with pytest.raises(DsarError, match="no photo"):
        dsar_photo_open(actor=handler, request=ticket)


def test_withdrawal_deletes_the_photo_too(handler: Any, django_capture_on_commit_callbacks: Any) -> None:
    ticket = make_request(handler, photo=(PNG, "image/png"))
    path = ticket.photo_path
    with django_capture_on_commit_callbacks(execute=True):
        ticket = dsar_withdraw(actor=handler, request=ticket, reason="Withdrawn by e-mail")
    assert not ticket.photo_path and not media_path(path).exists()


def test_a_photo_can_be_replaced_or_deleted_before_closing(
    handler: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = make_request(handler, photo=(PNG, "image/png"))
    first = ticket.photo_path
    with django_capture_on_commit_callbacks(execute=True):
        ticket = dsar_update(actor=handler, request=ticket, photo=(PNG + b"\x00", "image/jpeg"))
    assert ticket.photo_path != first and not media_path(first).exists()
    assert dsar_photo_open(actor=handler, request=ticket).content_type == "image/jpeg"
    second = ticket.photo_path
    with django_capture_on_commit_callbacks(execute=True):
        ticket = dsar_photo_delete(actor=handler, request=ticket)
    assert not ticket.has_photo and not media_path(second).exists()

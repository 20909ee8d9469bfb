"""The requester's photo, for reviewers who must recognise them in footage: stripped of
its metadata, stored only encrypted under the vault key, shown only with an access-log entry, deleted when the
ticket closes."""

from __future__ import annotations

import io
import secrets
import tempfile
from pathlib import Path
from typing import Any, NamedTuple

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from compliance.access_log import record_access
from compliance.vault.blobs import open_blob, seal_blob
from dsar.models import DataSubjectRequest, TimelineKind
from dsar.services.common import DsarError, delete_file_after_commit, lock, record_step
from media_processing import engine_config
from media_processing.engine import MediaError
from media_processing.engine.picture_save import JPEG
from media_processing.engine.strip import read_clean_picture

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif")
MAX_PHOTO_BYTES = 15 * 1024 * 1024


class Photo(NamedTuple):
    data: bytes
    content_type: str


def _context(ticket: DataSubjectRequest) -> str:
    return f"dsar-photo/{ticket.pk}"


def check_photo(photo: Photo) -> None:
    if photo.content_type not in PHOTO_TYPES:
        raise DsarError(_("The photo must be a JPEG, PNG, WebP or HEIC picture."))
    if not photo.data:
        raise DsarError(_("The photo file is empty."))
    if len(photo.data) > MAX_PHOTO_BYTES:
        raise DsarError(_("The photo is larger than 15 MB; send a smaller one."))


def clean_photo(photo: Photo) -> Photo:
    """The picture upright as a JPEG without any metadata (no location, camera serial or
    name tags kept beside the face), decoded within the footage pipeline's pixel limit."""
    with tempfile.TemporaryDirectory(prefix="obscura-photo-") as folder:
        source = Path(folder) / "photo"
        source.write_bytes(photo.data)
        try:
            picture, _removed, _subsampling = read_clean_picture(source, JPEG, engine_config.limits())
        except MediaError as error:
            raise DsarError(_("The photo cannot be read: %(why)s") % {"why": error}) from error
    buffer = io.BytesIO()
    picture.convert("RGB").save(buffer, "JPEG", quality=90)
    return Photo(buffer.getvalue(), "image/jpeg")


def store_photo(ticket: DataSubjectRequest, photo: Photo) -> None:
    """Encrypt and store the photo for a saved ticket, replacing any earlier one (not saved).

    Runs inside the caller's transaction; the earlier file goes once it commits."""
    check_photo(photo)
    photo = clean_photo(photo)
    old = ticket.photo_path
    name = f"dsar/photos/{ticket.pk}-{secrets.token_hex(8)}.bin"
    ticket.photo_path = default_storage.save(name, ContentFile(seal_blob(photo.data, context=_context(ticket))))
    ticket.photo_content_type = photo.content_type
    if old:
        delete_file_after_commit(old)


def drop_photo(ticket: DataSubjectRequest, *, actor: Any, why: str, ip: str | None = None) -> bool:
    """Delete the photo of a locked ticket (saved here), with its step. False when it has none."""
    if not ticket.photo_path:
        return False
    delete_file_after_commit(ticket.photo_path)
    ticket.photo_path = ""
    ticket.photo_content_type = ""
    ticket.save(update_fields=["photo_path", "photo_content_type", "updated_at"])
    record_step(ticket, actor=actor, verb="photo_delete", kind=TimelineKind.PHOTO, message=why, ip=ip)
    return True


def dsar_photo_delete(*, actor: Any, request: DataSubjectRequest, ip: str | None = None) -> DataSubjectRequest:
    """Delete the requester's photo now, before the ticket closes."""
    with transaction.atomic():
        ticket = lock(request)
        drop_photo(ticket, actor=actor, why=_("Photo of the requester deleted."), ip=ip)
    return ticket


def dsar_photo_open(*, actor: Any, request: DataSubjectRequest, ip: str | None = None) -> Photo:
    """The decrypted photo for a reviewer; the viewing is written to the access log first.
    Raises DsarError when the ticket has no photo."""
    if not request.photo_path:
        raise DsarError(_("%(reference)s has no photo of the requester.") % {"reference": request.reference})
    with default_storage.open(request.photo_path, "rb") as handle:
        blob = handle.read()
    data = open_blob(blob, context=_context(request))
    with transaction.atomic():
        record_access(actor=actor, action="dsar.photo_view", target=request, reason=request.reference, ip=ip)
    return Photo(data=data, content_type=request.photo_content_type)

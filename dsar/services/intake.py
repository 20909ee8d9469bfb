"""Logging a request and changing what was logged."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dsar.models import (
    Channel,
    DataSubjectRequest,
    PauseReason,
    ReferenceCounter,
    RequestKind,
    Status,
    TimelineKind,
    TimeWindow,
)
from dsar.services.clock import clock_pause
from dsar.services.common import (
    DsarError,
    TransitionError,
    due_text,
    local_date,
    lock,
    recompute_deadlines,
    record_step,
    show_date,
    show_moment,
)
from dsar.services.identity import FIELDS, forget_unused, pseudonym
from dsar.services.photo import Photo, check_photo, drop_photo, store_photo
from dsar.services.preservation import preservation_sync

Window = tuple[datetime, datetime]
# Received times a little ahead of the server's clock are tolerated (another machine's clock).
CLOCK_SKEW = timedelta(minutes=5)


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


def next_reference(year: int) -> str:
    """The next reference of a year, e.g. DSAR-2026-0007. Safe under concurrency: the
    year's counter row is created if missing without conflict, then incremented under
    its row lock, so two requests logged at once never share a number."""
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year, last=0)], ignore_conflicts=True)
    ReferenceCounter.objects.filter(year=year).update(last=F("last") + 1)
    number = ReferenceCounter.objects.get(year=year).last
    return f"DSAR-{year}-{number:04d}"


def _check_choice(value: str, choices: Any, what: str) -> None:
    if value not in choices.values:
        raise DsarError(_("%(value)r is not a known %(what)s.") % {"value": value, "what": what})


def _check_received(received_at: datetime) -> None:
    if timezone.is_naive(received_at):
        raise DsarError(_("The time of receipt needs a time zone."))
    if received_at > timezone.now() + CLOCK_SKEW:
        raise DsarError(_("The time of receipt cannot be in the future."))


def _check_windows(windows: Sequence[Window]) -> list[Window]:
    for start, end in windows:
        if timezone.is_naive(start) or timezone.is_naive(end):
            raise DsarError(_("Time windows need a time zone."))
        if end <= start:
            raise DsarError(_("A time window must end after it starts."))
    return sorted(windows)


def _set_windows(ticket: DataSubjectRequest, windows: list[Window]) -> None:
    ticket.windows.all().delete()
    TimeWindow.objects.bulk_create(TimeWindow(request=ticket, start=start, end=end) for start, end in windows)


def dsar_create(
    *,
    actor: Any,
    kind: str,
    channel: str,
    requester_name: str,
    received_at: datetime | None = None,
    requester_email: str = "",
    requester_phone: str = "",
    requester_address: str = "",
    description: str = "",
    sites: Iterable[Any] = (),
    cameras: Iterable[Any] = (),
    windows: Sequence[Window] = (),
    assigned_to: Any = None,
    photo: Photo | tuple[bytes, str] | None = None,
    identity_pending: bool = False,
    ip: str | None = None,
) -> DataSubjectRequest:
    """Log a request: the identity is pseudonymised, the reference assigned, the deadlines
    computed, the footage in scope preserved at once.

    `actor` is the staff member who logs it, or None for public intake, which passes
    `identity_pending=True`: the ticket then starts waiting for proof of identity, with
    the clock paused from receipt. Raises DsarError for invalid input."""
    _check_choice(kind, RequestKind, _("request type"))
    _check_choice(channel, Channel, _("channel"))
    if not requester_name.strip():
        raise DsarError(_("Give the requester's name."))
    received_at = received_at or timezone.now()
    _check_received(received_at)
    windows = _check_windows(windows)
    if photo is not None:
        photo = Photo(*photo)
        check_photo(photo)
    clear = {
        "requester_name": requester_name,
        "requester_email": requester_email,
        "requester_phone": requester_phone,
        "requester_address": requester_address,
    }
    with transaction.atomic():
        # In the transaction: a ticket that fails to be saved leaves no identity in the vault.
        tokens = {field: pseudonym(value, field) for field, value in clear.items()}
        ticket = DataSubjectRequest(
            reference=next_reference(local_date(received_at).year),
            kind=kind,
            channel=channel,
            received_at=received_at,
            description=description.strip(),
            assigned_to=assigned_to,
            status=Status.IDENTITY_PENDING if identity_pending else Status.RECEIVED,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            **tokens,
        )
        recompute_deadlines(ticket)
        ticket.save()
        ticket.sites.set(list(sites))
        ticket.cameras.set(list(cameras))
        _set_windows(ticket, windows)
        if photo is not None:
            store_photo(ticket, photo)
            ticket.save(update_fields=["photo_path", "photo_content_type"])
        message = _("Request logged: %(kind)s, received %(when)s by %(channel)s; %(due)s.") % {
            "kind": ticket.get_kind_display(),
            "when": show_moment(received_at),
            "channel": ticket.get_channel_display(),
            "due": due_text(ticket),
        }
        record_step(ticket, actor=actor, verb="create", kind=TimelineKind.CREATED, message=message,
                    to_status=ticket.status, ip=ip)  # fmt: skip
        if identity_pending:
            _open_identity_pause(ticket, actor=actor, at=received_at, ip=ip)
        preservation_sync(ticket, actor=actor, ip=ip)
    return ticket


def _open_identity_pause(ticket: DataSubjectRequest, *, actor: Any, at: datetime, ip: str | None) -> None:
    clock_pause(ticket, actor=actor, reason=PauseReason.IDENTITY, at=at, ip=ip)


def dsar_update(
    *,
    actor: Any,
    request: DataSubjectRequest,
    kind: Any = UNCHANGED,
    channel: Any = UNCHANGED,
    received_at: Any = UNCHANGED,
    description: Any = UNCHANGED,
    requester_name: Any = UNCHANGED,
    requester_email: Any = UNCHANGED,
    requester_phone: Any = UNCHANGED,
    requester_address: Any = UNCHANGED,
    sites: Any = UNCHANGED,
    cameras: Any = UNCHANGED,
    windows: Any = UNCHANGED,
    assigned_to: Any = UNCHANGED,
    photo: Any = UNCHANGED,
    ip: str | None = None,
) -> DataSubjectRequest:
    """Change what was logged; only the arguments given change (`photo=None` deletes it).

    A new time of receipt is written to the access log with the old and new values, and
    moves the deadlines. A changed identity gets new pseudonyms; the old ones are forgotten
    unless another ticket still uses them. Changed cameras, sites or windows replace the
    ticket's preservation holds. Closed, refused and withdrawn tickets cannot be changed."""
    if kind is not UNCHANGED:
        _check_choice(kind, RequestKind, _("request type"))
    if channel is not UNCHANGED:
        _check_choice(channel, Channel, _("channel"))
    if received_at is not UNCHANGED:
        _check_received(received_at)
    if windows is not UNCHANGED:
        windows = _check_windows(windows)
    if requester_name is not UNCHANGED and not requester_name.strip():
        raise DsarError(_("Give the requester's name."))
    if photo not in (UNCHANGED, None):
        photo = Photo(*photo)
        check_photo(photo)
    identity = {
        field: value
        for field, value in zip(
            FIELDS, (requester_name, requester_email, requester_phone, requester_address), strict=True
        )
        if value is not UNCHANGED
    }
    with transaction.atomic():
        tokens = {field: pseudonym(value, field) for field, value in identity.items()}
        ticket = lock(request)
        if ticket.is_final:
            raise TransitionError(
                _("%(reference)s is %(status)s; it can no longer be changed.")
                % {"reference": ticket.reference, "status": ticket.get_status_display()}
            )
        changes: list[str] = []
        audit: list[str] = []
        for name, value in (("kind", kind), ("channel", channel), ("description", description)):
            if value is not UNCHANGED and value != getattr(ticket, name):
                setattr(ticket, name, value.strip() if name == "description" else value)
                changes.append(_label(name))
        if assigned_to is not UNCHANGED and assigned_to != ticket.assigned_to:
            ticket.assigned_to = assigned_to
            who = assigned_to.get_username() if assigned_to else _("nobody")
            changes.append(_("handler (now %(who)s)") % {"who": who})
        old_tokens = []
        for field, token in tokens.items():
            if token != getattr(ticket, field):
                old_tokens.append(getattr(ticket, field))
                audit.append(f"{field} {getattr(ticket, field) or '-'} -> {token or '-'}")
                setattr(ticket, field, token)
                changes.append(_label(field))
        old_dates = (ticket.due_on, ticket.extended_due_on)
        if received_at is not UNCHANGED and received_at != ticket.received_at:
            audit.append(f"received_at {_utc(ticket.received_at)} -> {_utc(received_at)}")
            changes.append(
                _("time of receipt (%(old)s → %(new)s)")
                % {"old": show_moment(ticket.received_at), "new": show_moment(received_at)}
            )
            ticket.received_at = received_at
        _check_pauses_after_receipt(ticket)
        if recompute_deadlines(ticket):
            audit.append(f"due {old_dates[0].isoformat()} -> {ticket.due_on.isoformat()}")
            changes.append(
                _("deadline (%(old)s → %(new)s)") % {"old": show_date(old_dates[0]), "new": show_date(ticket.due_on)}
            )
        ticket.save()
        scope_changed = _update_scope(ticket, sites=sites, cameras=cameras, windows=windows, changes=changes)
        if photo is not UNCHANGED:
            if photo is None:
                drop_photo(ticket, actor=actor, why=_("Photo of the requester deleted."), ip=ip)
            else:
                store_photo(ticket, photo)
                ticket.save(update_fields=["photo_path", "photo_content_type", "updated_at"])
                changes.append(_("photo"))
        if changes:
            message = _("Changed: %(fields)s.") % {"fields": "; ".join(changes)}
            record_step(ticket, actor=actor, verb="update", kind=TimelineKind.EDITED, message=message,
                        audit=" ".join([message, "; ".join(audit)]).strip(), ip=ip)  # fmt: skip
        if scope_changed or old_dates != (ticket.due_on, ticket.extended_due_on):
            preservation_sync(ticket, actor=actor, ip=ip)
        forget_unused(
            [token for token in old_tokens if token],
            reason=_("%(ref)s: identity corrected") % {"ref": ticket.reference},
        )
    return ticket


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _label(name: str) -> str:
    return str(DataSubjectRequest._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def _check_pauses_after_receipt(ticket: DataSubjectRequest) -> None:
    first = ticket.pauses.order_by("started_at").first()
    if first is not None and first.started_at < ticket.received_at:
        raise DsarError(
            _("The request cannot have been received after its clock was first paused (%(when)s).")
            % {"when": show_moment(first.started_at)}
        )


def _update_scope(ticket: DataSubjectRequest, *, sites: Any, cameras: Any, windows: Any, changes: list[str]) -> bool:
    changed = False
    for name, value in (("sites", sites), ("cameras", cameras)):
        if value is UNCHANGED:
            continue
        manager = getattr(ticket, name)
        if {row.pk for row in value} != set(manager.values_list("pk", flat=True)):
            manager.set(list(value))
            changes.append(_label(name))
            changed = True
    if windows is not UNCHANGED and windows != [(w.start, w.end) for w in ticket.windows.all()]:
        _set_windows(ticket, windows)
        changes.append(_("time windows"))
        changed = True
    return changed

"""Preservation: footage a request may need is kept from the retention sweep at once.

A ticket with cameras (or sites) and time windows holds, through one legal hold per
window, every recording of those cameras that overlaps the window: the chosen cameras
plus every camera of the chosen sites. The holds name the ticket as their subject and
its reference as their case; their review date is the ticket's final due date. When the
scope changes the ticket's holds are replaced; when the ticket is closed, refused or
withdrawn, they are released by `release_preservation_holds` once the organisation's
grace period has passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.models import DeletedItem, LegalHold, Organisation, RetentionCategory
from compliance.retention.holds import legal_hold_place, legal_hold_release
from dsar.models import FINAL_STATUSES, DataSubjectRequest, TimelineKind, TimeWindow
from dsar.services.common import lock, record_step, show_moment
from media_processing.models import Camera, Recording
from media_processing.services.retention import with_held

Scope = set[tuple[datetime, datetime, frozenset[int]]]


def _subject(ticket: DataSubjectRequest) -> dict[str, Any]:
    return {"subject_type": ContentType.objects.get_for_model(DataSubjectRequest), "subject_id": str(ticket.pk)}


def ticket_holds(ticket: DataSubjectRequest, *, active: bool = True) -> QuerySet[LegalHold]:
    """The legal holds placed for this ticket (only the active ones unless `active=False`)."""
    holds = LegalHold.objects.filter(**_subject(ticket))
    return holds.filter(released_at__isnull=True) if active else holds


def scope_cameras(ticket: DataSubjectRequest) -> list[Camera]:
    """The chosen cameras and every camera of the chosen sites."""
    chosen = Camera.objects.filter(pk__in=ticket.cameras.values("pk")) | Camera.objects.filter(
        site__in=ticket.sites.values("pk")
    )
    return list(chosen.distinct().order_by("name"))


def _wanted(ticket: DataSubjectRequest) -> Scope:
    if ticket.status in FINAL_STATUSES:
        return set()
    cameras = frozenset(camera.pk for camera in scope_cameras(ticket))
    if not cameras:
        return set()
    return {(window.start, window.end, cameras) for window in ticket.windows.all()}


def _current(ticket: DataSubjectRequest) -> Scope:
    return {
        (hold.window_start, hold.window_end, frozenset(camera.pk for camera in hold.cameras.all()))
        for hold in ticket_holds(ticket).prefetch_related("cameras")
        if hold.window_start and hold.window_end
    }


def preservation_sync(ticket: DataSubjectRequest, *, actor: Any, ip: str | None = None) -> bool:
    """Make the ticket's holds match its cameras, sites and windows (inside the caller's
    transaction, the ticket locked). Returns whether holds were placed or released."""
    wanted, current = _wanted(ticket), _current(ticket)
    if wanted == current:
        ticket_holds(ticket).exclude(review_on=ticket.final_due).update(review_on=ticket.final_due)
        return False
    for hold in ticket_holds(ticket):
        legal_hold_release(
            hold=hold, actor=actor, reason=_("The scope of request %(ref)s changed.") % {"ref": ticket.reference}, ip=ip
        )
    ordered = sorted(wanted, key=lambda scope: scope[0])
    for start, end, cameras in ordered:
        _place(ticket, actor=actor, start=start, end=end, cameras=cameras, ip=ip)
    if ordered:
        names = ", ".join(camera.name for camera in scope_cameras(ticket))
        windows = "; ".join(
            _("%(start)s to %(end)s") % {"start": show_moment(start), "end": show_moment(end)}
            for start, end, _cameras in ordered
        )
        message = _("Footage preserved by legal hold on %(cameras)s for %(windows)s.") % {
            "cameras": names,
            "windows": windows,
        }
    else:
        message = _("Preservation holds released: the request no longer names cameras and time windows.")
    record_step(ticket, actor=actor, verb="preserve", kind=TimelineKind.PRESERVATION, message=message, ip=ip)
    return True


def _place(
    ticket: DataSubjectRequest, *, actor: Any, start: datetime, end: datetime, cameras: frozenset[int], ip: str | None
) -> LegalHold:
    hold = legal_hold_place(
        actor=actor,
        reason=_("Footage the data subject request %(ref)s may need.") % {"ref": ticket.reference},
        case_reference=ticket.reference,
        review_on=ticket.final_due,
        cameras=Camera.objects.filter(pk__in=cameras),
        window_start=start,
        window_end=end,
        ip=ip,
    )
    LegalHold.objects.filter(pk=hold.pk).update(**_subject(ticket))
    return hold


def release_own_holds(ticket: DataSubjectRequest, *, actor: Any, reason: str, ip: str | None = None) -> int:
    """Release every active hold placed for this ticket; each release is in the access log."""
    holds = list(ticket_holds(ticket))
    for hold in holds:
        legal_hold_release(hold=hold, actor=actor, reason=reason, ip=ip)
    return len(holds)


def release_preservation_holds(now: datetime | None = None) -> int:
    """Cron entry: release the holds of tickets closed, refused or withdrawn longer ago
    than the organisation's grace period. Attributed to the system. Returns how many
    tickets had holds released."""
    now = now or timezone.now()
    grace = timedelta(days=Organisation.current().dsar_hold_grace_days)
    content_type = ContentType.objects.get_for_model(DataSubjectRequest)
    held_ids = LegalHold.objects.filter(subject_type=content_type, released_at__isnull=True).values_list(
        "subject_id", flat=True
    )
    due = DataSubjectRequest.objects.filter(
        pk__in=[int(pk) for pk in held_ids if pk.isdigit()], status__in=FINAL_STATUSES, closed_at__lte=now - grace
    )
    released = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            ticket = lock(DataSubjectRequest(pk=pk))
            if ticket.closed_at is None or ticket.closed_at > now - grace or ticket.status not in FINAL_STATUSES:
                continue
            reason = _("Request %(ref)s ended on %(when)s; the %(days)s-day grace period has passed.") % {
                "ref": ticket.reference,
                "when": show_moment(ticket.closed_at),
                "days": grace.days,
            }
            if release_own_holds(ticket, actor=None, reason=reason):
                record_step(
                    ticket, actor=None, verb="preservation_release", kind=TimelineKind.PRESERVATION, message=reason
                )
                released += 1
    return released


@dataclass
class GonePart:
    """A part of a window whose footage was deleted before it could be preserved."""

    start: datetime
    end: datetime
    deleted_at: datetime
    label: str


@dataclass
class WindowCoverage:
    window: TimeWindow
    camera: Camera
    held: int = 0  # recordings overlapping the window that a hold keeps
    gone: list[GonePart] = field(default_factory=list)


def preservation_report(ticket: DataSubjectRequest) -> list[WindowCoverage]:
    """Per window and camera: how many recordings are held, and which parts were already
    deleted (from the deletion certificates), each with its deletion date."""
    report = []
    for window in ticket.windows.all():
        for camera in scope_cameras(ticket):
            recordings = Recording.objects.filter(camera=camera, start__lt=window.end, end__gt=window.start)
            deleted = DeletedItem.objects.filter(
                category=RetentionCategory.RAW_FOOTAGE,
                camera_name=camera.name,
                start__lt=window.end,
                end__gt=window.start,
            ).order_by("start", "pk")
            report.append(
                WindowCoverage(
                    window=window,
                    camera=camera,
                    held=len([row for row in with_held(recordings) if getattr(row, "held", False)]),
                    gone=[
                        GonePart(
                            start=max(item.start or window.start, window.start),
                            end=min(item.end or window.end, window.end),
                            deleted_at=item.deleted_at,
                            label=item.label,
                        )
                        for item in deleted
                    ],
                )
            )
    return report

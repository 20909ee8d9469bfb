"""The facts an Art. 15 answer must state (gdpr-rules.md §2), read from the registers:
the camera register (purpose, legal basis, sound), the retention schedule and holds,
the disclosure register, the access log of the requester's footage, and the footage
search. Plain values out; `dsar.answer.letter` puts them into words and a PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from compliance.models import AccessEvent, DeletedItem, LegalHold, RetentionAction, RetentionCategory, RetentionPolicy
from compliance.retention.policies import effective_policies
from dsar.answer.disclosures import Scope, recipients_for
from dsar.models import DataSubjectRequest, Disclosure, FootageSearch, ResponseItem
from dsar.services.preservation import scope_cameras, ticket_holds
from media_processing.models import Camera, RedactedCopy
from media_processing.services.retention import holds_for


def answer_cameras(ticket: DataSubjectRequest, items: Sequence[ResponseItem]) -> list[Camera]:
    """The cameras the answer's clips come from; without clips, those searched."""
    if not items:
        return scope_cameras(ticket)
    seen: dict[int, Camera] = {}
    for item in items:
        seen.setdefault(item.clip.camera_id, item.clip.camera)
    return sorted(seen.values(), key=lambda camera: camera.name)


def register_problems(cameras: Sequence[Camera]) -> list[str]:
    """Why the letter cannot be written yet: cameras without purpose or legal basis."""
    return [
        _("Camera %(camera)s has no purpose or no legal basis in the camera register.") % {"camera": camera.name}
        for camera in cameras
        if not camera.register_complete
    ]


def scopes(ticket: DataSubjectRequest, items: Sequence[ResponseItem]) -> list[Scope]:
    """The footage an answer is about: each clip, and every searched camera over each window."""
    found = [Scope(item.clip.camera_id, item.clip.requested_start, item.clip.requested_end) for item in items]
    cameras = scope_cameras(ticket)
    found += [Scope(camera.pk, window.start, window.end) for window in ticket.windows.all() for camera in cameras]
    return found


def recipients(ticket: DataSubjectRequest, items: Sequence[ResponseItem]) -> list[Disclosure]:
    return list(recipients_for(scopes(ticket, items)))


@dataclass(frozen=True)
class Category:
    name: str
    detail: str


def categories(items: Sequence[ResponseItem], cameras: Sequence[Camera]) -> list[Category]:
    """Video always; sound where recorded (and whether it is in the copy); number plates
    where the plate detector found one; time and place. Never biometric templates."""
    found: list[Category] = []
    if items:
        found.append(Category(_("Video images"), _("Pictures of you recorded by our cameras.")))
    kept = [item for item in items if item.keep_audio]
    recording = [camera.name for camera in cameras if camera.records_audio]
    if kept:
        found.append(Category(_("Sound"), _("The sound recorded with the pictures; it is included in your copy.")))
    elif recording:
        found.append(
            Category(
                _("Sound"),
                _("Recorded by %(cameras)s; it is left out of your copy.") % {"cameras": ", ".join(recording)},
            )
        )
    plates = any(
        track.get("label") == "plate" for item in items if item.track_set is not None for track in item.track_set.tracks
    )
    if plates:
        found.append(Category(_("Vehicle registration plates"), _("Number plates visible in the footage.")))
    found.append(Category(_("Time and place"), _("The camera, date and time of each recording.")))
    return found


@dataclass(frozen=True)
class Period:
    what: str
    rule: str


def _rule(policy: RetentionPolicy | None, deleted: str) -> str:
    """A policy in words; `deleted` says from when a deletion period counts."""
    if policy is None or policy.action == RetentionAction.KEEP:
        return _("kept until deleted by a person; not deleted automatically")
    period = _("%(period)s %(unit)s") % {"period": policy.period, "unit": policy.get_unit_display()}
    if policy.action == RetentionAction.ANONYMISE:
        return _("after %(period)s, faces and number plates are obscured and only that copy is kept") % {
            "period": period
        }
    return deleted % {"period": period}


def retention(cameras: Sequence[Camera]) -> list[Period]:
    """Each category's period from the schedule, with the overrides of the answer's cameras."""
    periods: list[Period] = []
    for category, what, deleted in (
        (RetentionCategory.RAW_FOOTAGE, _("Recordings of our cameras"), _("deleted %(period)s after recording")),
        (
            RetentionCategory.REDACTED_OUTPUTS,
            _("Copies with other people obscured"),
            _("deleted %(period)s after the copy was made"),
        ),
        (
            RetentionCategory.DSAR_PACKAGES,
            _("This answer (the files sent to you)"),
            _("deleted %(period)s after it was made, once the download link has expired"),
        ),
        (
            RetentionCategory.CLOSED_DSARS,
            _("The file of your request"),
            _("deleted %(period)s after your request is closed"),
        ),
    ):
        default, overrides = effective_policies(category)
        periods.append(Period(what, _rule(default, deleted)))
        for camera in cameras:
            if camera.pk in overrides:
                periods.append(
                    Period(
                        _("%(what)s, camera %(camera)s") % {"what": what, "camera": camera.name},
                        _rule(overrides[camera.pk], deleted),
                    )
                )
    return periods


def holds(ticket: DataSubjectRequest, items: Sequence[ResponseItem]) -> tuple[list[LegalHold], list[LegalHold]]:
    """The ticket's own preservation holds, and other active holds on the same footage."""
    own = list(ticket_holds(ticket))
    own_pks = {hold.pk for hold in own}
    others: dict[int, LegalHold] = {}
    for item in items:
        for hold in holds_for(item.clip):
            if hold.pk not in own_pks:
                others.setdefault(hold.pk, hold)
    return own, sorted(others.values(), key=lambda hold: hold.placed_at)


@dataclass(frozen=True)
class Consultation:
    at: datetime
    what: str
    purpose: str


def _activity(action: str) -> str:
    return {
        "footage.view": _("viewed"),
        "footage.download": _("downloaded a copy"),
        "footage.export": _("made an evidence clip"),
        "footage.redact": _("processed it with the redaction software"),
        "footage.detect": _("ran the software that finds faces and plates"),
    }.get(action, _("consulted"))


def consultations(items: Sequence[ResponseItem], copies: Sequence[RedactedCopy]) -> list[Consultation]:
    """Every time a person opened, copied or processed the recordings, clips or copies of
    this answer, from the access log: when, what and why; never who."""
    wanted = Q(pk__in=[])
    recordings = {recording.pk for item in items for recording in item.clip.recordings.all()}
    for target_type, ids in (
        ("media_processing.recording", recordings),
        ("media_processing.clip", {item.clip_id for item in items}),
        ("media_processing.redactedcopy", {copy.pk for copy in copies}),
    ):
        if ids:
            wanted |= Q(target_type=target_type, target_id__in=[str(pk) for pk in ids])
    events = AccessEvent.objects.filter(wanted, actor_id__isnull=False, action__startswith="footage.").order_by("seq")
    return [Consultation(event.timestamp, _activity(event.action), event.reason) for event in events]


@dataclass(frozen=True)
class Gap:
    camera: str
    start: datetime
    end: datetime
    why: str


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _schedule(gap: dict[str, Any]) -> str:
    """The rule that deleted a gap's footage, as its deletion certificate recorded it (or,
    without one, the camera's rule today)."""
    item = (
        DeletedItem.objects.filter(
            certificate_id=gap.get("certificate"),
            category=RetentionCategory.RAW_FOOTAGE,
            camera_name=gap.get("camera", ""),
        ).first()
        if gap.get("certificate")
        else None
    )
    if item is not None:
        policy = item.policy
    else:  # no certificate named: the camera's rule today
        default, overrides = effective_policies(RetentionCategory.RAW_FOOTAGE)
        current = overrides.get(gap.get("camera_id") or 0, default)
        policy = current.snapshot() if current is not None else {}
    if policy.get("period") and policy.get("unit") == "hours":
        return _("the %(period)s-hour schedule") % {"period": policy["period"]}
    if policy.get("period"):
        return _("the %(period)s-day schedule") % {"period": policy["period"]}
    return _("the retention schedule")


def _why(gap: dict[str, Any], received: date, shown: Any) -> str:
    if gap.get("reason") != "deleted":
        return _("nothing was recorded then (the camera did not record or was off)")
    deleted = date.fromisoformat(gap["deleted_on"][:10]) if gap.get("deleted_on") else None
    if deleted is None:
        return _("deleted under %(schedule)s") % {"schedule": _schedule(gap)}
    before = gap.get("before_request")  # the search compares the moments; else the dates
    if before is None:
        before = deleted <= received
    when = _("before your request arrived") if before else _("after your request arrived")
    return _("deleted on %(date)s under %(schedule)s, %(when)s") % {
        "date": shown(deleted),
        "schedule": _schedule(gap),
        "when": when,
    }


@dataclass
class Searched:
    when: datetime | None
    cameras: list[str]
    windows: list[tuple[datetime, datetime]]
    gaps: list[Gap]


def searched(ticket: DataSubjectRequest, *, received: date, shown: Any) -> Searched:
    """Where and when we looked (the latest search), and what was not found and why."""
    search = FootageSearch.objects.filter(request=ticket).order_by("-searched_at", "-pk").first()
    if search is None:
        windows = [(window.start, window.end) for window in ticket.windows.all()]
        return Searched(None, [camera.name for camera in scope_cameras(ticket)], windows, [])
    windows = [
        (start, end)
        for window in search.windows
        if (start := _moment(window.get("start"))) and (end := _moment(window.get("end")))
    ]
    gaps = [
        Gap(gap.get("camera", ""), start, end, _why(gap, received, shown))
        for gap in search.gaps
        if (start := _moment(gap.get("start"))) and (end := _moment(gap.get("end")))
    ]
    return Searched(search.searched_at, [camera.get("name", "") for camera in search.cameras], windows, gaps)

"""Adjusting the clips the search proposed, and finding the people in them.

A clip's file never changes: new bounds make a new clip (and item), and the old item
stays listed, left out with the reason, so the answer keeps its history. Dropping a
camera leaves its items listed with the reason too; adding it back brings them back.
Every change is a step on the ticket's timeline and in the access log.

Detection runs `redaction_detect_request` on each chosen clip. Its detection store is
linked to the item by `answer_link_track_sets`, which looks up the clip's newest store
covering the whole clip: that also picks up detections started from the clip's own page,
and a link lost to a crash is made again at the next look, so no wrapper job is needed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compliance.models import JobRun
from compliance.models.jobs import ACTIVE_STATUSES
from dsar.answer.search import (
    CLIP_REASON,
    SEARCHABLE,
    AnswerCamera,
    answer_cameras,
    answer_renumber,
    answer_search_request,
    latest_search,
    search_running,
    show_second,
)
from dsar.models import DataSubjectRequest, ResponseItem, Status, TimelineKind
from dsar.services.common import DsarError, lock, record_step, require_reasons, require_status
from media_processing.models import Camera, ClipStatus, RecordingKind, TrackSet
from media_processing.selectors import footage_search
from media_processing.services.access import raw_access_grant
from media_processing.services.clips import ClipError, clip_request
from media_processing.services.redaction import DETECT_KIND, RedactionError, redaction_detect_request, redaction_jobs

ADJUSTABLE = (Status.SEARCHING, Status.IN_REVIEW)
FRAMES_REASON = "choosing the bounds of the clips of the answer"


def _item(item: ResponseItem) -> tuple[DataSubjectRequest, ResponseItem]:
    """The item's ticket, locked and allowing changes, and the item read again under the lock."""
    ticket = lock(item.request)
    require_status(ticket, ADJUSTABLE, doing=_("changed"))
    return ticket, ResponseItem.objects.select_related("clip__camera").get(pk=item.pk)


def _clip_text(item: ResponseItem) -> str:
    return _("clip %(position)s (%(camera)s, %(start)s to %(end)s)") % {
        "position": item.position,
        "camera": item.clip.camera.name,
        "start": show_second(item.clip.requested_start),
        "end": show_second(item.clip.requested_end),
    }


def _dropped(ticket: DataSubjectRequest, camera: Camera) -> bool:
    return any(choice.dropped for choice in answer_cameras(ticket) if choice.camera.pk == camera.pk)


# Bounds, inclusion ---------------------------------------------------------------------


def answer_item_bounds(
    *, actor: Any, item: ResponseItem, start: datetime, end: datetime, ip: str | None = None
) -> ResponseItem:
    """Replace an included clip by one over [start, end), clamped to the stored video.
    The old item stays listed, left out with the reason "bounds changed"."""
    if end <= start:
        raise DsarError(_("The end of the clip must come after its start."))
    with transaction.atomic():
        ticket, item = _item(item)
        if not item.included:
            raise DsarError(_("This clip is left out of the answer. Include it first, then change its bounds."))
        camera = item.clip.camera
        hits = [
            hit
            for hit in footage_search(cameras=[camera], start=start, end=end)
            if hit.recording.kind == RecordingKind.VIDEO and hit.overlap_end > hit.overlap_start
        ]
        if not hits:
            raise DsarError(
                _("%(camera)s has no stored video from %(start)s to %(end)s. Choose bounds around its footage.")
                % {"camera": camera.name, "start": show_second(start), "end": show_second(end)}
            )
        start = max(start, min(hit.overlap_start for hit in hits))
        end = min(end, max(hit.overlap_end for hit in hits))
        if (start, end) == (item.clip.requested_start, item.clip.requested_end):
            raise DsarError(_("The clip already has these bounds (after fitting them to the stored video)."))
        try:
            clip, _job = clip_request(
                camera=camera, start=start, end=end, reason=CLIP_REASON.format(reference=ticket.reference),
                reference=ticket.reference, user=actor, ip=ip,
            )  # fmt: skip
        except ClipError as exc:
            raise DsarError(str(exc)) from exc
        new = ResponseItem.objects.create(request=ticket, clip=clip, window=item.window, keep_audio=item.keep_audio)
        answer_renumber(ticket)
        new.refresh_from_db()
        before = _clip_text(item)
        item.included = False
        item.drop_reason = _("Bounds changed: replaced by clip %(position)s, %(start)s to %(end)s.") % {
            "position": new.position,
            "start": show_second(start),
            "end": show_second(end),
        }
        item.save(update_fields=["included", "drop_reason"])
        message = _("Footage answer: bounds of %(before)s changed; replaced by %(after)s.") % {
            "before": before,
            "after": _clip_text(new),
        }
        record_step(ticket, actor=actor, verb="answer_bounds", kind=TimelineKind.ANSWER, message=message, ip=ip)
    return new


def answer_item_include(
    *, actor: Any, item: ResponseItem, included: bool, reason: str, ip: str | None = None
) -> ResponseItem:
    """Put a clip into the answer or leave it out, with the reason (kept on the item when
    left out, and on the timeline either way)."""
    reason = require_reasons(reason, what=_("including or leaving out this clip"))
    with transaction.atomic():
        ticket, item = _item(item)
        if item.included == included:
            raise DsarError(_("This clip is already included.") if included else _("This clip is already left out."))
        if included and item.clip.status == ClipStatus.FAILED:
            raise DsarError(_("This clip could not be cut. Change its bounds or run the search again."))
        if included and _dropped(ticket, item.clip.camera):
            raise DsarError(_("Its camera is left out of the answer. Add the camera back first."))
        item.included = included
        item.drop_reason = "" if included else reason
        item.save(update_fields=["included", "drop_reason"])
        template = (
            _("Footage answer: %(clip)s included. Reason: %(reason)s")
            if included
            else _("Footage answer: %(clip)s left out. Reason: %(reason)s")
        )
        message = template % {"clip": _clip_text(item), "reason": reason}
        record_step(ticket, actor=actor, verb="answer_include", kind=TimelineKind.ANSWER, message=message, ip=ip)
    return item


# Cameras -------------------------------------------------------------------------------


def answer_camera_drop(
    *, actor: Any, request: DataSubjectRequest, camera: Camera, reason: str, ip: str | None = None
) -> int:
    """Leave a camera out of the answer: its included clips are left out with the reason
    and it is not searched again. Returns how many clips were left out."""
    reason = require_reasons(reason, what=_("leaving this camera out"))
    with transaction.atomic():
        ticket = lock(request)
        require_status(ticket, ADJUSTABLE, doing=_("changed"))
        search = latest_search(ticket)
        if search is None or search_running(ticket):
            raise DsarError(_("Wait until the footage search has run, then leave the camera out."))
        choices = answer_cameras(ticket, search)
        choice = next((choice for choice in choices if choice.camera.pk == camera.pk), None)
        if choice is None or choice.dropped:
            raise DsarError(_("%(camera)s is not part of the answer.") % {"camera": camera.name})
        items = ResponseItem.objects.filter(request=ticket, clip__camera=camera, included=True)
        choice.dropped_items = list(items.values_list("pk", flat=True))
        items.update(included=False, drop_reason=_("Camera left out of the answer: %(reason)s") % {"reason": reason})
        choice.dropped, choice.drop_reason = True, reason
        search.cameras = [entry.entry() for entry in choices]
        search.save(update_fields=["cameras"])
        message = ngettext(
            "Footage answer: %(camera)s left out (%(count)s clip). Reason: %(reason)s",
            "Footage answer: %(camera)s left out (%(count)s clips). Reason: %(reason)s",
            len(choice.dropped_items),
        ) % {"camera": camera.name, "count": len(choice.dropped_items), "reason": reason}
        record_step(ticket, actor=actor, verb="answer_camera_drop", kind=TimelineKind.ANSWER, message=message, ip=ip)
    return len(choice.dropped_items)


def answer_camera_add(*, actor: Any, request: DataSubjectRequest, camera: Camera, ip: str | None = None) -> JobRun:
    """Add a camera to the answer (or bring a dropped one back, with the clips its drop
    left out) and search its footage."""
    with transaction.atomic():
        ticket = lock(request)
        require_status(ticket, SEARCHABLE, doing=_("searched"))
        choices = answer_cameras(ticket)
        choice = next((choice for choice in choices if choice.camera.pk == camera.pk), None)
        if choice is not None and not choice.dropped:
            raise DsarError(_("%(camera)s is already part of the answer.") % {"camera": camera.name})
        if choice is None:
            choice = AnswerCamera(camera=camera, added=True)
            choices.append(choice)
        restored = ResponseItem.objects.filter(request=ticket, pk__in=choice.dropped_items, included=False)
        count = restored.update(included=True, drop_reason="")
        choice.dropped, choice.drop_reason, choice.dropped_items = False, "", []
        message = ngettext(
            "Footage answer: %(camera)s added (%(count)s clip brought back).",
            "Footage answer: %(camera)s added (%(count)s clips brought back).",
            count,
        ) % {"camera": camera.name, "count": count}
        record_step(ticket, actor=actor, verb="answer_camera_add", kind=TimelineKind.ANSWER, message=message, ip=ip)
        return answer_search_request(actor=actor, request=ticket, ip=ip, cameras=choices)


# Finding people ------------------------------------------------------------------------


def answer_link_track_sets(request: DataSubjectRequest) -> int:
    """Link each item without a detection store to its clip's newest store of the whole
    clip, made from the clip as it is. Idempotent; returns how many were linked."""
    linked = 0
    for item in ResponseItem.objects.filter(request=request, track_set__isnull=True, clip__status=ClipStatus.READY):
        store = (
            TrackSet.objects.filter(clip_id=item.clip_id, start_s__isnull=True, end_s__isnull=True)
            .filter(source_sha256=item.clip.sha256)
            .order_by("-created_at", "-pk")
            .first()
        )
        if store is not None:
            linked += ResponseItem.objects.filter(pk=item.pk, track_set__isnull=True).update(track_set=store)
    return linked


def answer_detect_request(*, actor: Any, request: DataSubjectRequest, ip: str | None = None) -> list[JobRun]:
    """Find the people in every included clip that is cut and not yet analysed (one
    detection job per clip, each logged in the actor's name)."""
    with transaction.atomic():
        ticket = lock(request)
        require_status(ticket, ADJUSTABLE, doing=_("changed"))
        answer_link_track_sets(ticket)
        waiting = ResponseItem.objects.filter(
            request=ticket, included=True, track_set__isnull=True, clip__status=ClipStatus.READY
        ).select_related("clip__camera")
        jobs = []
        for item in waiting:
            if redaction_jobs(item.clip).filter(kind=DETECT_KIND, status__in=ACTIVE_STATUSES).exists():
                continue
            try:
                jobs.append(redaction_detect_request(footage=item.clip, user=actor, ip=ip))
            except RedactionError:
                continue  # another redaction job runs on it; the next look links what it finds
        if not jobs:
            raise DsarError(
                _("No clip is waiting for people to be found: each included clip is still being cut, already "
                  "analysed or being analysed.")
            )  # fmt: skip
        message = ngettext(
            "Footage answer: finding people in %(count)s clip.",
            "Footage answer: finding people in %(count)s clips.",
            len(jobs),
        ) % {"count": len(jobs)}
        record_step(ticket, actor=actor, verb="answer_detect", kind=TimelineKind.ANSWER, message=message, ip=ip)
    return jobs


# Frames on the page --------------------------------------------------------------------


def answer_frames_grant(
    *, actor: Any, request: DataSubjectRequest, session: Any, reason: str, ip: str | None = None
) -> int:
    """Let this session see frames of the answer's cut clips, logging one access per clip
    with the request's reference. Returns how many clips it covers."""
    reason = require_reasons(reason, what=_("looking at the frames"))
    items = ResponseItem.objects.filter(request=request, clip__status=ClipStatus.READY).select_related("clip")
    if not items:
        raise DsarError(_("No clip has been cut yet: there are no frames to show."))
    for item in items:
        raw_access_grant(
            session=session, user=actor, footage=item.clip, action="footage.view", reason=reason,
            reference=request.reference, ip=ip,
        )  # fmt: skip
    return len(items)

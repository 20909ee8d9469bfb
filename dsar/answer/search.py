"""The footage search of an access request: for every camera of the answer and every
time window, the stored video is found, one clip is proposed per contiguous stretch of
it (cut in the worker), and every stretch without footage is recorded with its reason:
never recorded, or deleted by the retention schedule (with the date and certificate,
since the letter must say whether that happened before the request arrived).

The answer's cameras are the request's scope (its cameras and its sites' cameras) plus
any added for the answer, less any dropped; the choices live on the newest
`FootageSearch` row and are carried into the next one. Running the search again keeps
every item already proposed and adds only footage no item covers yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from compliance.jobs import ProgressCallback, start_job
from compliance.models import DeletedItem, JobRun, RetentionAction, RetentionCategory
from compliance.models.jobs import ACTIVE_STATUSES, JOB_KIND_LABELS
from dsar.models import (
    DataSubjectRequest,
    FootageSearch,
    RequestKind,
    ResponseItem,
    Status,
    TimelineKind,
    TimeWindow,
)
from dsar.services.common import DsarError, local_date, lock, record_step, require_status, show_moment, zone
from dsar.services.preservation import scope_cameras
from dsar.services.workflow import dsar_start_search
from media_processing.models import Camera, ClipStatus, RecordingKind
from media_processing.selectors import FootageHit, Span, footage_search
from media_processing.services.clips import ClipError, clip_request

SEARCH_KIND = "dsar.answer_search"
JOB_KIND_LABELS[SEARCH_KIND] = gettext_lazy("Footage search for an access request")
SEARCHABLE = (Status.VERIFIED, Status.SEARCHING)
# Recordings closer than this are one stretch, and a hole shorter than this is not a gap:
# cameras start each file a few frames after the last one ended.
JOIN_GAP = timedelta(seconds=1)
# The access log's reason for the clips; the reference is added by `clip_request`.
CLIP_REASON = "DSAR {reference}: answer to the requester's access request"
NOT_RECORDED = "not_recorded"
DELETED = "deleted"


@dataclass
class AnswerCamera:
    """A camera of the answer: `added` when outside the request's scope, `dropped` (with
    the reason and the items it left out) when staff took it out of the answer."""

    camera: Camera
    added: bool = False
    dropped: bool = False
    drop_reason: str = ""
    dropped_items: list[int] = field(default_factory=list)

    def entry(self) -> dict[str, Any]:
        """As `FootageSearch.cameras` and the search job's arguments record it."""
        return {
            "id": self.camera.pk,
            "name": self.camera.name,
            "added": self.added,
            "dropped": self.dropped,
            "drop_reason": self.drop_reason,
            "dropped_items": list(self.dropped_items),
        }


# Reads ---------------------------------------------------------------------------------


def latest_search(ticket: DataSubjectRequest) -> FootageSearch | None:
    return FootageSearch.objects.filter(request=ticket).select_related("searched_by").first()


def search_jobs(ticket: DataSubjectRequest) -> QuerySet[JobRun]:
    """The search jobs of this request, newest first."""
    return JobRun.objects.filter(
        subject_type=ContentType.objects.get_for_model(DataSubjectRequest), subject_id=str(ticket.pk), kind=SEARCH_KIND
    ).select_related("started_by")


def search_running(ticket: DataSubjectRequest) -> bool:
    return search_jobs(ticket).filter(status__in=ACTIVE_STATUSES).exists()


def answer_cameras(ticket: DataSubjectRequest, search: FootageSearch | None = None) -> list[AnswerCamera]:
    """The request's scope plus the cameras added for the answer, ordered by name, each
    with the choice recorded on the newest search."""
    search = search or latest_search(ticket)
    recorded = {entry["id"]: entry for entry in (search.cameras if search else [])}
    scope = scope_cameras(ticket)
    in_scope = {camera.pk for camera in scope}
    extra_ids = [pk for pk, entry in recorded.items() if entry.get("added") and pk not in in_scope]
    cameras = scope + list(Camera.objects.filter(pk__in=extra_ids))
    choices = []
    for camera in sorted(cameras, key=lambda camera: (camera.name, camera.pk)):
        entry = recorded.get(camera.pk, {})
        choices.append(
            AnswerCamera(
                camera=camera,
                added=camera.pk not in in_scope,
                dropped=bool(entry.get("dropped")),
                drop_reason=entry.get("drop_reason", ""),
                dropped_items=list(entry.get("dropped_items", [])),
            )
        )
    return choices


def _by_name(choice: AnswerCamera) -> tuple[str, int]:
    return choice.camera.name, choice.camera.pk


# Starting the search -------------------------------------------------------------------


def answer_search_request(
    *, actor: Any, request: DataSubjectRequest, ip: str | None = None, cameras: Sequence[AnswerCamera] | None = None
) -> JobRun:
    """Queue the footage search of the request; a verified request moves to "searching"
    first. `cameras` replaces the answer's camera choices (adding or re-adding one); by
    default those of the newest search are kept."""
    with transaction.atomic():
        ticket = lock(request)
        require_status(ticket, SEARCHABLE, doing=_("searched"))
        if ticket.kind != RequestKind.ACCESS:
            raise DsarError(_("Only an access request is answered with footage; this one is not."))
        if search_running(ticket):
            raise DsarError(_("A footage search for %(ref)s is already running.") % {"ref": ticket.reference})
        choices = sorted(cameras, key=_by_name) if cameras is not None else answer_cameras(ticket)
        searched = [choice for choice in choices if not choice.dropped]
        if not ticket.windows.exists():
            raise DsarError(_("Give the request at least one time window (Change the request), then search."))
        if not searched:
            raise DsarError(_("Name the cameras or sites of the request (Change the request), then search."))
        if ticket.status == Status.VERIFIED:
            ticket = dsar_start_search(actor=actor, request=ticket, ip=ip)
        job = start_job(
            kind=SEARCH_KIND,
            task="dsar.answer.tasks.search",
            arguments={"request_id": ticket.pk, "cameras": [choice.entry() for choice in choices]},
            subject=ticket,
            started_by=actor,
        )
        names = ", ".join(choice.camera.name for choice in searched)
        message = _("Footage search started on %(cameras)s.") % {"cameras": names}
        record_step(ticket, actor=actor, verb="answer_search", kind=TimelineKind.ANSWER, message=message, ip=ip)
    return job


# The search itself (run by the job) -----------------------------------------------------


@dataclass
class Tally:
    new: int = 0
    kept: int = 0
    overlapping: int = 0
    vanished: int = 0  # deleted between the search and the clip's request
    gaps: list[dict[str, Any]] = field(default_factory=list)


def answer_search_run(
    *, actor: Any, request: DataSubjectRequest, cameras: list[dict[str, Any]], job: JobRun | None,
    progress: ProgressCallback,
) -> FootageSearch:  # fmt: skip
    """Search every window of every camera not dropped, propose the clips, and record
    the run. Each clip is created in its own transaction, so a cancelled search keeps
    what it proposed, and a search run again does not repeat it."""
    windows = list(request.windows.all())
    searched = [entry for entry in cameras if not entry.get("dropped")]
    rows = Camera.objects.in_bulk([entry["id"] for entry in searched])
    now = timezone.now()
    tally = Tally()
    steps = [(entry, window) for entry in searched for window in windows]
    for number, (entry, window) in enumerate(steps):
        camera = rows.get(entry["id"])
        progress(100 * number / len(steps), _("Searching %(camera)s, %(window)s") % {
            "camera": entry["name"], "window": _window_text(window)})  # fmt: skip
        if camera is None or window.start >= now:
            continue
        _search_one(request, camera, window, min(window.end, now), actor, tally)
    with transaction.atomic():
        ticket = lock(request)
        answer_renumber(ticket)
        search = FootageSearch.objects.create(
            request=ticket,
            searched_by=actor if getattr(actor, "is_authenticated", False) else None,
            job=job,
            cameras=cameras,
            windows=[{"id": w.pk, "start": w.start.isoformat(), "end": w.end.isoformat()} for w in windows],
            gaps=tally.gaps,
        )
        record_step(ticket, actor=actor, verb="answer_search_done", kind=TimelineKind.ANSWER,
                    message=_summary(tally))  # fmt: skip
    return search


def _summary(tally: Tally) -> str:
    parts = [
        ngettext("Footage search done: %(count)s clip proposed", "Footage search done: %(count)s clips proposed",
                 tally.new) % {"count": tally.new},
        ngettext("%(count)s kept from an earlier search", "%(count)s kept from earlier searches",
                 tally.kept) % {"count": tally.kept},
        ngettext("%(count)s stretch without footage", "%(count)s stretches without footage",
                 len(tally.gaps)) % {"count": len(tally.gaps)},
    ]  # fmt: skip
    if tally.overlapping:
        parts.append(
            ngettext(
                "%(count)s stretch of footage overlaps a clip already chosen and was left as it is",
                "%(count)s stretches of footage overlap clips already chosen and were left as they are",
                tally.overlapping,
            )
            % {"count": tally.overlapping}
        )
    return "; ".join(parts) + "."


def _search_one(
    ticket: DataSubjectRequest, camera: Camera, window: TimeWindow, until: datetime, actor: Any, tally: Tally
) -> None:
    hits = [hit for hit in footage_search(cameras=[camera], start=window.start, end=until) if _is_video(hit)]
    runs = footage_runs(hits)
    for run in runs:
        outcome = _propose(ticket, camera, window, run, actor)
        setattr(tally, outcome, getattr(tally, outcome) + 1)
    tally.gaps += explain_gaps(camera, window, missing(runs, window.start, until), received_at=ticket.received_at)


def _is_video(hit: FootageHit) -> bool:
    return hit.recording.kind == RecordingKind.VIDEO and hit.overlap_end > hit.overlap_start


def footage_runs(hits: Sequence[FootageHit]) -> list[Span]:
    """Contiguous stretches of video, split where the video settings change (such
    recordings cannot be joined into one clip)."""
    runs: list[Span] = []
    signature = ""
    for hit in sorted(hits, key=lambda hit: (hit.overlap_start, hit.overlap_end)):
        own = hit.recording.stream_signature
        joins = runs and hit.overlap_start <= runs[-1].end + JOIN_GAP and (not own or not signature or own == signature)
        if joins:
            runs[-1] = Span(runs[-1].start, max(runs[-1].end, hit.overlap_end))
            signature = signature or own
        else:
            runs.append(Span(hit.overlap_start, hit.overlap_end))
            signature = own
    return runs


def missing(runs: Sequence[Span], start: datetime, end: datetime) -> list[Span]:
    """The stretches of [start, end) no run covers, those shorter than JOIN_GAP left out."""
    gaps, cursor = [], start
    for run in runs:
        if run.start - cursor >= JOIN_GAP:
            gaps.append(Span(cursor, run.start))
        cursor = max(cursor, run.end)
    if end - cursor >= JOIN_GAP:
        gaps.append(Span(cursor, end))
    return gaps


def _propose(ticket: DataSubjectRequest, camera: Camera, window: TimeWindow, run: Span, actor: Any) -> str:
    """Create the clip and item for one run unless an item already covers it: "new",
    "kept" (the same clip) or "overlapping" (another clip of it, chosen or adjusted)."""
    with transaction.atomic():
        ticket = lock(ticket)
        items = ResponseItem.objects.filter(
            request=ticket, clip__camera=camera, clip__requested_start__lt=run.end, clip__requested_end__gt=run.start
        ).select_related("clip")
        live = [item for item in items if item.clip.status != ClipStatus.FAILED]
        if any(item.clip.requested_start == run.start and item.clip.requested_end == run.end for item in live):
            return "kept"
        if live:
            return "overlapping"
        for failed in items.filter(included=True):  # a cut that failed: propose it again
            failed.included = False
            failed.drop_reason = _("The clip could not be cut (%(error)s); a new one was proposed.") % {
                "error": failed.clip.error or _("no reason given")
            }
            failed.save(update_fields=["included", "drop_reason"])
        try:
            clip, _job = clip_request(
                camera=camera, start=run.start, end=run.end, reason=CLIP_REASON.format(reference=ticket.reference),
                reference=ticket.reference, user=actor, ip=None,
            )  # fmt: skip
        except ClipError:
            return "vanished"
        ResponseItem.objects.create(request=ticket, clip=clip, window=window)
    return "new"


def answer_renumber(ticket: DataSubjectRequest) -> None:
    """Number the items by camera name, then start (inside the caller's transaction)."""
    items = ResponseItem.objects.filter(request=ticket).select_related("clip__camera")
    ordered = sorted(items, key=lambda item: (item.clip.camera.name, item.clip.requested_start, item.pk))
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            ResponseItem.objects.filter(pk=item.pk).update(position=position)


# Gaps and their reasons ----------------------------------------------------------------


def explain_gaps(
    camera: Camera, window: TimeWindow, gaps: Sequence[Span], *, received_at: datetime
) -> list[dict[str, Any]]:
    """Each gap split into what the retention schedule deleted (from the deletion
    certificates) and what was never recorded."""
    explained: list[dict[str, Any]] = []
    for gap in gaps:
        rows = DeletedItem.objects.filter(
            category=RetentionCategory.RAW_FOOTAGE, action=RetentionAction.DELETE, camera_name=camera.name,
            start__lt=gap.end, end__gt=gap.start,
        ).select_related("certificate").order_by("start", "pk")  # fmt: skip
        pieces: list[dict[str, Any]] = []
        cursor = gap.start
        for row in rows:
            assert row.start is not None and row.end is not None
            start, end = max(row.start, cursor), min(row.end, gap.end)
            if end <= start:
                continue
            if start - cursor >= JOIN_GAP:
                pieces.append(_gap(camera, window, cursor, start))
            pieces.append(_gap(camera, window, start, end, deleted=row, received_at=received_at))
            cursor = end
        if gap.end - cursor >= JOIN_GAP:
            pieces.append(_gap(camera, window, cursor, gap.end))
        explained += _merged(pieces)
    return explained


def _gap(
    camera: Camera, window: TimeWindow, start: datetime, end: datetime, *, deleted: DeletedItem | None = None,
    received_at: datetime | None = None,
) -> dict[str, Any]:  # fmt: skip
    gap: dict[str, Any] = {
        "camera": camera.name, "camera_id": camera.pk, "window_id": window.pk, "start": start.isoformat(),
        "end": end.isoformat(), "reason": NOT_RECORDED, "deleted_on": None, "deleted_at": None, "certificate": None,
        "before_request": None,
    }  # fmt: skip
    if deleted is not None:
        gap.update(
            reason=DELETED,
            deleted_on=local_date(deleted.deleted_at).isoformat(),
            deleted_at=deleted.deleted_at.isoformat(),
            certificate=deleted.certificate_id,
            before_request=received_at is not None and deleted.deleted_at < received_at,
        )
    return gap


def _merged(pieces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry for the recordings one sweep deleted one after the other."""
    merged: list[dict[str, Any]] = []
    for piece in pieces:
        last = merged[-1] if merged else None
        if (
            last is not None
            and piece["reason"] == last["reason"] == DELETED
            and (piece["certificate"], piece["deleted_on"]) == (last["certificate"], last["deleted_on"])
            and datetime.fromisoformat(piece["start"]) - datetime.fromisoformat(last["end"]) < JOIN_GAP
        ):
            last["end"] = piece["end"]
        else:
            merged.append(piece)
    return merged


def show_second(moment: datetime) -> str:
    """A moment in the organisation's zone to the second, as clip bounds need."""
    local = moment.astimezone(zone())
    return f"{formats.date_format(local, 'SHORT_DATE_FORMAT')} {formats.time_format(local, 'H:i:s')}"


def _window_text(window: TimeWindow) -> str:
    return _("%(start)s to %(end)s") % {"start": show_moment(window.start), "end": show_moment(window.end)}

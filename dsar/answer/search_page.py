"""What the answer's search page shows, gathered in one place so the view stays thin:
per camera of the answer, per time window, the picture, the gaps in words and the
clips with their forms, frames and jobs; the search job and the detection summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.models import JobRun
from dsar.answer.clips import ADJUSTABLE, answer_link_track_sets
from dsar.answer.search import SEARCHABLE, AnswerCamera, answer_cameras, latest_search, search_jobs
from dsar.answer.search_forms import BoundsForm, CameraAddForm, CameraDropForm, FramesForm, IncludeForm
from dsar.answer.search_timeline import WindowPicture, gap_text, window_picture
from dsar.models import DataSubjectRequest, FootageSearch, ResponseItem
from dsar.services.common import zone
from media_processing.models import Clip, ClipStatus
from media_processing.services.access import raw_access_granted
from media_processing.services.clips import CLIP_KIND
from media_processing.services.redaction import DETECT_KIND

FRAMES = 5  # frames shown along each clip: one row on a laptop screen


def frame_time(clip: Clip, index: int) -> float:
    """Seconds into the clip of its `index`-th frame on the page: evenly spread."""
    return max(0.0, (clip.duration_seconds or 0.0) * (index + 0.5) / FRAMES)


@dataclass
class ItemView:
    item: ResponseItem
    bounds_form: BoundsForm
    include_form: IncludeForm
    cut_job: JobRun | None
    detect_job: JobRun | None
    frames: list[tuple[str, datetime]] = field(default_factory=list)
    frames_hidden: bool = False  # cut, but this session has no grant to see its frames


@dataclass
class WindowView:
    start: datetime
    end: datetime
    picture: WindowPicture
    gaps: list[str]
    items: list[ItemView]
    searched: bool


@dataclass
class CameraView:
    choice: AnswerCamera
    windows: list[WindowView]
    other_items: list[ItemView]  # clips of windows the request no longer has
    drop_form: CameraDropForm


def page_context(request: HttpRequest, ticket: DataSubjectRequest) -> dict[str, Any]:
    answer_link_track_sets(ticket)
    search = latest_search(ticket)
    job = search_jobs(ticket).first()
    items = list(ResponseItem.objects.filter(request=ticket).select_related("clip__camera", "track_set"))
    jobs = _latest_jobs([item.clip for item in items])
    views = [_item_view(request, item, jobs) for item in items]
    choices = answer_cameras(ticket, search)
    cameras = [_camera_view(ticket, choice, search, views) for choice in choices]
    included = [item for item in items if item.included]
    in_answer = [choice.camera.pk for choice in choices if not choice.dropped]
    return {
        "ticket": ticket,
        "search": search,
        "job": job,
        "job_followable": _followable(request, job),
        "can_search": ticket.status in SEARCHABLE,
        "can_adjust": ticket.status in ADJUSTABLE,
        "cameras": cameras,
        "add_form": CameraAddForm(exclude=in_answer),
        "frames_form": FramesForm(initial={"reason": _("Choosing the bounds of the clips of the answer")}),
        "frames_missing": any(view.frames_hidden for view in views),
        "counts": {
            "included": len(included),
            "cutting": sum(item.clip.status == ClipStatus.PENDING for item in included),
            "analysed": sum(item.track_set_id is not None for item in included),
            "waiting": sum(item.track_set_id is None and item.clip.status == ClipStatus.READY for item in included),
        },
        "review_url": _review_url(ticket),
    }


def _review_url(ticket: DataSubjectRequest) -> str:
    # The review page is another part of the answer; until it exists the link is left out.
    try:
        return reverse("dsar:answer_review", args=[ticket.pk])
    except NoReverseMatch:
        return ""


def _followable(request: HttpRequest, job: JobRun | None) -> bool:
    """Whether the job progress partial may poll this job for this user (see access_job)."""
    user: Any = request.user
    return job is not None and (job.started_by_id == user.pk or user.has_perm("compliance.view_jobrun"))


def _latest_jobs(clips: list[Clip]) -> dict[tuple[int, str], JobRun]:
    """The newest cutting and detection job of each clip, in one query."""
    rows = JobRun.objects.filter(
        subject_type=ContentType.objects.get_for_model(Clip),
        subject_id__in=[str(clip.pk) for clip in clips],
        kind__in=(CLIP_KIND, DETECT_KIND),
    ).select_related("started_by")
    latest: dict[tuple[int, str], JobRun] = {}
    for job in rows:  # newest first
        latest.setdefault((int(job.subject_id), job.kind), job)
    return latest


def _item_view(request: HttpRequest, item: ResponseItem, jobs: dict[tuple[int, str], JobRun]) -> ItemView:
    clip = item.clip
    view = ItemView(
        item=item,
        bounds_form=BoundsForm(
            prefix=f"bounds-{item.pk}", initial={"start": clip.requested_start, "end": clip.requested_end}
        ),
        include_form=IncludeForm(prefix=f"include-{item.pk}", initial={"include": "0" if item.included else "1"}),
        cut_job=jobs.get((clip.pk, CLIP_KIND)),
        detect_job=jobs.get((clip.pk, DETECT_KIND)),
    )
    if clip.status == ClipStatus.READY:
        if raw_access_granted(session=request.session, footage=clip, action="footage.view"):
            view.frames = [
                (
                    reverse("dsar:answer_search_item_frame", args=[item.pk, index]),
                    clip.requested_start + timedelta(seconds=frame_time(clip, index)),
                )
                for index in range(FRAMES)
            ]
        else:
            view.frames_hidden = True
    return view


def _camera_view(
    ticket: DataSubjectRequest, choice: AnswerCamera, search: FootageSearch | None, views: list[ItemView]
) -> CameraView:
    camera = choice.camera
    own = [view for view in views if view.item.clip.camera_id == camera.pk]
    windows = list(ticket.windows.all())
    searched = {entry.get("id") for entry in (search.windows if search else [])}
    gaps = [gap for gap in (search.gaps if search else []) if gap["camera_id"] == camera.pk]
    now = timezone.now()
    sections = []
    for window in windows:
        mine = [view for view in own if view.item.window_id == window.pk]
        window_gaps = [gap for gap in gaps if gap.get("window_id") == window.pk]
        picture = window_picture(
            camera=camera, start=window.start, end=window.end, items=[view.item for view in mine],
            gaps=window_gaps, zone=zone(), now=now,
        )  # fmt: skip
        sections.append(
            WindowView(window.start, window.end, picture, [gap_text(gap) for gap in window_gaps], mine,
                       window.pk in searched)
        )  # fmt: skip
    current = {window.pk for window in windows}
    others = [view for view in own if view.item.window_id not in current]
    drop_form = CameraDropForm(auto_id=f"drop-{camera.pk}-%s", initial={"camera": camera.pk})
    return CameraView(choice=choice, windows=sections, other_items=others, drop_form=drop_form)

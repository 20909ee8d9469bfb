"""The review page of a footage answer: each clip in a player with its tracks drawn over
it, the requester's tracks, boxes drawn by hand, the decision on every other person,
previews and the missed-face check, then submission and the four-eyes approval.

Every view starts with `access_ticket(..., handle=True)` and finds the clip among the
ticket's own, so a clip of another request answers 404. Raw footage (the clip, the track
pictures) is shown under the footage app's logged grant: the first view of a clip in a
session writes `footage.view` with the ticket's reference to the access log.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from compliance.access import client_ip
from dsar.access import access_ticket
from dsar.answer import preview
from dsar.answer.approval import answer_approve, answer_review, answer_submit, approval_refusal, included_items
from dsar.answer.clips import answer_link_track_sets
from dsar.answer.review import (
    EDITABLE,
    item_problems,
    item_track_set,
    requester_choice,
    review_mark_requester,
    review_save_boxes,
    review_save_decisions,
    third_parties,
    third_party_key,
    track_boxes,
    track_name,
)
from dsar.models import DataSubjectRequest, ResponseItem, ThirdPartyChoice
from dsar.services.common import DsarError
from media_processing.engine.errors import MediaError
from media_processing.models import ClipStatus, RedactedCopy
from media_processing.services.access import raw_access_grant, raw_access_granted
from media_processing.views.streaming import ranged_file_response

VIEW_REASON = "DSAR answer review"


def _ticket(request: HttpRequest, pk: int) -> DataSubjectRequest:
    return access_ticket(request.user, pk, handle=True)


def _item(ticket: DataSubjectRequest, item_pk: int) -> ResponseItem:
    try:
        return ResponseItem.objects.select_related("clip__camera", "track_set", "request").get(
            pk=item_pk, request=ticket
        )
    except ResponseItem.DoesNotExist:
        raise Http404 from None


def _copy(item: ResponseItem, copy_pk: int) -> RedactedCopy:
    copy = preview.item_previews(item).filter(pk=copy_pk).first()
    if copy is None or not Path(copy.file.path).is_file():
        raise Http404
    return copy


def _log_view(request: HttpRequest, ticket: DataSubjectRequest, item: ResponseItem) -> bool:
    """Let this session see the clip (and what is made from it), logging that once per
    grant period with the ticket's reference; False while the clip has no file."""
    clip = item.clip
    if clip.status != ClipStatus.READY or not clip.file:
        return False
    if not raw_access_granted(session=request.session, footage=clip, action="footage.view"):
        raw_access_grant(
            session=request.session, user=request.user, footage=clip, action="footage.view", reason=VIEW_REASON,
            reference=ticket.reference, ip=client_ip(request),
        )  # fmt: skip
    return True


def _moment(raw: str | None) -> float | None:
    try:
        value = float(raw or "")
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def review_url(ticket: DataSubjectRequest, item: ResponseItem | None = None, at_s: float | None = None) -> str:
    url = reverse("dsar:answer_review", args=[ticket.pk])
    if item is None:
        return f"{url}#approval"
    query = {"item": item.pk} | ({"t": f"{at_s:.3f}"} if at_s is not None else {})
    return f"{url}?{urlencode(query)}#item-{item.pk}"


def _back(request: HttpRequest, ticket: DataSubjectRequest, item: ResponseItem) -> HttpResponse:
    """To the clip on the review page, at the moment the player was at."""
    return redirect(review_url(ticket, item, _moment(request.POST.get("t"))))


def _attempt(request: HttpRequest, done: str, step: Any) -> None:
    try:
        step()
    except DsarError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)


# The page ------------------------------------------------------------------------------


@require_safe
def answer_review_page(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    answer_link_track_sets(ticket)  # detections finished since the search page was last seen
    cards = [_card(request, ticket, item) for item in included_items(ticket)]
    review = answer_review(ticket)
    context = {
        "ticket": ticket,
        "cards": cards,
        "review": review,
        "ready": not any(card["problems"] for card in cards),
        "editable": ticket.status in EDITABLE,
        "refusal": approval_refusal(actor=request.user, request=ticket),
        "choices": ThirdPartyChoice.choices,
        "texts": _texts(),
    }
    return render(request, "dsar/answer_review.html", context)


def _card(request: HttpRequest, ticket: DataSubjectRequest, item: ResponseItem) -> dict[str, Any]:
    playable = _log_view(request, ticket, item)
    track_set = (
        item.track_set if item.track_set_id and item.track_set and item.track_set.clip_id == item.clip_id else None
    )
    requester = set(item.requester_tracks)
    tracks = []
    if track_set is not None:
        for track in track_set.tracks:
            track_id = track["track_id"]
            tracks.append(
                {
                    "track": track,
                    "name": track_name(track),
                    "requester": track_id in requester,
                    "thumbnail": reverse("media_processing:track_thumbnail", args=[track_set.pk, track_id]),
                    "best_s": round((track["best_frame"] + 0.5) / track_set.fps, 3),
                }
            )
    return {
        "item": item,
        "track_set": track_set,
        "playable": playable,
        "problems": item_problems(item),
        "tracks": tracks,
        "parties": third_parties(item) if track_set is not None else [],
        "boxes_json": json.dumps(item.manual_boxes),
        "previews": _previews_context(ticket, item),
    }


def _previews_context(ticket: DataSubjectRequest, item: ResponseItem) -> dict[str, Any]:
    job = preview.preview_job(item)
    latest = preview.item_previews(item).first() if item.track_set_id else None
    full = preview.latest_full_preview(item) if item.track_set_id else None
    return {
        "ticket": ticket,
        "item": item,
        "job": job,
        "active": job is not None and job.is_active,
        "latest": latest,
        "latest_stale": latest is not None and preview.is_stale(item, latest),
        "full": full,
    }


def _texts() -> dict[str, str]:
    """The words the review script shows, translated here since scripts cannot."""
    return {
        "requester": _("Requester"),
        "covered": _("Covered"),
        "shown": _("Shown"),
        "box": _("Box %(number)s"),
        "new_box": _("New box"),
        "frame": _("Frame %(frame)s · %(time)s"),
        "added": _("Box %(number)s: keyframe at %(time)s. Save the boxes to keep it."),
        "too_small": _("Too small to be a box: drag over the whole face."),
        "keyframe": _("Keyframe at %(time)s (frame %(frame)s)"),
        "go": _("Show"),
        "delete_keyframe": _("Delete this keyframe"),
        "delete_box": _("Delete box %(number)s"),
        "deleted": _("Deleted. Save the boxes to keep the change."),
        "invalid": _("The text is not valid JSON yet; the picture shows the last valid version."),
        "none": _("No box drawn by hand yet."),
        "play": _("Play"),
        "pause": _("Pause"),
        "no_tracks": _("The tracks could not be loaded: %(error)s"),
    }


# Saving the review ---------------------------------------------------------------------


@require_POST
def item_requester(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    row = _item(ticket, item)

    def save() -> None:
        tracks = requester_choice(request.POST.getlist("requester"))
        review_mark_requester(actor=request.user, item=row, tracks=tracks, ip=client_ip(request))

    _attempt(request, _("The requester's tracks are saved."), save)
    return _back(request, ticket, row)


@require_POST
def item_boxes(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    row = _item(ticket, item)

    def save() -> None:
        try:
            boxes = json.loads(request.POST.get("boxes") or "[]")
        except ValueError as exc:
            raise DsarError(_("The boxes are not valid JSON (%(error)s).") % {"error": exc}) from None
        review_save_boxes(actor=request.user, item=row, boxes=boxes, ip=client_ip(request))

    _attempt(request, _("The boxes drawn by hand are saved."), save)
    return _back(request, ticket, row)


@require_POST
def item_decisions(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    row = _item(ticket, item)
    decisions: dict[int, tuple[str, str]] = {}
    for name in request.POST:
        field = name.removeprefix("decision-")
        key = third_party_key(field) if name != field else None
        if key is not None:
            decisions[key] = (request.POST.get(name, ""), request.POST.get(f"reason-{field}", ""))

    def save() -> None:
        keep_audio = request.POST.get("keep_audio") == "on"
        review_save_decisions(
            actor=request.user, item=row, decisions=decisions, keep_audio=keep_audio, ip=client_ip(request)
        )

    _attempt(request, _("The decisions are saved."), save)
    return _back(request, ticket, row)


@require_POST
def item_preview(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Start a quick preview from the player's moment, or (`whole`) a full one."""
    ticket = _ticket(request, pk)
    row = _item(ticket, item)
    whole = request.POST.get("whole") == "1"
    at_s = None if whole else (_moment(request.POST.get("t")) or 0.0)
    done = (
        _("Rendering the whole clip with the current choices; the frames to check appear when it is done.")
        if whole
        else _("Rendering a %(seconds)d-second preview with the current choices.")
        % {"seconds": preview.PREVIEW_SECONDS}
    )
    _attempt(
        request, done, lambda: preview.review_preview(actor=request.user, item=row, at_s=at_s, ip=client_ip(request))
    )
    return _back(request, ticket, row)


@require_POST
def answer_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    done = _("The review is submitted. Another person must now approve it.")
    _attempt(request, done, lambda: answer_submit(actor=request.user, request=ticket, ip=client_ip(request)))
    return redirect(review_url(ticket))


@require_POST
def answer_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    note = request.POST.get("note", "")
    done = _("The answer is approved; it can now be packaged.")
    _attempt(
        request, done, lambda: answer_approve(actor=request.user, request=ticket, note=note, ip=client_ip(request))
    )
    return redirect(review_url(ticket))


# What the page loads -------------------------------------------------------------------


@require_safe
def item_clip(request: HttpRequest, pk: int, item: int) -> HttpResponseBase:
    """The raw clip for the review player (range requests), under the logged grant."""
    ticket = _ticket(request, pk)
    row = _item(ticket, item)
    if not _log_view(request, ticket, row) or not Path(row.clip.file.path).is_file():
        raise Http404
    return ranged_file_response(request, Path(row.clip.file.path), "video/mp4")


@require_safe
def item_tracks(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Every track's box on every frame, for the player's overlay (boxes and ids only)."""
    row = _item(_ticket(request, pk), item)
    try:
        data = track_boxes(row)
    except DsarError as exc:
        return JsonResponse({"error": exc.message}, status=404)
    response = JsonResponse(data)
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def item_previews(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """The preview part of a clip's card, which polls itself while a preview is made."""
    ticket = _ticket(request, pk)
    row = _item(ticket, item)
    return render(request, "dsar/_review_previews.html", {"p": _previews_context(ticket, row)})


@require_safe
def preview_video(request: HttpRequest, pk: int, item: int, copy: int) -> HttpResponseBase:
    ticket = _ticket(request, pk)
    row = _item(ticket, item)
    made = _copy(row, copy)
    if not _log_view(request, ticket, row):
        raise Http404
    return ranged_file_response(request, Path(made.file.path), "video/mp4")


@require_safe
def item_check(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    """Frames sampled from the latest full preview, to look for a face that slipped through."""
    ticket = _ticket(request, pk)
    row = _item(ticket, item)
    full = preview.latest_full_preview(row) if row.track_set_id else None
    frames = []
    if full is not None and Path(full.file.path).is_file() and _log_view(request, ticket, row):
        frames = [
            {
                "index": index,
                "at_s": at_s,
                "src": reverse("dsar:answer_check_frame", args=[ticket.pk, row.pk, full.pk, index]),
                "player": review_url(ticket, row, at_s),
            }
            for index, at_s in enumerate(preview.check_times(row, full))
        ]
    stale = full is not None and preview.is_stale(row, full)
    context = {"ticket": ticket, "item": row, "full": full, "frames": frames, "stale": stale}
    return render(request, "dsar/answer_review_check.html", context)


@require_safe
def check_frame(request: HttpRequest, pk: int, item: int, copy: int, index: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    row = _item(ticket, item)
    made = _copy(row, copy)
    try:
        item_track_set(row)
        times = preview.check_times(row, made)
    except DsarError:
        raise Http404 from None
    if index >= len(times) or not _log_view(request, ticket, row):
        raise Http404
    try:
        data = preview.check_frame(made, times[index])
    except MediaError:
        raise Http404 from None
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response

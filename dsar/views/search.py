"""The footage answer's search page: per camera and window, a picture of the stored
footage, the gaps and the proposed clips, frames along each clip, and the forms that
run the search, adjust the clips, add or drop cameras and find the people in the clips.

Every view needs the right to handle requests; the buttons post to the services in
`dsar.answer`, and a refusal comes back as a message on the page, never an error page.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from compliance.access import client_ip
from dsar.access import access_dsar, access_ticket
from dsar.answer.clips import (
    answer_camera_add,
    answer_camera_drop,
    answer_detect_request,
    answer_frames_grant,
    answer_item_bounds,
    answer_item_include,
)
from dsar.answer.search import answer_search_request
from dsar.answer.search_forms import BoundsForm, CameraAddForm, CameraDropForm, FramesForm, IncludeForm
from dsar.answer.search_page import FRAMES, frame_time, page_context
from dsar.models import ResponseItem
from dsar.services.common import DsarError
from media_processing import engine_config
from media_processing.access import access_footage
from media_processing.engine.errors import MediaError
from media_processing.engine.frames import extract_frame
from media_processing.models import ClipStatus
from media_processing.services.access import raw_access_granted

FRAME_WIDTH = 240


def _page(ticket_pk: int, anchor: str = "") -> HttpResponse:
    url = reverse("dsar:answer_search", args=[ticket_pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _access_item(user: Any, pk: int) -> ResponseItem:
    """An item of an answer, for someone who may handle requests (the role first, so a
    refusal does not tell whether the item exists)."""
    access_dsar(user, handle=True)
    try:
        return ResponseItem.objects.select_related("request", "clip__camera").get(pk=pk)
    except ResponseItem.DoesNotExist:
        raise Http404 from None


def _form_problem(request: HttpRequest, form: Any) -> None:
    problems = [str(error) for errors in form.errors.values() for error in errors]
    messages.error(request, " ".join(problems))


@require_safe
def answer_search(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk, handle=True)
    return render(request, "dsar/answer_search.html", page_context(request, ticket))


@require_POST
def answer_search_run(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk, handle=True)
    try:
        answer_search_request(actor=request.user, request=ticket, ip=client_ip(request))
    except DsarError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The footage search has started. Its progress is shown below."))
    return _page(ticket.pk, "search")


@require_POST
def answer_search_detect(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk, handle=True)
    try:
        jobs = answer_detect_request(actor=request.user, request=ticket, ip=client_ip(request))
    except DsarError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext(
                "Finding people in %(count)s clip. The progress is shown by each clip.",
                "Finding people in %(count)s clips. The progress is shown by each clip.",
                len(jobs),
            )
            % {"count": len(jobs)},
        )
    return _page(ticket.pk, "people")


@require_POST
def answer_search_frames(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk, handle=True)
    access_footage(request.user)
    form = FramesForm(request.POST)
    if not form.is_valid():
        _form_problem(request, form)
        return _page(ticket.pk, "frames")
    try:
        answer_frames_grant(
            actor=request.user, request=ticket, session=request.session, reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )  # fmt: skip
    except DsarError as exc:
        messages.error(request, exc.message)
    return _page(ticket.pk, "cameras")


@require_POST
def answer_search_camera_add(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk, handle=True)
    form = CameraAddForm(request.POST)
    if not form.is_valid():
        _form_problem(request, form)
        return _page(ticket.pk, "add-camera")
    camera = form.cleaned_data["camera"]
    try:
        answer_camera_add(actor=request.user, request=ticket, camera=camera, ip=client_ip(request))
    except DsarError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(camera)s added; its footage is being searched.") % {"camera": camera.name})
    return _page(ticket.pk, "search")


@require_POST
def answer_search_camera_drop(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk, handle=True)
    form = CameraDropForm(request.POST)
    if not form.is_valid():
        _form_problem(request, form)
        return _page(ticket.pk, "cameras")
    camera = form.cleaned_data["camera"]
    try:
        answer_camera_drop(
            actor=request.user, request=ticket, camera=camera, reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )  # fmt: skip
    except DsarError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(camera)s is left out of the answer.") % {"camera": camera.name})
    return _page(ticket.pk, f"camera-{camera.pk}")


@require_POST
def answer_search_item_bounds(request: HttpRequest, pk: int) -> HttpResponse:
    item = _access_item(request.user, pk)
    form = BoundsForm(request.POST, prefix=f"bounds-{item.pk}")
    if not form.is_valid():
        _form_problem(request, form)
        return _page(item.request_id, f"item-{item.pk}")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    shown = (item.clip.requested_start.replace(microsecond=0), item.clip.requested_end.replace(microsecond=0))
    if (start, end) == shown:  # sent back as shown: the form cannot say less than a second
        messages.info(request, _("The bounds were not changed."))
        return _page(item.request_id, f"item-{item.pk}")
    try:
        new = answer_item_bounds(actor=request.user, item=item, start=start, end=end, ip=client_ip(request))
    except DsarError as exc:
        messages.error(request, exc.message)
        return _page(item.request_id, f"item-{item.pk}")
    messages.success(request, _("Clip %(position)s is being cut with the new bounds.") % {"position": new.position})
    return _page(item.request_id, f"item-{new.pk}")


@require_POST
def answer_search_item_include(request: HttpRequest, pk: int) -> HttpResponse:
    item = _access_item(request.user, pk)
    form = IncludeForm(request.POST, prefix=f"include-{item.pk}")
    if not form.is_valid():
        _form_problem(request, form)
        return _page(item.request_id, f"item-{item.pk}")
    included = form.cleaned_data["include"]
    try:
        answer_item_include(
            actor=request.user, item=item, included=included, reason=form.cleaned_data["reason"],
            ip=client_ip(request),
        )  # fmt: skip
    except DsarError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Clip included.") if included else _("Clip left out."))
    return _page(item.request_id, f"item-{item.pk}")


@require_safe
def answer_search_item_frame(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    """A frame of the clip, under the session's logged grant to see it (given by the
    frames form, which writes the reason to the access log once per clip)."""
    item = _access_item(request.user, pk)
    access_footage(request.user)
    clip = item.clip
    if clip.status != ClipStatus.READY or not clip.file or not 0 <= index < FRAMES:
        raise Http404
    if not raw_access_granted(session=request.session, footage=clip, action="footage.view"):
        raise PermissionDenied
    path = Path(clip.file.path)
    if not path.is_file():
        raise Http404
    with tempfile.TemporaryDirectory(prefix="answer-frame-") as folder:
        try:
            jpeg = extract_frame(
                path, frame_time(clip, index), Path(folder) / "frame.jpg", tools=engine_config.tools(),
                max_width=FRAME_WIDTH,
            )  # fmt: skip
        except MediaError:
            raise Http404 from None
        data = jpeg.read_bytes()
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response

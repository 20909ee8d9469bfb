"""Evidence clips: requested from a search, cut by a job, downloaded with a log entry,
redacted like recordings (the section itself is in `views.redaction`)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from compliance.access import client_ip
from compliance.access_log import record_access
from compliance.models import JobRun
from media_processing.access import access_camera, access_clip
from media_processing.forms import LOCAL_INPUT_FORMAT, ClipForm, RawAccessForm, RenderForm, SearchForm
from media_processing.models import Clip, ClipStatus
from media_processing.services.access import raw_access_grant
from media_processing.services.clips import CLIP_KIND, ClipError, clip_request
from media_processing.views import redaction
from media_processing.views.search import search_page
from media_processing.views.streaming import ranged_file_response


@require_POST
def clip_create(request: HttpRequest, pk: int) -> HttpResponse:
    camera = access_camera(request.user, pk)
    form = ClipForm(request.POST, prefix=f"clip-{camera.pk}")
    if form.is_valid():
        try:
            clip, _job = clip_request(
                camera=camera,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                reason=form.cleaned_data["reason"],
                reference=form.cleaned_data["reference"],
                user=request.user,
                ip=client_ip(request),
            )
        except ClipError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("media_processing:clip", pk=clip.pk)
    # Show the search this form came from again, with the refused form in its place.
    search = SearchForm(_search_query(form, camera.pk))
    return search_page(request, search, failed_clip=(camera, form))


def _search_query(form: ClipForm, camera_pk: int) -> dict[str, object]:
    """The search the clip form was on, with its window written back as local times."""
    query: dict[str, object] = {"cameras": [camera_pk]}
    for name in ("start", "end"):
        moment = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        raw = form.data.get(f"{form.prefix}-{name}", "")
        query[name] = timezone.localtime(moment).strftime(LOCAL_INPUT_FORMAT) if moment else raw
    return query


def clip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, access_clip(request.user, pk))


def _page(request: HttpRequest, clip: Clip, form: RenderForm | None = None) -> HttpResponse:
    job = JobRun.objects.filter(
        subject_type=ContentType.objects.get_for_model(Clip), subject_id=str(clip.pk), kind=CLIP_KIND
    ).first()
    context = {"clip": clip, "job": job, **redaction.redaction_context(request, clip, form)}
    return render(request, "media_processing/clip_detail.html", context)


@require_POST
def clip_detect(request: HttpRequest, pk: int) -> HttpResponse:
    return redaction.detect(request, access_clip(request.user, pk, redact=True))


@require_POST
def clip_render(request: HttpRequest, pk: int) -> HttpResponse:
    clip = access_clip(request.user, pk, redact=True)
    form = redaction.submitted_render_form(request, clip)
    if redaction.start_render(request, clip, form):
        return redirect(redaction.page_url(clip))
    return _page(request, clip, form)


def clip_access(request: HttpRequest, pk: int) -> HttpResponse:
    """The reason form in front of the clip's frames in the track strip; it is logged."""
    clip = access_clip(request.user, pk, redact=True)
    if clip.status != ClipStatus.READY:
        raise Http404
    form = RawAccessForm(request.POST or None)
    if form.is_valid():
        raw_access_grant(
            session=request.session,
            user=request.user,
            footage=clip,
            action="footage.view",
            reason=form.cleaned_data["reason"],
            reference=form.cleaned_data["reference"],
            ip=client_ip(request),
        )
        return redirect(redaction.page_url(clip))
    return render(request, "media_processing/clip_access.html", {"clip": clip, "form": form})


@require_safe
def clip_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    clip = access_clip(request.user, pk)
    if clip.status != ClipStatus.READY or not clip.file:
        raise Http404
    path = Path(clip.file.path)
    if not path.is_file():
        raise Http404
    # Each download (and each resumed part of one) is an access to the footage it holds.
    reason = f"{clip.reason} [{clip.reference}]" if clip.reference else clip.reason
    record_access(actor=request.user, action="footage.download", target=clip, reason=reason, ip=client_ip(request))
    filename = f"{clip.camera.name}-{clip.requested_start:%Y%m%dT%H%M%SZ}{path.suffix}"
    return ranged_file_response(request, path, "video/mp4", filename=filename, as_attachment=True)

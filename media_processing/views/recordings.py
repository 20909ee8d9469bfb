"""One recording: its facts, raw playback or download once a reason is logged, and its
redaction (the section itself is in `views.redaction`)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from compliance.access import client_ip
from compliance.models import JobRun
from media_processing.access import access_recording
from media_processing.forms import RawAccessForm, RenderForm
from media_processing.models import Recording, RecordingKind
from media_processing.services.access import raw_access_grant, raw_access_granted
from media_processing.services.ingest import INGEST_KIND
from media_processing.services.retention import hold_references
from media_processing.views import redaction
from media_processing.views.streaming import ranged_file_response

# What the person asks for, as the URL spells it, and as the access log records it.
ACTIONS = {"view": "footage.view", "download": "footage.download"}


def ingest_job(recording: Recording) -> JobRun | None:
    return (
        JobRun.objects.filter(
            subject_type=ContentType.objects.get_for_model(Recording), subject_id=str(recording.pk), kind=INGEST_KIND
        )
        .select_related("started_by")
        .first()
    )


def recording_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recording = access_recording(request.user, pk)
    return _page(request, recording)


def _page(request: HttpRequest, recording: Recording, form: RenderForm | None = None) -> HttpResponse:
    session = request.session
    context = {
        "recording": recording,
        "job": ingest_job(recording),
        "can_play": raw_access_granted(session=session, footage=recording, action="footage.view"),
        "can_download": raw_access_granted(session=session, footage=recording, action="footage.download"),
        "is_image": recording.kind == RecordingKind.IMAGE,
        "holds": hold_references(recording),
        **redaction.redaction_context(request, recording, form),
    }
    return render(request, "media_processing/recording_detail.html", context)


@require_POST
def recording_detect(request: HttpRequest, pk: int) -> HttpResponse:
    return redaction.detect(request, access_recording(request.user, pk, redact=True))


@require_POST
def recording_render(request: HttpRequest, pk: int) -> HttpResponse:
    recording = access_recording(request.user, pk, redact=True)
    form = redaction.submitted_render_form(request, recording)
    if redaction.start_render(request, recording, form):
        return redirect(redaction.page_url(recording))
    return _page(request, recording, form)


def recording_access(request: HttpRequest, pk: int) -> HttpResponse:
    """The reason form in front of raw footage; its answer goes to the access log."""
    recording = access_recording(request.user, pk)
    action = request.GET.get("action", "view")
    if action not in ACTIONS or not recording.is_ready:
        raise Http404
    form = RawAccessForm(request.POST or None)
    if form.is_valid():
        raw_access_grant(
            session=request.session,
            user=request.user,
            footage=recording,
            action=ACTIONS[action],
            reason=form.cleaned_data["reason"],
            reference=form.cleaned_data["reference"],
            ip=client_ip(request),
        )
        section = "redaction" if request.GET.get("section") == "redaction" else "footage"
        return redirect(f"{reverse('media_processing:recording', args=[recording.pk])}#{section}")
    context = {"recording": recording, "form": form, "action": action, "section": request.GET.get("section")}
    return render(request, "media_processing/recording_access.html", context)


@require_safe
def recording_stream(request: HttpRequest, pk: int) -> HttpResponseBase:
    recording = access_recording(request.user, pk)
    return _serve(request, recording, "footage.view", as_attachment=False)


@require_safe
def recording_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    recording = access_recording(request.user, pk)
    return _serve(request, recording, "footage.download", as_attachment=True)


def _serve(request: HttpRequest, recording: Recording, action: str, *, as_attachment: bool) -> HttpResponseBase:
    # The grant was logged with its reason; every range request of the player rides on it.
    if not raw_access_granted(session=request.session, footage=recording, action=action):
        raise PermissionDenied
    if not recording.is_ready or not recording.file:
        raise Http404
    path = Path(recording.file.path)
    if not path.is_file():
        raise Http404
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    filename = Path(recording.original_name).stem + path.suffix
    return ranged_file_response(request, path, content_type, filename=filename, as_attachment=as_attachment)

"""The redaction section of the recording and clip pages: finding faces and plates, the
track strip, the render form and the redacted copies; thumbnails and downloads."""

from __future__ import annotations

import mimetypes
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from compliance.access import client_ip
from compliance.access_log import record_access
from media_processing.access import access_redacted_copy, access_track_set, can_redact
from media_processing.engine.errors import MediaError
from media_processing.forms import TRACK_LABELS, RenderForm
from media_processing.models import Recording, RecordingKind, TrackSet
from media_processing.services.access import raw_access_granted
from media_processing.services.redaction import (
    DETECT_KIND,
    Footage,
    RedactionError,
    is_picture,
    redacted_copies,
    redaction_detect_request,
    redaction_jobs,
    redaction_render_request,
    track_sets,
)
from media_processing.services.redaction_media import thumbnail_jpeg
from media_processing.views.streaming import ranged_file_response

DOWNLOAD_REASON = "Download redacted copy"


def page_url(footage: Footage) -> str:
    name = "media_processing:recording" if isinstance(footage, Recording) else "media_processing:clip"
    return f"{reverse(name, args=[footage.pk])}#redaction"


def render_form(footage: Footage, track_set: TrackSet | None, data: Any = None) -> RenderForm:
    return RenderForm(data, track_set=track_set, picture=is_picture(footage), sound=_has_sound(footage))


def _has_sound(footage: Footage) -> bool:
    if isinstance(footage, Recording):
        return footage.has_audio
    return footage.recordings.filter(has_audio=True).exists()


def redaction_context(request: HttpRequest, footage: Footage, form: RenderForm | None = None) -> dict[str, Any]:
    """What the redaction section shows: everyone who may see the footage sees the
    copies and what was done; those who may redact also get the jobs, tracks and forms."""
    user = request.user
    allowed = can_redact(user)
    job = redaction_jobs(footage).first() if allowed else None
    context: dict[str, Any] = {
        "can_redact": allowed,
        "copies": list(redacted_copies(footage)),
        "job": job,
        "job_followable": job is not None and (job.started_by_id == user.pk or user.has_perm("compliance.view_jobrun")),
        "detecting": job is not None and job.is_active and job.kind == DETECT_KIND,
        "rendering": job is not None and job.is_active and job.kind != DETECT_KIND,
        "is_picture": is_picture(footage),
    }
    if not allowed:
        return {"redaction": context}
    # A refused form is shown again with the tracks it was posted with.
    track_set = form.shown_track_set if form is not None else track_sets(footage).first()
    form = form or render_form(footage, track_set)
    granted = raw_access_granted(session=request.session, footage=footage, action="footage.view")
    context.update(
        {
            "track_set": track_set,
            "form": form,
            "strip": _strip(footage, track_set, form, show_pictures=granted) if track_set else [],
            "pictures_granted": granted,
            "detect_url": _url(footage, "detect"),
            "render_url": _url(footage, "render"),
            "access_url": _access_url(footage),
        }
    )
    return {"redaction": context}


def _url(footage: Footage, action: str) -> str:
    prefix = "recording" if isinstance(footage, Recording) else "clip"
    return reverse(f"media_processing:{prefix}_{action}", args=[footage.pk])


def _access_url(footage: Footage) -> str:
    if isinstance(footage, Recording):
        return reverse("media_processing:recording_access", args=[footage.pk]) + "?action=view&section=redaction"
    return reverse("media_processing:clip_access", args=[footage.pk])


def _strip(footage: Footage, track_set: TrackSet, form: RenderForm, *, show_pictures: bool) -> list[dict[str, Any]]:
    """One item per track: its label, span, keep checkbox and (under a grant) thumbnail."""
    chosen = {str(value) for value in (form["keep"].value() or [])}
    start = footage.start if isinstance(footage, Recording) and footage.kind == RecordingKind.VIDEO else None
    items = []
    for track in track_set.tracks:
        track_id = track["track_id"]
        items.append(
            {
                "track": track,
                "label": TRACK_LABELS.get(track["label"], track["label"]),
                "kept": str(track_id) in chosen,
                "first_at": start + timedelta(seconds=track["first_s"]) if start else None,
                "last_at": start + timedelta(seconds=track["last_s"]) if start else None,
                "thumbnail": reverse("media_processing:track_thumbnail", args=[track_set.pk, track_id])
                if show_pictures
                else "",
            }
        )
    return items


def detect(request: HttpRequest, footage: Footage) -> HttpResponse:
    """Start finding faces and plates, then back to the page, which follows the job."""
    try:
        redaction_detect_request(footage=footage, user=request.user, ip=client_ip(request))
    except RedactionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Finding faces and plates. The tracks appear below when the job is done."))
    return redirect(page_url(footage))


def submitted_render_form(request: HttpRequest, footage: Footage) -> RenderForm:
    """The posted form, bound to the detection store it was shown with (if it is this footage's)."""
    track_set = None
    raw = request.POST.get("track_set", "")
    if raw.isdigit():
        track_set = track_sets(footage).filter(pk=int(raw)).first()
    return render_form(footage, track_set, request.POST)


def start_render(request: HttpRequest, footage: Footage, form: RenderForm) -> bool:
    """Queue the rendering the valid form asks for; False (with the problem on the form) if refused."""
    if not form.is_valid():
        return False
    try:
        redaction_render_request(
            footage=footage,
            user=request.user,
            ip=client_ip(request),
            rendering=form.rendering(),
            track_set=form.shown_track_set,
        )
    except RedactionError as exc:
        form.add_error(None, str(exc))
        return False
    messages.success(request, _("Making the redacted copy. It appears in the list below when the job is done."))
    return True


@require_safe
def track_thumbnail(request: HttpRequest, pk: int, track_id: int) -> HttpResponse:
    """A track's best frame, cropped around its box: raw footage, so only under the
    session's logged grant to view this recording or clip."""
    track_set = access_track_set(request.user, pk)
    footage = track_set.subject
    if not raw_access_granted(session=request.session, footage=footage, action="footage.view"):
        raise PermissionDenied
    track = track_set.track(track_id)
    if track is None or not footage.file or not Path(footage.file.path).is_file():
        raise Http404
    at_s = 0.0 if is_picture(footage) else max(0.0, (track["best_frame"] - 0.5) / track_set.fps)
    try:
        data = thumbnail_jpeg(
            Path(footage.file.path),
            at_s=at_s,
            box=track["best_box"],
            frame_width=track_set.width,
            frame_height=track_set.height,
        )
    except MediaError:
        raise Http404 from None
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def redacted_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    copy = access_redacted_copy(request.user, pk)
    path = Path(copy.file.path)
    if not path.is_file():
        raise Http404
    # Each download (and each resumed part of one) hands out what the copy still shows.
    record_access(
        actor=request.user, action="footage.download", target=copy, reason=DOWNLOAD_REASON, ip=client_ip(request)
    )
    footage = copy.subject
    moment = footage.start if isinstance(footage, Recording) else footage.requested_start
    stamp = f"-{moment:%Y%m%dT%H%M%SZ}" if moment else ""
    filename = f"{footage.camera.name}{stamp}-redacted-{copy.pk}{path.suffix}"
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return ranged_file_response(request, path, content_type, filename=filename, as_attachment=True)

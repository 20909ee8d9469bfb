"""Uploading footage from the browser: one request per file, each answered at once with
the ingestion job the page then follows."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compliance.disk import DiskFullError
from media_processing.access import access_footage
from media_processing.forms import UploadForm
from media_processing.models import RecordingSource
from media_processing.services.ingest import recording_accept_upload


def upload(request: HttpRequest) -> HttpResponse:
    access_footage(request.user, manage=True)
    form = UploadForm(initial={"camera": request.GET.get("camera")})
    context = {"form": form, "max_bytes": settings.MAX_FILE_BYTES, "texts": _script_texts()}
    return render(request, "media_processing/upload.html", context)


def _script_texts() -> dict[str, str]:
    """What upload.js writes on the page, translated here; %(name)s is filled in there."""
    return {
        "waiting": _("Waiting to upload"),
        "uploading": _("Uploading"),
        "progressLabel": _("Upload of %(name)s"),
        "ingesting": _("Uploaded. Cleaning and storing the file…"),
        "ready": _("Ready — view recording"),
        "failed": _("Failed:"),
        "tooLarge": _("%(name)s is larger than this installation accepts."),
        "network": _(
            "The upload of %(name)s stopped: the connection was lost or refused. A file over the size limit is "
            "refused this way too."
        ),
        "server": _("The server refused %(name)s (error %(status)s)."),
        "noCamera": _("Choose a camera first."),
        "noFiles": _("Choose at least one file."),
        "oneStart": _(
            "A start time belongs to one file. Upload files with different start times one by one, or leave the "
            "start time empty so each file's own time is used."
        ),
    }


@require_POST
def upload_file(request: HttpRequest) -> JsonResponse:
    """Takes one file, already streamed to a temporary file by the upload handler, into
    the pipeline; answers JSON for upload.js."""
    access_footage(request.user, manage=True)
    upload = request.FILES.get("file")  # parses the body, which sets upload_too_large
    if getattr(request, "upload_too_large", False):
        return JsonResponse({"error": _("The file is larger than this installation accepts.")}, status=413)
    form = UploadForm(request.POST)
    if not form.is_valid():
        problems = [str(message) for messages in form.errors.values() for message in messages]
        return JsonResponse({"error": " ".join(problems)}, status=400)
    if upload is None:
        return JsonResponse({"error": _("Choose a file to upload.")}, status=400)
    camera = form.cleaned_data["camera"]
    start = form.cleaned_data["start"]
    try:
        recording, job = recording_accept_upload(
            camera=camera, upload=upload, source=RecordingSource.UPLOAD, start=start, user=request.user
        )
    except DiskFullError as exc:
        return JsonResponse({"error": str(exc)}, status=507)
    body = {
        "recording": recording.pk,
        "job": job.pk,
        "progress_url": reverse("job_progress", args=[job.pk]),
        "recording_url": reverse("media_processing:recording", args=[recording.pk]),
    }
    return JsonResponse(body, status=202)

"""The privacy-mask editor: polygons drawn over a frame of the camera's own footage."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from compliance.access import client_ip
from compliance.access_log import record_access
from media_processing import engine_config
from media_processing.access import access_camera
from media_processing.engine.errors import MediaError
from media_processing.engine.frames import extract_frame
from media_processing.forms import MaskForm
from media_processing.models import Camera, Recording, RecordingKind, RecordingStatus
from media_processing.services.cameras import camera_update

# Which recording's frame this session may fetch for which camera, until when: the page
# logs the view of raw footage once, and the frame request rides on that entry.
FRAME_SESSION_KEY = "mask_editor_frames"
BLANK_SIZE = (1600, 900)  # an empty 16:9 canvas when there is no footage to show


def camera_masks(request: HttpRequest, pk: int) -> HttpResponse:
    camera = access_camera(request.user, pk, manage=True)
    form = MaskForm(request.POST or None, initial={"polygons": MaskForm.initial_text(camera)})
    if form.is_valid():
        camera_update(camera=camera, actor=request.user, ip=client_ip(request), **form.cleaned_data["polygons"])
        messages.success(request, _("The privacy masks of %(name)s were saved.") % {"name": camera.name})
        return redirect("media_processing:camera", pk=camera.pk)
    recording = _picture(camera)
    if recording is not None:
        _log_frame_view(request, camera, recording)
    return render(request, "media_processing/camera_masks.html", _context(camera, recording, form))


def _picture(camera: Camera) -> Recording | None:
    """The newest stored footage that shows the whole picture: a copy cropped to the
    region of interest would put the polygons in the wrong place."""
    return (
        Recording.objects.filter(camera=camera, status=RecordingStatus.READY, cropped=False)
        .exclude(file="")
        .order_by("-start", "-pk")
        .first()
    )


def _log_frame_view(request: HttpRequest, camera: Camera, recording: Recording) -> None:
    record_access(
        actor=request.user,
        action="footage.view",
        target=recording,
        reason="Privacy mask editing",
        ip=client_ip(request),
    )
    frames = dict(request.session.get(FRAME_SESSION_KEY, {}))
    frames[str(camera.pk)] = [recording.pk, time.time() + settings.RAW_ACCESS_MINUTES * 60]
    request.session[FRAME_SESSION_KEY] = frames


def _context(camera: Camera, recording: Recording | None, form: MaskForm) -> dict[str, Any]:
    width, height = BLANK_SIZE
    if recording is not None and recording.width and recording.height:
        width, height = recording.width, recording.height
    return {
        "camera": camera,
        "recording": recording,
        "form": form,
        "width": width,
        "height": height,
        "masks": [_points(polygon, width, height) for polygon in camera.privacy_masks],
        "roi": _points(camera.region_of_interest, width, height) if camera.region_of_interest else "",
        "has_cropped_footage": recording is None and camera.recordings.filter(cropped=True).exists(),
        "texts": _script_texts(),
    }


def _script_texts() -> dict[str, str]:
    """What mask_editor.js writes on the page, translated here; %(number)s is filled in there."""
    return {
        "mask": _("Privacy mask %(number)s"),
        "roi": _("Region of interest"),
        "none": _("No polygons yet"),
        "pointAdded": _("Point %(number)s added."),
        "needThree": _("A polygon needs at least three points."),
        "closed": _("Polygon closed. Save to keep it."),
        "deleted": _("Polygon deleted. Save to keep the change."),
        "undone": _("Last point removed."),
        "nothing": _("There is no point to undo."),
        "invalid": _("The text is not valid JSON yet; the picture shows the last valid version."),
    }


def _points(polygon: list[list[float]], width: int, height: int) -> str:
    """An SVG `points` list, so the saved polygons show even without script."""
    return " ".join(f"{x * width:.1f},{y * height:.1f}" for x, y in polygon)


@require_safe
def camera_frame(request: HttpRequest, pk: int) -> HttpResponse:
    camera = access_camera(request.user, pk, manage=True)
    recording = _granted_recording(request, camera)
    if recording is None:
        raise Http404
    with tempfile.TemporaryDirectory(prefix="frame-") as folder:
        try:
            jpeg = extract_frame(
                Path(recording.file.path),
                _frame_time(recording),
                Path(folder) / "frame.jpg",
                tools=engine_config.tools(),
            )
        except MediaError:
            raise Http404 from None  # the page still works on its grey canvas
        data = jpeg.read_bytes()  # one JPEG of at most 1280 pixels across: small
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


def _granted_recording(request: HttpRequest, camera: Camera) -> Recording | None:
    grant = request.session.get(FRAME_SESSION_KEY, {}).get(str(camera.pk))
    if not grant or grant[1] < time.time():
        return None
    return Recording.objects.filter(pk=grant[0], camera=camera, status=RecordingStatus.READY).exclude(file="").first()


def _frame_time(recording: Recording) -> float:
    if recording.kind == RecordingKind.IMAGE or not recording.duration_seconds:
        return 0.0
    return min(1.0, recording.duration_seconds / 2)

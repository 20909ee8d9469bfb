"""Finding footage of a time window across cameras, with what is missing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from media_processing.access import access_footage
from media_processing.forms import ClipForm, SearchForm
from media_processing.models import Camera, RecordingKind
from media_processing.selectors import footage_search
from media_processing.timeline import render_timeline, window_timeline


def search(request: HttpRequest) -> HttpResponse:
    access_footage(request.user)
    return search_page(request, SearchForm(request.GET or None))


def search_page(
    request: HttpRequest, form: SearchForm, failed_clip: tuple[Camera, ClipForm] | None = None
) -> HttpResponse:
    """The search page; `failed_clip` puts back a clip form that was refused, with its errors."""
    context: dict[str, Any] = {"form": form, "results": None}
    if form.is_valid():
        context["results"] = _results(form, failed_clip)
    return render(request, "media_processing/search.html", context)


def _results(form: SearchForm, failed_clip: tuple[Camera, ClipForm] | None) -> list[dict[str, Any]]:
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    cameras = form.chosen_cameras()
    hits = footage_search(cameras=cameras, start=start, end=end)
    zone = timezone.get_current_timezone()
    now = timezone.now()
    window = {"start": start.isoformat(), "end": end.isoformat()}
    results = []
    for camera in cameras:
        mine = [hit for hit in hits if hit.recording.camera_id == camera.pk]
        timeline = window_timeline(
            camera=camera, start=start, end=end, zone=zone, now=now, recordings=[hit.recording for hit in mine]
        )
        clip_form = ClipForm(prefix=f"clip-{camera.pk}", initial=window)
        if failed_clip and failed_clip[0].pk == camera.pk:
            clip_form = failed_clip[1]
        results.append(
            {
                "camera": camera,
                "hits": mine,
                "timeline": timeline,
                "timeline_svg": render_timeline(timeline),
                "clip_form": clip_form,
                "has_video": any(hit.recording.kind == RecordingKind.VIDEO for hit in mine),
            }
        )
    return results

"""The camera register: list, detail with its coverage time line, create and edit."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.access import client_ip
from media_processing.access import access_camera, access_footage
from media_processing.forms import CameraForm, SiteForm
from media_processing.models import Camera, Recording, RecordingStatus, Site
from media_processing.selectors import recordings_in_window
from media_processing.services.cameras import camera_create, camera_update, site_create
from media_processing.services.retention import with_held
from media_processing.timeline import (
    day_bounds,
    day_timeline,
    render_timeline,
    week_start,
    week_timeline,
    window_timeline,
)

RECORDINGS_PER_PAGE = 100
RECENT_FAILURES = 10


def index(request: HttpRequest) -> HttpResponse:
    access_footage(request.user)
    cameras = list(Camera.objects.select_related("site"))
    context = {
        "sites": _sites_with_cameras(cameras),
        "can_manage": request.user.has_perm("media_processing.manage_footage"),
    }
    return render(request, "media_processing/index.html", context)


def _sites_with_cameras(cameras: list[Camera]) -> list[dict[str, Any]]:
    """Each site with its cameras, each camera with its last recording and a 24-hour bar;
    one query for all the bars."""
    now = timezone.now()
    start = now - timedelta(hours=24)
    recent = recordings_in_window(cameras, start, now)
    last = dict(
        Recording.objects.filter(status=RecordingStatus.READY)
        .order_by()
        .values("camera_id")
        .annotate(last=Max("end"))
        .values_list("camera_id", "last")
    )
    zone = timezone.get_current_timezone()
    by_site: dict[int, dict[str, Any]] = {site.pk: {"site": site, "cameras": []} for site in Site.objects.all()}
    for camera in cameras:
        mine = [recording for recording in recent if recording.camera_id == camera.pk]
        bar = window_timeline(camera=camera, start=start, end=now, zone=zone, now=now, recordings=mine, compact=True)
        by_site[camera.site_id]["cameras"].append(
            {"camera": camera, "last": last.get(camera.pk), "bar": render_timeline(bar)}
        )
    return list(by_site.values())


def camera_detail(request: HttpRequest, pk: int) -> HttpResponse:
    camera = access_camera(request.user, pk)
    view = "week" if request.GET.get("view") == "week" else "day"
    day = _parse_day(request.GET.get("date")) or timezone.localdate()
    period = _period(camera, view, day)
    context = {
        "camera": camera,
        "view": view,
        "day": day,
        **period,
        "timeline_svg": render_timeline(period["timeline"]),
        "can_manage": request.user.has_perm("media_processing.manage_footage"),
        **_recordings_context(request, camera, period["start"], period["end"]),
    }
    return render(request, "media_processing/camera_detail.html", context)


def _period(camera: Camera, view: str, day: date) -> dict[str, Any]:
    """The day or the week (from Monday) around `day`, in the organisation's zone."""
    zone = timezone.get_current_timezone()
    now = timezone.now()
    if view == "week":
        first = week_start(day)
        last = first + timedelta(days=6)
        return {
            "timeline": week_timeline(camera=camera, first_day=first, zone=zone, now=now),
            "start": day_bounds(first, zone)[0],
            "end": day_bounds(last, zone)[1],
            "first_day": first,
            "previous": first - timedelta(days=7),
            "following": first + timedelta(days=7),
        }
    start, end = day_bounds(day, zone)
    return {
        "timeline": day_timeline(camera=camera, day=day, zone=zone, now=now),
        "start": start,
        "end": end,
        "first_day": day,
        "previous": day - timedelta(days=1),
        "following": day + timedelta(days=1),
    }


def _recordings_context(request: HttpRequest, camera: Camera, start: datetime, end: datetime) -> dict[str, Any]:
    recordings = with_held(Recording.objects.filter(camera=camera, start__lt=end, end__gte=start)).order_by(
        "start", "pk"
    )
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": Paginator(recordings, RECORDINGS_PER_PAGE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "failures": Recording.objects.filter(camera=camera, status=RecordingStatus.FAILED).order_by("-created_at")[
            :RECENT_FAILURES
        ],
    }


def _parse_day(value: str | None) -> date | None:
    """A date from the query string; None if absent, malformed, or so far off that its
    bounds in the organisation's zone would leave the calendar."""
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day and date(1900, 1, 1) <= day <= date(9000, 1, 1) else None


def camera_add(request: HttpRequest) -> HttpResponse:
    access_footage(request.user, manage=True)
    initial = {"site": request.GET.get("site")} if request.GET.get("site") else None
    form = CameraForm(request.POST or None, initial=initial)
    if form.is_valid():
        camera = camera_create(actor=request.user, ip=client_ip(request), **form.cleaned_data)
        messages.success(request, _("Camera %(name)s was added to the register.") % {"name": camera.name})
        return redirect("media_processing:camera", pk=camera.pk)
    return render(request, "media_processing/camera_form.html", {"form": form, "camera": None})


def camera_edit(request: HttpRequest, pk: int) -> HttpResponse:
    camera = access_camera(request.user, pk, manage=True)
    # The form works on its own copy: a ModelForm writes the posted values into its
    # instance, and camera_update must compare them with the stored ones to log the change.
    form = CameraForm(request.POST or None, instance=Camera.objects.get(pk=camera.pk))
    if form.is_valid():
        camera_update(camera=camera, actor=request.user, ip=client_ip(request), **form.cleaned_data)
        messages.success(request, _("Camera %(name)s was saved.") % {"name": camera.name})
        return redirect("media_processing:camera", pk=camera.pk)
    return render(request, "media_processing/camera_form.html", {"form": form, "camera": camera})


def site_add(request: HttpRequest) -> HttpResponse:
    access_footage(request.user, manage=True)
    form = SiteForm(request.POST or None)
    if form.is_valid():
        site = site_create(**form.cleaned_data)
        messages.success(request, _("Site %(name)s was added.") % {"name": site.name})
        return redirect(f"{reverse('media_processing:camera_add')}?site={site.pk}")
    return render(request, "media_processing/site_form.html", {"form": form})

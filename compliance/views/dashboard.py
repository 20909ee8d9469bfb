from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from compliance.disk import disk_low, media_disk_usage
from compliance.models import AccessEvent, JobRun, Organisation
from compliance.panels import dashboard_panels
from compliance.roles import ROLE_LABELS, user_roles
from dsar.views.metrics import dashboard_panel


def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    jobs = JobRun.objects.select_related("started_by")
    if not user.has_perm("compliance.view_jobrun"):
        jobs = jobs.filter(started_by_id=user.pk)
    context = {
        "organisation": Organisation.current(),
        "roles": [ROLE_LABELS[role] for role in user_roles(user)],
        "jobs": jobs[:8],
        "disk": _disk_usage(),
        "disk_low": user.has_perm("compliance.manage_retention") and disk_low(),
        "min_free_mb": settings.MIN_FREE_DISK_MB,
        "dsar": dashboard_panel(user),
        "panels": dashboard_panels(user),
    }
    if user.has_perm("compliance.view_accessevent"):
        week_ago = timezone.now() - timedelta(days=7)
        context["access_events_week"] = AccessEvent.objects.filter(timestamp__gte=week_ago).count()
    return render(request, "compliance/dashboard.html", context)


def _disk_usage() -> dict[str, float]:
    usage = media_disk_usage()
    return {
        "free_gib": usage.free / 2**30,
        "total_gib": usage.total / 2**30,
        "used_percent": round(100 * usage.used / usage.total) if usage.total else 0,
    }


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: answers without a session, reveals nothing."""
    return JsonResponse({"status": "ok"})

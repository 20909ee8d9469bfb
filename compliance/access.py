"""The only place views decide who may see or change what.

Every view that touches an object fetches it through an `access_*` function. Where
the object's existence must not leak, a refusal is a 404, the same answer as for an
object that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from compliance.models import JobRun


def require_perm(user: Any, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def access_access_log(user: Any) -> None:
    require_perm(user, "compliance.view_accessevent")


def access_access_log_verify(user: Any) -> None:
    require_perm(user, "compliance.verify_access_log")


def access_retention(user: Any) -> None:
    require_perm(user, "compliance.view_retention")


def access_job(user: Any, pk: int) -> JobRun:
    """A job is visible to whoever started it and to those who may see every job."""
    try:
        job = JobRun.objects.select_related("started_by").get(pk=pk)
    except JobRun.DoesNotExist:
        raise Http404 from None
    if job.started_by_id == user.pk or user.has_perm("compliance.view_jobrun"):
        return job
    raise Http404


def access_job_cancel(user: Any, pk: int) -> JobRun:
    job = access_job(user, pk)
    if job.started_by_id != user.pk and not user.has_perm("compliance.change_jobrun"):
        raise PermissionDenied
    return job


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, trusting only as many X-Forwarded-For hops as there are proxies."""
    if settings.PROXY_COUNT:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= settings.PROXY_COUNT:
            return hops[-settings.PROXY_COUNT]
    return request.META.get("REMOTE_ADDR")


def access_manage_retention(user: Any) -> None:
    require_perm(user, "compliance.manage_retention")

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from compliance.access import access_job, access_job_cancel
from compliance.jobs import job_cancel, reap_abandoned_jobs


@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx partial a page polls; it stops polling once the job has ended."""
    job = access_job(request.user, pk)
    if job.is_active:
        # Polling is also when a dead worker is noticed, even with no scheduler running.
        reap_abandoned_jobs()
        job.refresh_from_db()
    return render(request, "partials/job_progress.html", {"job": job})


@require_POST
def job_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = access_job_cancel(request.user, pk)
    job_cancel(job=job)
    job.refresh_from_db()
    return render(request, "partials/job_progress.html", {"job": job})

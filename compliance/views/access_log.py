from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compliance.access import access_access_log, access_access_log_verify
from compliance.forms import AccessLogFilterForm
from compliance.jobs import start_job
from compliance.models import JobRun


def access_log(request: HttpRequest) -> HttpResponse:
    access_access_log(request.user)
    form = AccessLogFilterForm(request.GET or None)
    events = form.filtered()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_verify": request.user.has_perm("compliance.verify_access_log"),
        "verify_job": JobRun.objects.filter(kind="access_log.verify").first(),
    }
    return render(request, "compliance/access_log.html", context)


@require_POST
def access_log_verify(request: HttpRequest) -> HttpResponse:
    access_access_log_verify(request.user)
    start_job(kind="access_log.verify", task="compliance.tasks.verify_access_log", started_by=request.user)
    messages.info(request, _("Verification started. The result appears below when it is done."))
    return redirect("access_log")

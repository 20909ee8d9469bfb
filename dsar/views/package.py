"""The answer package page of a ticket: start the package job, follow its progress, then
see each package's files with their hashes and download the zip or the cover letter
(staff only; every download is in the access log)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from compliance.access import client_ip
from compliance.access_log import record_access
from dsar.access import access_dsar, access_ticket
from dsar.answer.package import answer_package_request, included_items, package_jobs, package_problems
from dsar.models import DataSubjectRequest, ResponsePackage
from dsar.services.common import DsarError


def access_package(user: Any, pk: int) -> ResponsePackage:
    """A package, for those who handle requests; checked before the lookup."""
    access_dsar(user, handle=True)
    try:
        return ResponsePackage.objects.select_related("request", "created_by").get(pk=pk)
    except ResponsePackage.DoesNotExist:
        raise Http404 from None


@require_safe
def answer_package(request: HttpRequest, pk: int) -> HttpResponse:
    return package_page(request, access_ticket(request.user, pk, handle=True))


def package_page(request: HttpRequest, ticket: DataSubjectRequest) -> HttpResponse:
    job = package_jobs(ticket).select_related("started_by").first()
    context = {
        "ticket": ticket,
        "job": job,
        "problems": [] if job is not None and job.is_active else package_problems(ticket),
        "items": included_items(ticket),
        "packages": ticket.packages.select_related("created_by").all(),
    }
    return render(request, "dsar/answer_package.html", context)


@require_POST
def answer_package_start(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk, handle=True)
    try:
        answer_package_request(actor=request.user, request=ticket, ip=client_ip(request))
    except DsarError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The package is being made; this page shows its progress."))
    return redirect("dsar:answer_package", pk=ticket.pk)


def _stored(name: str) -> str:
    if not name or not default_storage.exists(name):
        raise Http404
    return name


@require_safe
def package_download(request: HttpRequest, pk: int) -> FileResponse:
    package = access_package(request.user, pk)
    name = _stored(str(package.file.name) if package.purged_at is None else "")
    record_access(
        actor=request.user, action="dsar.package_download", target=package, ip=client_ip(request),
        reason=f"{package.request.reference}: staff download of answer package {package.pk}",
    )  # fmt: skip
    response = FileResponse(
        default_storage.open(name, "rb"), content_type="application/zip", as_attachment=True,
        filename=f"{package.request.reference}-answer-{package.pk}.zip",
    )  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def package_letter(request: HttpRequest, pk: int) -> FileResponse:
    package = access_package(request.user, pk)
    name = _stored(str(package.letter.name) if package.purged_at is None else "")
    record_access(
        actor=request.user, action="dsar.package_letter_download", target=package, ip=client_ip(request),
        reason=f"{package.request.reference}: staff opened the cover letter of answer package {package.pk}",
    )  # fmt: skip
    response = FileResponse(
        default_storage.open(name, "rb"), content_type="application/pdf",
        filename=f"{package.request.reference}-letter-{package.pk}.pdf",
    )  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    return response

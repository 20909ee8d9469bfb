"""The requester's download pages, open without an account through the link staff sent.

The token in the address is the only key: it is looked up by its hash, never written to
a log (Django's "Not Found"/"Gone" warnings are suppressed for these pages, since they
would print the address), and no page sends it on as a Referer. Every page counts
against a per-address hourly limit; a link protected by a code asks for it once per
browser session. Files are streamed from storage, each download recorded on the ticket.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from compliance.access import client_ip
from compliance.models import Organisation
from dsar.answer.delivery import (
    CODE_DIGITS,
    DeliveryGone,
    LinkState,
    codes_left,
    delivery_code_check,
    delivery_download_record,
    delivery_link_find,
    link_state,
    package_files,
)
from dsar.models import DeliveryLink
from dsar.ratelimit import RATE_WINDOW_SECONDS, hourly_count

UNLOCKED = "dsar_download_unlocked"  # session key: the links whose code this browser gave

View = Callable[..., HttpResponseBase]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        help_text=gettext_lazy("The %(digits)s-digit code we sent you separately, for example by text message.")
        % {"digits": CODE_DIGITS},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def public_page(view: View) -> View:
    """Open without an account, limited per address and hour, in the organisation's time
    zone, never cached, sending no Referer, and never logged by address.

    Exempt from CSRF checks: with "no-referrer" browsers send `Origin: null` on these
    pages' forms, which Django refuses over HTTPS. Nothing is lost: every form posts to
    an address holding the token, so a forged post needs the token, which alone already
    gives everything the form does."""

    @csrf_exempt
    @login_not_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if _count(request) > int(settings.DSAR_DOWNLOAD_REQUESTS_PER_HOUR):
            response: HttpResponseBase = _problem(request, 429, _("Too many requests from your network"), [
                _("Your network has opened this page many times in the last hour. Please try again in an hour."),
            ])  # fmt: skip
            response["Retry-After"] = str(RATE_WINDOW_SECONDS)
        else:
            with timezone.override(zoneinfo.ZoneInfo(Organisation.current().time_zone)):
                response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex"
        # Django's request logger would print the address, token included, for any 4xx.
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response

    return wrapper


def _count(request: HttpRequest) -> int:
    return hourly_count("dsar-download", request)


def _active_link(request: HttpRequest, token: str) -> DeliveryLink | HttpResponse:
    """The link of this token if it still works; else the page that says why not."""
    link = delivery_link_find(token)
    if link is None:
        return _unknown(request)
    state = link_state(link)
    if state != LinkState.ACTIVE:
        return _gone(request, state)
    return link


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def link_page(request: HttpRequest, token: str) -> HttpResponse:
    link = _active_link(request, token)
    if isinstance(link, HttpResponse):
        return link
    if link.code_hash and not _unlocked(request, link):
        return _code_page(request, link, token)
    package = link.package
    context = {
        "organisation": Organisation.current(),
        "ticket": package.request,
        "link": link,
        "token": token,
        "files": [_listed(file) for file in package_files(package)],
    }
    return render(request, "dsar/download/files.html", context)


def _listed(file: Any) -> dict[str, Any]:
    try:
        size = default_storage.size(file.path)
    except OSError:
        size = None
    return {"file": file, "size": size}


def _code_page(request: HttpRequest, link: DeliveryLink, token: str) -> HttpResponse:
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        try:
            right = delivery_code_check(link=link, code=form.cleaned_data["code"], ip=client_ip(request))
        except DeliveryGone as gone:
            return _gone(request, gone.state)
        if right:
            request.session[UNLOCKED] = [*request.session.get(UNLOCKED, []), link.pk]
            return redirect("dsar_download:link", token=token)
        link.refresh_from_db()
        if link_state(link) == LinkState.LOCKED:
            return _gone(request, LinkState.LOCKED)
        form.add_error("code", _("This code is not right. %(left)s tries left.") % {"left": codes_left(link)})
        status = 400
    context = {"organisation": Organisation.current(), "form": form}
    return render(request, "dsar/download/code.html", context, status=status)


def _unlocked(request: HttpRequest, link: DeliveryLink) -> bool:
    return link.pk in request.session.get(UNLOCKED, [])


@public_page
@require_POST
def file_download(request: HttpRequest, token: str, which: str) -> HttpResponseBase:
    """Stream one file as an attachment; the download is recorded before the first byte.

    A button (POST), not a link: mail scanners and link previews follow links, and must
    neither spend a single-use link nor appear on the ticket as the requester."""
    link = _active_link(request, token)
    if isinstance(link, HttpResponse):
        return link
    if link.code_hash and not _unlocked(request, link):
        return redirect("dsar_download:link", token=token)
    file = next((file for file in package_files(link.package) if file.which == which), None)
    try:
        # Opened first: a purge that removes the file meanwhile cannot cut the download.
        handle = default_storage.open(file.path, "rb") if file else None
    except OSError:
        handle = None
    if file is None or handle is None:
        return _missing(request)
    try:
        user_agent = request.META.get("HTTP_USER_AGENT", "")
        delivery_download_record(link=link, file=file, ip=client_ip(request), user_agent=user_agent)
    except DeliveryGone as gone:
        handle.close()
        return _gone(request, gone.state)
    return FileResponse(handle, as_attachment=True, filename=file.name, content_type=file.content_type)


GONE_TEXT = {
    LinkState.EXPIRED: gettext_lazy("This link has expired. Links work for a limited time to keep your data safe."),
    LinkState.REVOKED: gettext_lazy("This link has been withdrawn and no longer works."),
    LinkState.USED: gettext_lazy("This link worked for one download only, and it has been used."),
    LinkState.LOCKED: gettext_lazy("This link is locked because a wrong code was entered too many times."),
    LinkState.PURGED: gettext_lazy("The files of this link have been deleted."),
}


def _gone(request: HttpRequest, state: str) -> HttpResponse:
    return _problem(request, 410, _("This link no longer works"), [
        str(GONE_TEXT[LinkState(state)]),
        _("If you still need the files, ask us for a new link."),
    ])  # fmt: skip


def _unknown(request: HttpRequest) -> HttpResponse:
    return _problem(request, 404, _("This link does not work"), [
        _("The link may have been copied incompletely. Copy the whole link from our e-mail and try again."),
    ])  # fmt: skip


def _missing(request: HttpRequest) -> HttpResponse:
    return _problem(request, 404, _("This file is not available"), [
        _("We cannot find this file at the moment. Nothing was recorded as downloaded."),
    ])  # fmt: skip


def _problem(request: HttpRequest, status: int, title: str, paragraphs: list[str]) -> HttpResponse:
    """A page that says what happened and whom to write to, naming no request."""
    context = {"organisation": Organisation.current(), "title": title, "paragraphs": paragraphs}
    return render(request, "dsar/download/problem.html", context, status=status)

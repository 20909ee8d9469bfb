"""The public request form, open without an account: rate-limited per address, guarded
against automated posts, and answered with an acknowledgement that names the reference
and the statutory due date. Both this form and the REST API log the request through
`dsar_create`, waiting for proof of identity."""

from __future__ import annotations

import logging
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from compliance.access import client_ip
from compliance.models import IdentityClock, Organisation
from compliance.vault import VaultError
from dsar.models import Channel, DataSubjectRequest
from dsar.public_forms import HONEYPOT, STAMP, BaseWindowFormSet, IntakeForm, WindowFormSet, form_stamp
from dsar.ratelimit import RATE_WINDOW_SECONDS, hourly_count, hourly_used
from dsar.services import DsarError, dsar_create
from dsar.services.photo import MAX_PHOTO_BYTES

logger = logging.getLogger(__name__)

ACK_SALT = "dsar.public.acknowledgement"
# Long enough to reload or bookmark the page after sending; the e-mail keeps the reference.
ACK_MAX_AGE_SECONDS = 7 * 24 * 3600
RATE_SCOPE = "dsar-public-form"
# The text fields of the form, beyond the photo; a larger body is refused before it is read.
FORM_OVERHEAD_BYTES = 1024 * 1024


@login_not_required
@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest) -> HttpResponse:
    organisation = Organisation.current()
    if request.method == "POST":
        if submissions_left(request) <= 0:
            return _problem(request, 429, _("Too many requests from your network"), [
                _("We have received several requests from your network in the last hour. Please try again in an hour."),
                _("If you need to reach us sooner, write to us by e-mail or post."),
            ], headers={"Retry-After": str(RATE_WINDOW_SECONDS)})  # fmt: skip
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_PHOTO_BYTES + FORM_OVERHEAD_BYTES:
            return _problem(request, 413, _("The form is too large"), [
                _("The photo is larger than %(size)s MB. Go back and choose a smaller one.")
                % {"size": MAX_PHOTO_BYTES // (1024 * 1024)},
            ])  # fmt: skip
    with timezone.override(zoneinfo.ZoneInfo(organisation.time_zone)):
        return _request_form(request, organisation)


def _request_form(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    if request.method != "POST":
        form = IntakeForm()
        return _show_form(request, organisation, form, WindowFormSet(prefix="windows"))
    form = IntakeForm(request.POST, request.FILES)
    windows = WindowFormSet(request.POST, prefix="windows")
    if form.looks_automated():
        count_submission(request)
        # Neutral on purpose: nothing tells a robot which check it failed. A person who was
        # merely quick, or kept the page open for a day, can send the form again.
        logger.info("Public request form refused as automated")
        return _show_form(
            request, organisation, form, windows, status=400,
            refused=_("Your request was not sent. Please check the form and send it again."),
        )  # fmt: skip
    if not (form.is_valid() and windows.is_valid()):
        return _show_form(request, organisation, form, windows, status=400)
    data = form.cleaned_data
    try:
        ticket = dsar_create(
            actor=None,
            kind=data["kind"],
            channel=Channel.WEB_FORM,
            requester_name=data["name"],
            requester_email=data["email"],
            requester_phone=data["phone"],
            requester_address=data["address"],
            description=form.description_text(),
            sites=data["sites"],
            windows=windows.windows(),
            photo=form.photo_data,
            identity_pending=True,
            ip=client_ip(request),
        )
    except DsarError as exc:
        form.add_error(None, exc.message)
        return _show_form(request, organisation, form, windows, status=400)
    except VaultError:
        logger.exception("Public request form: the vault cannot pseudonymise the requester")
        return _problem(request, 503, _("We cannot take requests online at the moment"), [
            _("Your request was not saved. Please try again later, or write to us by e-mail or post."),
        ])  # fmt: skip
    count_submission(request)
    if data["email"]:
        send_acknowledgement(ticket, data["email"])
    return redirect("dsar_public:acknowledgement", token=acknowledgement_token(ticket))


def _show_form(
    request: HttpRequest,
    organisation: Organisation,
    form: IntakeForm,
    windows: BaseWindowFormSet,
    *,
    status: int = 200,
    refused: str = "",
) -> HttpResponse:
    context = {
        "organisation": organisation,
        "form": form,
        "windows": windows,
        "refused": refused,
        "stamp": form_stamp(),
        "honeypot": HONEYPOT,
        "stamp_field": STAMP,
        "errors": error_summary(form, windows),
        "time_zone": organisation.time_zone,
    }
    return render(request, "dsar/public/form.html", context, status=status)


def error_summary(form: IntakeForm, windows: BaseWindowFormSet) -> list[dict[str, str]]:
    """Every error of the form and its time windows, each with the id of the field to fix."""
    if not form.is_bound:
        return []
    items = [{"target": "request-form", "message": str(error)} for error in form.non_field_errors()]
    for field in form:
        items.extend({"target": _field_id(field), "message": str(error)} for error in field.errors)
    first_window = windows.forms[0]["start"].id_for_label
    items.extend({"target": first_window, "message": str(error)} for error in windows.non_form_errors())
    for number, window in enumerate(windows.forms, start=1):
        for field in window:
            for error in field.errors:
                message = _("Time %(number)s: %(error)s") % {"number": number, "error": error}
                items.append({"target": field.id_for_label, "message": message})
    return items


def _field_id(field: Any) -> str:
    # A group of radios or checkboxes is reached through its first option.
    if field.name in ("kind", "sites"):
        return f"{field.auto_id}_0"
    return str(field.id_for_label)


@login_not_required
@require_GET
def acknowledgement(request: HttpRequest, token: str) -> HttpResponse:
    """The acknowledgement of one request, only through the signed link the form redirected to."""
    try:
        pk = signing.loads(token, salt=ACK_SALT, max_age=ACK_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return _not_found(request)
    ticket = DataSubjectRequest.objects.filter(pk=pk).first()
    if ticket is None:
        return _not_found(request)
    organisation = Organisation.current()
    context = {"organisation": organisation, "ticket": ticket, "clock_note": clock_note(organisation)}
    with timezone.override(zoneinfo.ZoneInfo(organisation.time_zone)):
        return render(request, "dsar/public/acknowledgement.html", context)


def acknowledgement_token(ticket: DataSubjectRequest) -> str:
    """A link that shows this request's acknowledgement and no other: signed, and expiring."""
    return signing.dumps(ticket.pk, salt=ACK_SALT)


def clock_note(organisation: Organisation) -> str:
    """What the wait for proof of identity does to the due date, under the organisation's policy."""
    if organisation.identity_clock == IdentityClock.RESTART:
        return _(
            "We need proof of your identity before we can answer. The one-month period starts "
            "again on the day we receive it; the date above applies if it arrives today."
        )
    return _(
        "We need proof of your identity before we can answer. The time limit is paused while we "
        "wait for it: the date above moves later by the number of days we wait."
    )


def send_acknowledgement(ticket: DataSubjectRequest, email: str) -> bool:
    """E-mail the acknowledgement to the requester; a mail server that fails does not undo
    the request, which is logged already. Returns whether the mail went out."""
    organisation = Organisation.current()
    context = {"organisation": organisation, "ticket": ticket, "clock_note": clock_note(organisation)}
    subject = _("Your request %(reference)s") % {"reference": ticket.reference}
    body = render_to_string("dsar/public/acknowledgement_email.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    except OSError:
        logger.exception("The acknowledgement of %s could not be e-mailed", ticket.reference)
        return False
    return True


def submissions_left(request: HttpRequest) -> int:
    """How many more forms this address may send in the current hour."""
    return int(settings.DSAR_PUBLIC_REQUESTS_PER_HOUR) - hourly_used(RATE_SCOPE, request)


def count_submission(request: HttpRequest) -> None:
    """Count a form that was taken or refused as automated (corrected typos do not count)."""
    hourly_count(RATE_SCOPE, request)


def _not_found(request: HttpRequest) -> HttpResponse:
    return _problem(request, 404, _("This link does not work"), [
        _("The link may have expired or been copied incompletely. Your request is not affected: keep "
          "the reference from our e-mail, and quote it when you write to us."),
    ])  # fmt: skip


def _problem(
    request: HttpRequest, status: int, title: str, paragraphs: list[str], headers: dict[str, str] | None = None
) -> HttpResponse:
    context = {"organisation": Organisation.current(), "title": title, "paragraphs": paragraphs}
    response = render(request, "dsar/public/problem.html", context, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response

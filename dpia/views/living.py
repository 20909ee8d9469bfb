"""The living assessment's pages and buttons: review scheduling, a review done, "check
now" against the configuration, the compliance-effort page and the dashboard panel."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from compliance.access import client_ip, require_perm
from compliance.effort import effort_source
from compliance.organisation import local_today
from dpia.access import access_assessment
from dpia.effort import effort_rows
from dpia.living import assessment_check_drift
from dpia.reviews import MAX_INTERVAL_DAYS, assessment_review_schedule, assessment_reviewed, reviews_soon
from dpia.selectors import review_needed, reviews_due
from dpia.services.common import DpiaError


class ScheduleForm(forms.Form):
    next_review = forms.DateField(label=gettext_lazy("Next review"), required=False)
    interval_days = forms.IntegerField(
        label=gettext_lazy("Days between reviews"), min_value=1, max_value=MAX_INTERVAL_DAYS
    )


class ReviewedForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("What the review checked and concluded"), max_length=4000)


def _back(reference: str) -> HttpResponse:
    return redirect("dpia:assessment", reference)


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


@require_POST
def review_schedule(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.edit_dpia")
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(reference)
    try:
        assessment_review_schedule(
            assessment=item,
            next_review=form.cleaned_data["next_review"],
            interval_days=form.cleaned_data["interval_days"],
            actor=request.user,
            ip=client_ip(request),
        )
    except DpiaError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The review schedule is saved."))
    return _back(reference)


@require_POST
def reviewed(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.sign_dpia")
    form = ReviewedForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(reference)
    try:
        assessment_reviewed(assessment=item, actor=request.user, note=form.cleaned_data["note"], ip=client_ip(request))
    except DpiaError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The review is recorded."))
    return _back(reference)


@require_POST
def drift_check(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.edit_dpia")
    if not item.baseline:
        messages.info(request, _("No version is approved yet; the configuration is compared with an approved version."))
        return _back(reference)
    drift = assessment_check_drift(assessment=item)
    if drift:
        messages.warning(
            request,
            ngettext(
                "The configuration differs from the approved assessment in %(count)d way.",
                "The configuration differs from the approved assessment in %(count)d ways.",
                len(drift),
            )
            % {"count": len(drift)},
        )
    else:
        messages.success(request, _("The configuration matches the approved assessment."))
    return _back(reference)


def effort(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "dpia.view_dpia")
    return render(request, "dpia/effort.html", {"rows": effort_rows(), "dsar": effort_source("dsar")})


def dashboard_panel(user: Any) -> dict[str, Any] | None:
    """Assessments needing attention, for the main dashboard; None for those who may not see them."""
    if not user.has_perm("dpia.view_dpia"):
        return None
    today = local_today()
    return {
        "needing_review": review_needed(),
        "overdue": reviews_due(today),
        "soon": reviews_soon(today),
        "today": today,
    }


urlpatterns: list[URLPattern] = [
    path("effort/", effort, name="effort"),
    path("<dpia_ref:reference>/review/schedule/", review_schedule, name="review_schedule"),
    path("<dpia_ref:reference>/review/done/", reviewed, name="reviewed"),
    path("<dpia_ref:reference>/drift/check/", drift_check, name="drift_check"),
]

"""The overview of one assessment: what it covers, where it stands, its history."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from dpia.access import access_assessment
from dpia.forms.scope import ScopeForm
from dpia.living import assessment_check_drift
from dpia.services.assessments import assessment_scope_set
from dpia.views.common import assessment_context


def assessment(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference)
    context = assessment_context(request, item, "dpia:assessment")
    context.update(
        {
            "versions": item.versions.order_by("-number"),
            "events": item.events.select_related("actor").order_by("-at", "-id")[:50],
            "cameras": item.cameras.select_related("site").order_by("name"),
            "sites": item.sites.order_by("name"),
            "policies": item.retention_policies.select_related("camera"),
            "today": timezone.localdate(),
        }
    )
    return render(request, "dpia/assessment.html", context)


def assessment_scope(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.edit_dpia")
    initial = {
        "cameras": item.cameras.all(),
        "sites": item.sites.all(),
        "policies": item.retention_policies.all(),
    }
    form = ScopeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        assessment_scope_set(
            assessment=item,
            actor=request.user,
            cameras=form.cleaned_data["cameras"],
            sites=form.cleaned_data["sites"],
            policies=form.cleaned_data["policies"],
        )
        # Compare at once, as after any configuration change, rather than at the next hourly run.
        drift = assessment_check_drift(assessment=item)
        messages.success(request, _("What the assessment covers is saved."))
        if drift:
            messages.warning(request, _("It now differs from the approved version: review needed."))
        return redirect("dpia:assessment", reference)
    context = assessment_context(request, item, "dpia:assessment")
    context["form"] = form
    return render(request, "dpia/assessment_scope.html", context)


urlpatterns: list[URLPattern] = [
    path("<dpia_ref:reference>/", assessment, name="assessment"),
    path("<dpia_ref:reference>/scope/", assessment_scope, name="assessment_scope"),
]

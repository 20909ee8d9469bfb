"""The overview of one assessment: what it covers, where it stands, its history."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from dpia.access import access_assessment
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


urlpatterns: list[URLPattern] = [
    path("<dpia_ref:reference>/", assessment, name="assessment"),
]

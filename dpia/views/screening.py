"""Screening a processing (does it need a DPIA?), the screenings done, and starting the
assessment from one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compliance.access import client_ip, require_perm
from dpia.forms.screening import ScreeningForm
from dpia.models import Assessment, Screening
from dpia.screening import register_facts, register_support
from dpia.screening_questions import ANSWER_CHOICES, QUESTIONS, YES
from dpia.services.common import DpiaError
from dpia.services.screening import screening_create, screening_start_assessment
from media_processing.models import Camera, ZoneType


def access_screening(user: Any, pk: int, perm: str = "dpia.view_dpia") -> Screening:
    """As `dpia.access.access_assessment`: 404 without the view permission, 403 without `perm`."""
    if not user.has_perm("dpia.view_dpia"):
        raise Http404
    try:
        screening = Screening.objects.select_related("created_by").get(pk=pk)
    except Screening.DoesNotExist:
        raise Http404 from None
    require_perm(user, perm)
    return screening


def screenings(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "dpia.view_dpia")
    rows = Screening.objects.select_related("created_by", "assessment").order_by("-created_at")
    return render(request, "dpia/screenings.html", {"screenings": rows})


def screening_new(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "dpia.edit_dpia")
    data = request.POST if request.method == "POST" else None
    chosen = _chosen_cameras(data.getlist("cameras") if data is not None else request.GET.getlist("cameras"))
    support = register_support(register_facts(chosen))
    if data is not None and "refresh" not in data:
        form = ScreeningForm(data)
        if form.is_valid():
            try:
                screening = screening_create(
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    cameras=form.cleaned_data["cameras"],
                    answers=form.answers(),
                    ip=client_ip(request),
                )
            except DpiaError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("dpia:screening", pk=screening.pk)
    else:
        form = ScreeningForm(initial=_initial(data, chosen, support))
    context = {"form": form, "groups": form.groups(support), "chosen": chosen}
    return render(request, "dpia/screening_form.html", context)


def _chosen_cameras(values: list[str]) -> list[Camera]:
    ids = [int(value) for value in values if value.isdigit()]
    return list(Camera.objects.select_related("site").filter(pk__in=ids).order_by("site__name", "name"))


def _initial(data: Any, cameras: list[Camera], support: dict[str, list[str]]) -> dict[str, Any]:
    """The answers given so far, and yes where the register answers the question."""
    valid = dict(ANSWER_CHOICES)
    initial: dict[str, Any] = {"title": data.get("title", "") if data is not None else "", "cameras": cameras}
    for question in QUESTIONS:
        value = data.get(question.key) if data is not None else None
        if question.key in support:
            value = YES
        if value in valid:
            initial[question.key] = value
    return initial


def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    screening = access_screening(request.user, pk)
    answer_labels = dict(ANSWER_CHOICES)
    zone_labels = dict(ZoneType.choices)
    context = {
        "screening": screening,
        "assessment": Assessment.objects.filter(screening=screening).first(),
        "answers": [
            (question.name, answer_labels[screening.answers[question.key]])
            for question in QUESTIONS
            if screening.answers.get(question.key) in answer_labels
        ],
        "facts": screening.register,
        "cameras": [
            {**camera, "zone_labels": [zone_labels.get(zone, zone) for zone in camera["zones"]]}
            for camera in screening.register.get("per_camera", [])
        ],
        "can_edit": request.user.has_perm("dpia.edit_dpia"),
    }
    return render(request, "dpia/screening.html", context)


@require_POST
def screening_start(request: HttpRequest, pk: int) -> HttpResponse:
    screening = access_screening(request.user, pk, "dpia.edit_dpia")
    started = Assessment.objects.filter(screening=screening).first()
    if started is not None:
        messages.info(request, _("This screening already started %(reference)s.") % {"reference": started.reference})
        return redirect("dpia:assessment", reference=started.reference)
    try:
        assessment = screening_start_assessment(screening=screening, actor=request.user, ip=client_ip(request))
    except DpiaError as exc:
        messages.error(request, exc.message)
        return redirect("dpia:screening", pk=screening.pk)
    messages.success(
        request,
        _("%(reference)s started from the screening; check every pre-filled answer.")
        % {"reference": assessment.reference},
    )
    return redirect("dpia:assessment", reference=assessment.reference)


urlpatterns: list[URLPattern] = [
    path("screening/", screenings, name="screenings"),
    path("screening/new/", screening_new, name="screening_new"),
    path("screening/<int:pk>/", screening_detail, name="screening"),
    path("screening/<int:pk>/start/", screening_start, name="screening_start"),
]

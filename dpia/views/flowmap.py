"""The data-flow map tab: the diagram, its inconsistencies, and editing stages and systems.

Stages and systems are looked up in the newest version of this assessment only, so the
rows of another assessment or of an older version answer 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dpia.access import access_assessment
from dpia.diagrams.flow import flow_svg
from dpia.document import version_document
from dpia.forms.flowmap import StageForm, SystemForm
from dpia.map_checks import map_findings, retention_limit_days
from dpia.models import Assessment, DataCategory, FlowStage, FlowSystem
from dpia.services import flowmap as services
from dpia.services.common import current_version
from dpia.views.common import assessment_context, attempt, draft_or_message

EDIT = "dpia.edit_dpia"


def flow_map(request: HttpRequest, reference: str) -> HttpResponse:
    assessment = access_assessment(request.user, reference)
    return _page(request, assessment)


def _page(
    request: HttpRequest,
    assessment: Assessment,
    *,
    stage_form: StageForm | None = None,
    system_form: tuple[int, SystemForm] | None = None,
) -> HttpResponse:
    context = assessment_context(request, assessment, "dpia:flow_map")
    version = context["version"]
    document = version_document(version)
    stages = list(version.stages.prefetch_related("systems").order_by("order", "id"))
    limit = retention_limit_days(assessment)
    context.update(
        {
            "diagram": flow_svg(document),
            "findings": map_findings(document, retention_limit_days=limit),
            "retention_limit": limit,
            "stages": [_stage_row(stage, system_form) for stage in stages],
            "stage_form": stage_form or StageForm(),
        }
    )
    return render(request, "dpia/flow_map.html", context)


def _stage_row(stage: FlowStage, bound: tuple[int, SystemForm] | None) -> dict[str, Any]:
    form = bound[1] if bound and bound[0] == stage.pk else SystemForm(prefix=f"stage-{stage.pk}")
    return {"stage": stage, "systems": [_system_row(system) for system in stage.systems.all()], "form": form}


def _system_row(system: FlowSystem) -> dict[str, Any]:
    labels = dict(DataCategory.choices)
    return {
        "system": system,
        "categories": [labels.get(category, category) for category in system.data_categories],
        "special": DataCategory.BIOMETRIC in system.data_categories,
    }


def _stage(assessment: Assessment, pk: int) -> FlowStage:
    return get_object_or_404(FlowStage, pk=pk, version=current_version(assessment))


def _system(assessment: Assessment, pk: int) -> FlowSystem:
    return get_object_or_404(
        FlowSystem.objects.select_related("stage"), pk=pk, stage__version=current_version(assessment)
    )


def _back(assessment: Assessment) -> HttpResponse:
    return redirect("dpia:flow_map", assessment.reference)


@require_POST
def flow_stage_add(request: HttpRequest, reference: str) -> HttpResponse:
    assessment = access_assessment(request.user, reference, EDIT)
    if not draft_or_message(request, assessment):
        return _back(assessment)
    form = StageForm(request.POST)
    if not form.is_valid():
        return _page(request, assessment, stage_form=form)
    attempt(
        request,
        lambda: services.flow_stage_add(version=current_version(assessment), actor=request.user, **form.cleaned_data),
        lambda stage: _("Stage “%(name)s” added.") % {"name": stage.name},
    )
    return _back(assessment)


def flow_stage_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    assessment = access_assessment(request.user, reference, EDIT)
    stage = _stage(assessment, pk)
    if not draft_or_message(request, assessment):
        return _back(assessment)
    form = StageForm(request.POST) if request.method == "POST" else StageForm.for_stage(stage)
    if request.method == "POST" and form.is_valid():
        attempt(
            request,
            lambda: services.flow_stage_update(stage=stage, actor=request.user, **form.cleaned_data),
            lambda done: _("Stage saved."),
        )
        return _back(assessment)
    context = assessment_context(request, assessment, "dpia:flow_map")
    context.update({"stage": stage, "form": form})
    return render(request, "dpia/flow_stage_form.html", context)


@require_POST
def flow_stage_remove(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    assessment = access_assessment(request.user, reference, EDIT)
    stage = _stage(assessment, pk)
    attempt(
        request,
        lambda: services.flow_stage_remove(stage=stage, actor=request.user),
        lambda done: _("Stage “%(name)s” removed.") % {"name": stage.name},
    )
    return _back(assessment)


@require_POST
def flow_stage_move(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    assessment = access_assessment(request.user, reference, EDIT)
    stage = _stage(assessment, pk)
    attempt(
        request,
        lambda: services.flow_stage_move(stage=stage, actor=request.user, direction=request.POST.get("direction", "")),
        lambda done: _("Stage “%(name)s” moved.") % {"name": stage.name},
    )
    return _back(assessment)


@require_POST
def flow_system_add(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    assessment = access_assessment(request.user, reference, EDIT)
    stage = _stage(assessment, pk)
    if not draft_or_message(request, assessment):
        return _back(assessment)
    form = SystemForm(request.POST, prefix=f"stage-{stage.pk}")
    if not form.is_valid():
        return _page(request, assessment, system_form=(stage.pk, form))
    attempt(
        request,
        lambda: services.flow_system_add(stage=stage, actor=request.user, **form.cleaned_data),
        lambda system: _("System “%(name)s” added.") % {"name": system.name},
    )
    return _back(assessment)


def flow_system_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    assessment = access_assessment(request.user, reference, EDIT)
    system = _system(assessment, pk)
    if not draft_or_message(request, assessment):
        return _back(assessment)
    form = SystemForm(request.POST) if request.method == "POST" else SystemForm.for_system(system)
    if request.method == "POST" and form.is_valid():
        attempt(
            request,
            lambda: services.flow_system_update(system=system, actor=request.user, **form.cleaned_data),
            lambda done: _("System saved."),
        )
        return _back(assessment)
    context = assessment_context(request, assessment, "dpia:flow_map")
    context.update({"system": system, "form": form})
    return render(request, "dpia/flow_system_form.html", context)


@require_POST
def flow_system_remove(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    assessment = access_assessment(request.user, reference, EDIT)
    system = _system(assessment, pk)
    attempt(
        request,
        lambda: services.flow_system_remove(system=system, actor=request.user),
        lambda done: _("System “%(name)s” removed.") % {"name": system.name},
    )
    return _back(assessment)


urlpatterns: list[URLPattern] = [
    path("<dpia_ref:reference>/map/", flow_map, name="flow_map"),
    path("<dpia_ref:reference>/map/stages/", flow_stage_add, name="flow_stage_add"),
    path("<dpia_ref:reference>/map/stages/<int:pk>/", flow_stage_edit, name="flow_stage_edit"),
    path("<dpia_ref:reference>/map/stages/<int:pk>/remove/", flow_stage_remove, name="flow_stage_remove"),
    path("<dpia_ref:reference>/map/stages/<int:pk>/move/", flow_stage_move, name="flow_stage_move"),
    path("<dpia_ref:reference>/map/stages/<int:pk>/systems/", flow_system_add, name="flow_system_add"),
    path("<dpia_ref:reference>/map/systems/<int:pk>/", flow_system_edit, name="flow_system_edit"),
    path("<dpia_ref:reference>/map/systems/<int:pk>/remove/", flow_system_remove, name="flow_system_remove"),
]

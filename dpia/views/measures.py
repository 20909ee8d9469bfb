"""The measures of the Risks and measures tab: add, change, remove (routes listed by
`dpia.views.risks`). A measure may start from a catalogue safeguard."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dpia.access import access_assessment
from dpia.forms.risks import MeasureForm
from dpia.models import AssessmentVersion, Measure
from dpia.services.common import DpiaError, require_draft
from dpia.services.risks import measure_add, measure_remove, measure_update
from dpia.views.common import assessment_context

TAB = "dpia:risks"


def measure_add_view(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.edit_dpia")
    context = assessment_context(request, item, TAB)
    version = context["version"]
    if refused := refuse_unless_draft(request, version):
        return refused
    form = MeasureForm(request.POST or None, version=version, initial=_from_query(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            measure = measure_add(
                version=version, actor=request.user, values=data, safeguard=data["safeguard"], risks=data["risks"]
            )
        except DpiaError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Measure “%(title)s” added.") % {"title": measure.title})
            return redirect(TAB, reference)
    context.update({"form": form, "measure": None})
    return render(request, "dpia/measure_form.html", context)


def measure_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    perm = "dpia.edit_dpia" if request.method == "POST" else "dpia.view_dpia"
    item = access_assessment(request.user, reference, perm)
    context = assessment_context(request, item, TAB)
    version = context["version"]
    measure = get_object_or_404(Measure, pk=pk, version=version)
    if request.method == "POST" and (refused := refuse_unless_draft(request, version)):
        return refused
    if request.method == "POST":
        form = MeasureForm(request.POST, version=version, measure=measure)
        if form.is_valid():
            data = form.cleaned_data
            try:
                measure_update(
                    measure=measure, actor=request.user, values=data, safeguard=data["safeguard"], risks=data["risks"]
                )
            except DpiaError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Measure saved."))
                return redirect(TAB, reference)
    else:
        form = MeasureForm.for_measure(measure, read_only=not context["can_edit"])
    context.update({"form": form, "measure": measure})
    return render(request, "dpia/measure_form.html", context)


@require_POST
def measure_remove_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.edit_dpia")
    version = assessment_context(request, item, TAB)["version"]
    measure = get_object_or_404(Measure, pk=pk, version=version)
    try:
        measure_remove(measure=measure, actor=request.user)
    except DpiaError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Measure “%(title)s” removed.") % {"title": measure.title})
    return redirect(TAB, reference)


def _from_query(request: HttpRequest) -> dict[str, str]:
    """`?safeguard=<id>` preselects a catalogue safeguard (links from a risk's suggestions)."""
    value = request.GET.get("safeguard", "")
    return {"safeguard": value} if value.isdigit() else {}


def refuse_unless_draft(request: HttpRequest, version: AssessmentVersion) -> HttpResponse | None:
    """Back to the tab with the reason, when the version can no longer change."""
    try:
        require_draft(version)
    except DpiaError as error:
        messages.error(request, error.message)
        return redirect(TAB, version.assessment.reference)
    return None


urlpatterns: list[URLPattern] = [
    path("<dpia_ref:reference>/measures/add/", measure_add_view, name="measure_add"),
    path("<dpia_ref:reference>/measures/<int:pk>/", measure_edit, name="measure_edit"),
    path("<dpia_ref:reference>/measures/<int:pk>/remove/", measure_remove_view, name="measure_remove"),
]

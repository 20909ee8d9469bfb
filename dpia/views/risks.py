"""The Risks and measures tab: heat maps, the risks with their ratings, the measures, the
action plan, and the pages that add, change and remove risks (measures: `dpia.views.measures`).

Pages show the newest version; its rows are found only within it, so the number of a risk
of another version or assessment answers 404. Changes are refused unless it is a draft.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from dpia.access import access_assessment
from dpia.action_plan import action_plan, measure_risks
from dpia.diagrams.heatmap import heatmap_svg, level_names
from dpia.document import version_document
from dpia.feared_events import CATALOGUE
from dpia.forms.risks import CatalogueRisksForm, RiskForm
from dpia.models import AssessmentVersion, Risk, Safeguard, Scale
from dpia.risk_catalogue import STAGES, level_labels, rated_level, residual_high
from dpia.services.common import DpiaError
from dpia.services.risks import risk_add, risk_remove, risk_update, risks_add_from_catalogue
from dpia.services.scale import version_scale_set
from dpia.views.common import assessment_context
from dpia.views.measures import refuse_unless_draft
from dpia.views.measures import urlpatterns as measure_urls

TAB = "dpia:risks"


def risks(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference)
    context = assessment_context(request, item, TAB)
    version: AssessmentVersion = context["version"]
    document = version_document(version)
    risk_rows = list(version.risks.order_by("order", "id").prefetch_related("measures"))
    measure_rows = list(version.measures.select_related("safeguard").order_by("id"))
    present = {risk.kind for risk in risk_rows}
    catalogue = CatalogueRisksForm()
    kinds: Any = catalogue.fields["kinds"]
    kinds.choices = [(kind, entry.title) for kind, entry in CATALOGUE.items() if kind not in present]
    context.update(
        {
            "heatmap_before": heatmap_svg(document, stage="before"),
            "heatmap_residual": heatmap_svg(document, stage="residual"),
            "risk_rows": _risk_rows(version, document, risk_rows),
            "measure_rows": _measure_rows(document, measure_rows),
            "actions": [
                {"action": action, "measure": measure_rows[action.index]}
                for action in action_plan(document, timezone.localdate())
            ],
            "residual_high": residual_high(document),
            "catalogue_form": catalogue if kinds.choices else None,
            "scales": Scale.choices,
        }
    )
    return render(request, "dpia/risks.html", context)


def _risk_rows(version: AssessmentVersion, document: dict[str, Any], rows: list[Risk]) -> list[dict[str, Any]]:
    """Each risk with its number and, per stage, its ratings and level in words."""
    severities, likelihoods = level_labels(version.scale)
    names = level_names()
    result = []
    for number, (risk, data) in enumerate(zip(rows, document["risks"], strict=True), start=1):
        ratings = []
        for stage in STAGES:
            level = rated_level(data, stage, version.scale)
            severity, likelihood = data[f"{stage}_severity"], data[f"{stage}_likelihood"]
            ratings.append(
                {
                    "severity": severities.get(severity, "?"),
                    "likelihood": likelihoods.get(likelihood, "?"),
                    "level": level,
                    "level_name": names[level] if level else _("not rated"),
                    "justification": data[f"{stage}_justification"],
                }
            )
        result.append({"number": f"R{number}", "risk": risk, "ratings": ratings})
    return result


def _measure_rows(document: dict[str, Any], rows: list[Any]) -> list[dict[str, Any]]:
    linked = measure_risks(document)
    return [{"measure": measure, "risks": linked.get(index, ())} for index, measure in enumerate(rows)]


def risk_add_view(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.edit_dpia")
    context = assessment_context(request, item, TAB)
    version = context["version"]
    if refused := refuse_unless_draft(request, version):
        return refused
    form = RiskForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            risk = risk_add(version=version, actor=request.user, values=data, measures=data["measures"])
        except DpiaError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Risk “%(title)s” added.") % {"title": risk.title})
            return redirect(TAB, reference)
    context.update({"form": form, "risk": None, "suggested": []})
    return render(request, "dpia/risk_form.html", context)


def risk_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    perm = "dpia.edit_dpia" if request.method == "POST" else "dpia.view_dpia"
    item = access_assessment(request.user, reference, perm)
    context = assessment_context(request, item, TAB)
    version = context["version"]
    risk = get_object_or_404(Risk, pk=pk, version=version)
    if request.method == "POST" and (refused := refuse_unless_draft(request, version)):
        return refused
    if request.method == "POST":
        form = RiskForm(request.POST, version=version)
        if form.is_valid():
            data = form.cleaned_data
            try:
                risk_update(risk=risk, actor=request.user, values=data, measures=data["measures"])
            except DpiaError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Risk “%(title)s” saved.") % {"title": data["title"]})
                return redirect(TAB, reference)
    else:
        form = RiskForm.for_risk(risk, read_only=not context["can_edit"])
    keys = CATALOGUE[risk.kind].safeguards if risk.kind in CATALOGUE else ()
    context.update({"form": form, "risk": risk, "suggested": Safeguard.objects.filter(key__in=keys)})
    return render(request, "dpia/risk_form.html", context)


@require_POST
def risk_remove_view(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.edit_dpia")
    version = assessment_context(request, item, TAB)["version"]
    risk = get_object_or_404(Risk, pk=pk, version=version)
    try:
        risk_remove(risk=risk, actor=request.user)
    except DpiaError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Risk “%(title)s” removed.") % {"title": risk.title})
    return redirect(TAB, reference)


@require_POST
def risks_from_catalogue(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.edit_dpia")
    version = assessment_context(request, item, TAB)["version"]
    form = CatalogueRisksForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick at least one risk of the catalogue to add."))
        return redirect(TAB, reference)
    try:
        added = risks_add_from_catalogue(version=version, actor=request.user, kinds=form.cleaned_data["kinds"])
    except DpiaError as error:
        messages.error(request, error.message)
    else:
        if added:
            count = len(added)
            messages.success(
                request,
                ngettext(
                    "%(count)s risk added from the catalogue; confirm its ratings.",
                    "%(count)s risks added from the catalogue; confirm their ratings.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("These risks are already in the assessment."))
    return redirect(TAB, reference)


@require_POST
def risk_scale(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.edit_dpia")
    version = assessment_context(request, item, TAB)["version"]
    try:
        version = version_scale_set(version=version, scale=request.POST.get("scale", ""), actor=request.user)
    except DpiaError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Risks are rated on this scale now: %(scale)s. Check that each rating still says what you mean.")
            % {"scale": version.get_scale_display()},
        )
    return redirect(TAB, reference)


urlpatterns: list[URLPattern] = [
    path("<dpia_ref:reference>/risks/", risks, name="risks"),
    path("<dpia_ref:reference>/risks/add/", risk_add_view, name="risk_add"),
    path("<dpia_ref:reference>/risks/catalogue/", risks_from_catalogue, name="risks_from_catalogue"),
    path("<dpia_ref:reference>/risks/scale/", risk_scale, name="risk_scale"),
    path("<dpia_ref:reference>/risks/<int:pk>/", risk_edit, name="risk_edit"),
    path("<dpia_ref:reference>/risks/<int:pk>/remove/", risk_remove_view, name="risk_remove"),
    *measure_urls,
]

"""The legal-basis tab: each purpose with its Art. 6 basis, Art. 9 condition and the
balancing test, and what is still missing.

Purposes are looked up in the newest version of this assessment only, so the rows of
another assessment or of an older version answer 404.
"""

from __future__ import annotations

from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dpia.access import access_assessment
from dpia.document import version_document
from dpia.forms.legal import CAMERA_LIST, PurposeForm
from dpia.map_checks import BIOMETRIC_WITHOUT_ART9, map_findings
from dpia.models import Assessment, Purpose
from dpia.services import legal as services
from dpia.services.common import current_version
from dpia.views.common import assessment_context, attempt, draft_or_message

EDIT = "dpia.edit_dpia"


def legal_basis(request: HttpRequest, reference: str) -> HttpResponse:
    assessment = access_assessment(request.user, reference)
    return _page(request, assessment)


def _page(request: HttpRequest, assessment: Assessment, form: PurposeForm | None = None) -> HttpResponse:
    context = assessment_context(request, assessment, "dpia:legal_basis")
    version = context["version"]
    # Retention does not matter here: only the map's biometric data bears on the legal basis.
    findings = map_findings(version_document(version), retention_limit_days=None)
    purposes = version.purposes.order_by("order", "id")
    context.update(
        {
            "findings": [finding for finding in findings if finding.code == BIOMETRIC_WITHOUT_ART9],
            "purposes": [{"purpose": p, "missing": services.balancing_missing(model_to_dict(p))} for p in purposes],
            "form": form or PurposeForm(),
            **_cameras(assessment),
        }
    )
    return render(request, "dpia/legal_basis.html", context)


def _cameras(assessment: Assessment) -> dict[str, object]:
    """Camera names the purpose form suggests."""
    return {
        "camera_list": CAMERA_LIST,
        "camera_names": assessment.cameras.order_by("name").values_list("name", flat=True),
    }


def _purpose(assessment: Assessment, pk: int) -> Purpose:
    return get_object_or_404(Purpose, pk=pk, version=current_version(assessment))


def _back(assessment: Assessment) -> HttpResponse:
    return redirect("dpia:legal_basis", assessment.reference)


@require_POST
def purpose_add(request: HttpRequest, reference: str) -> HttpResponse:
    assessment = access_assessment(request.user, reference, EDIT)
    if not draft_or_message(request, assessment):
        return _back(assessment)
    form = PurposeForm(request.POST)
    if not form.is_valid():
        return _page(request, assessment, form)
    attempt(
        request,
        lambda: services.purpose_add(version=current_version(assessment), actor=request.user, **form.cleaned_data),
        lambda done: _("Purpose added."),
    )
    return _back(assessment)


def purpose_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    assessment = access_assessment(request.user, reference, EDIT)
    purpose = _purpose(assessment, pk)
    if not draft_or_message(request, assessment):
        return _back(assessment)
    form = PurposeForm(request.POST) if request.method == "POST" else PurposeForm.for_purpose(purpose)
    if request.method == "POST" and form.is_valid():
        attempt(
            request,
            lambda: services.purpose_update(purpose=purpose, actor=request.user, **form.cleaned_data),
            lambda done: _("Purpose saved."),
        )
        return _back(assessment)
    context = assessment_context(request, assessment, "dpia:legal_basis")
    context.update({"purpose": purpose, "form": form, **_cameras(assessment)})
    return render(request, "dpia/purpose_form.html", context)


@require_POST
def purpose_remove(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    assessment = access_assessment(request.user, reference, EDIT)
    purpose = _purpose(assessment, pk)
    attempt(
        request,
        lambda: services.purpose_remove(purpose=purpose, actor=request.user),
        lambda done: _("Purpose removed."),
    )
    return _back(assessment)


urlpatterns: list[URLPattern] = [
    path("<dpia_ref:reference>/legal/", legal_basis, name="legal_basis"),
    path("<dpia_ref:reference>/legal/add/", purpose_add, name="purpose_add"),
    path("<dpia_ref:reference>/legal/<int:pk>/", purpose_edit, name="purpose_edit"),
    path("<dpia_ref:reference>/legal/<int:pk>/remove/", purpose_remove, name="purpose_remove"),
]

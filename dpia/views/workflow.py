"""The evaluation and sign-off tab, its steps, and the versions of an assessment (list,
read-only view of any version, diff between two). The services decide every step; a step
they refuse ends as a message on the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from compliance.access import client_ip
from dpia.access import access_assessment
from dpia.diff import document_diff, grouped
from dpia.document import version_document
from dpia.models import Assessment, AssessmentVersion, SectionVerdict, VersionStatus
from dpia.report import document_context
from dpia.risk_catalogue import residual_high
from dpia.services import decisions, workflow
from dpia.services.assessments import version_start_next
from dpia.services.common import DpiaError, current_version
from dpia.views.common import assessment_context

NEXT_STEP = {
    VersionStatus.DRAFT: gettext_lazy("The author completes the assessment and submits it for evaluation."),
    VersionStatus.SUBMITTED: gettext_lazy(
        "An evaluator, not the author, marks each section to correct, improvable or acceptable."
    ),
    VersionStatus.EVALUATED: gettext_lazy("The DPO gives an opinion, then approves or rejects the version."),
    VersionStatus.APPROVED: gettext_lazy("This version is frozen. Start a new version to change anything."),
    VersionStatus.REJECTED: gettext_lazy("This version is frozen. Start a new version to continue the work."),
}


def evaluation(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference)
    context = assessment_context(request, item, "dpia:evaluation")
    version: AssessmentVersion = context["version"]
    user = request.user
    evaluations = {e.section: e for e in version.evaluations.select_related("evaluator")}
    status = version.status
    reviewing = status in (VersionStatus.SUBMITTED, VersionStatus.EVALUATED)
    document = version_document(version)
    context.update(
        {
            "next_step": NEXT_STEP[VersionStatus(status)],
            "sections": [{**section, "evaluation": evaluations.get(section["key"])} for section in version.sections()],
            "verdicts": SectionVerdict.choices,
            "missing": workflow.missing_for_submission(version) if status == VersionStatus.DRAFT else [],
            "own_submission": version.submitted_by_id is not None and version.submitted_by_id == user.pk,
            "can_submit": status == VersionStatus.DRAFT and user.has_perm("dpia.edit_dpia"),
            "can_evaluate": reviewing and user.has_perm("dpia.evaluate_dpia"),
            "can_return": reviewing
            and user.has_perm("dpia.evaluate_dpia")
            and any(e.verdict == SectionVerdict.TO_CORRECT for e in evaluations.values()),
            "can_sign": user.has_perm("dpia.sign_dpia"),
            "reviewing": reviewing,
            "attestations": decisions.attestations_for(document),
            "residual_high": residual_high(document),
            "can_start_next": version.frozen and user.has_perm("dpia.edit_dpia"),
        }
    )
    return render(request, "dpia/evaluation.html", context)


def _step(request: HttpRequest, item: Assessment, run: Callable[..., Any], done: str, **kwargs: Any) -> HttpResponse:
    """Run one workflow step on the newest version and go back to the tab with its outcome.

    The form names the version it was shown for, so a step never lands on a version that
    changed in the meantime (someone started a new one, say)."""
    version = current_version(item)
    shown = request.POST.get("version", "")
    if shown and shown != str(version.number):
        messages.error(request, _("The assessment changed since you opened the page: check it again."))
        return redirect("dpia:evaluation", reference=item.reference)
    try:
        run(version=version, actor=request.user, ip=client_ip(request), **kwargs)
    except DpiaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("dpia:evaluation", reference=item.reference)


@require_POST
def submit(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.edit_dpia")
    return _step(request, item, workflow.version_submit, _("Submitted for evaluation."))


@require_POST
def section_evaluate(request: HttpRequest, reference: str, section: str) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.evaluate_dpia")
    post = request.POST
    kwargs = {"section": section, "verdict": post.get("verdict", ""), "comment": post.get("comment", "")}
    return _step(request, item, workflow.section_evaluate, _("Evaluation saved."), **kwargs)


@require_POST
def return_for_correction(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.evaluate_dpia")
    done = _("Returned to the author as a draft, with the evaluations to read.")
    return _step(request, item, workflow.version_return_for_correction, done)


@require_POST
def opinion(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.sign_dpia")
    post = request.POST
    kwargs = {"opinion": post.get("opinion", ""), "data_subject_views": post.get("data_subject_views", "")}
    return _step(request, item, decisions.version_opinion, _("DPO opinion saved."), **kwargs)


@require_POST
def approve(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.sign_dpia")
    attestations = request.POST.getlist("attestations")
    done = _("Approved and signed off. The next review date is set.")
    return _step(request, item, decisions.version_approve, done, attestations=attestations)


@require_POST
def reject(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.sign_dpia")
    reason = request.POST.get("reason", "")
    return _step(request, item, decisions.version_reject, _("Rejected, with your reasons."), reason=reason)


@require_POST
def new_version(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference, "dpia.edit_dpia")
    try:
        version = version_start_next(assessment=item, actor=request.user, ip=client_ip(request))
    except DpiaError as exc:
        messages.error(request, exc.message)
        return redirect("dpia:evaluation", reference=item.reference)
    messages.success(request, _("Version %(number)s started as a copy; it is a draft.") % {"number": version.number})
    return redirect("dpia:assessment", reference=item.reference)


def versions(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference)
    context = assessment_context(request, item, "dpia:versions")
    rows = list(item.versions.select_related("submitted_by", "decided_by").order_by("-number"))
    numbers = [row.number for row in rows]
    context.update(
        {"versions": rows, "numbers": numbers, "a": numbers[1] if len(numbers) > 1 else None, "b": numbers[0]}
    )
    return render(request, "dpia/versions.html", context)


def version_detail(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    item = access_assessment(request.user, reference)
    version = item.versions.select_related("submitted_by", "decided_by").filter(number=number).first()
    if version is None:
        raise Http404
    context = assessment_context(request, item, "dpia:versions", version=version)
    context.update(document_context(version_document(version), assessment=item))
    return render(request, "dpia/version.html", context)


def version_diff(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference)
    context = assessment_context(request, item, "dpia:versions")
    numbers = list(item.versions.order_by("-number").values_list("number", flat=True))
    context["numbers"] = numbers
    old, new, problem = _pick_versions(item, request.GET.get("a", ""), request.GET.get("b", ""))
    if problem:
        context["problem"] = problem
    else:
        assert old is not None and new is not None
        context.update(
            {"old": old, "new": new, "groups": grouped(document_diff(version_document(old), version_document(new)))}
        )
    context["a"] = old.number if old else (numbers[1] if len(numbers) > 1 else None)
    context["b"] = new.number if new else numbers[0]
    return render(request, "dpia/version_diff.html", context)


def _pick_versions(item: Assessment, a: str, b: str) -> tuple[AssessmentVersion | None, AssessmentVersion | None, str]:
    """The two versions named by the query, or why they cannot be compared."""
    if not a or not b:
        return None, None, _("Choose two versions to compare.")
    if not (a.isdigit() and b.isdigit()):
        return None, None, _("Version numbers are whole numbers, such as 1 or 2.")
    found = {v.number: v for v in item.versions.filter(number__in=[int(a), int(b)])}
    missing = [number for number in (int(a), int(b)) if number not in found]
    if missing:
        return None, None, _("This assessment has no version %(number)s.") % {"number": missing[0]}
    return found[int(a)], found[int(b)], ""


urlpatterns: list[URLPattern] = [
    path("<dpia_ref:reference>/evaluation/", evaluation, name="evaluation"),
    path("<dpia_ref:reference>/evaluation/submit/", submit, name="version_submit"),
    path("<dpia_ref:reference>/evaluation/return/", return_for_correction, name="version_return"),
    path("<dpia_ref:reference>/evaluation/opinion/", opinion, name="version_opinion"),
    path("<dpia_ref:reference>/evaluation/approve/", approve, name="version_approve"),
    path("<dpia_ref:reference>/evaluation/reject/", reject, name="version_reject"),
    path("<dpia_ref:reference>/evaluation/new-version/", new_version, name="version_new"),
    path("<dpia_ref:reference>/evaluation/sections/<slug:section>/", section_evaluate, name="section_evaluate"),
    path("<dpia_ref:reference>/versions/", versions, name="versions"),
    path("<dpia_ref:reference>/versions/diff/", version_diff, name="version_diff"),
    path("<dpia_ref:reference>/versions/<int:number>/", version_detail, name="version"),
]

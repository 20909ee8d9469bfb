"""The Retention page: schedule, legal holds, preview of the next sweep, certificates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from compliance.access import access_manage_retention, access_retention, client_ip
from compliance.models import DeletionCertificate, LegalHold, RetentionPolicy
from compliance.retention.forms import HoldForm, OverrideForm, PolicyForm, ReleaseForm
from compliance.retention.holds import legal_hold_place, legal_hold_release
from compliance.retention.policies import retention_policy_delete, retention_policy_save
from compliance.retention.preview import sweep_preview


def _page(request: HttpRequest, **forms: Any) -> HttpResponse:
    policies = RetentionPolicy.objects.select_related("camera", "updated_by")
    can_manage = request.user.has_perm("compliance.manage_retention")
    context = {
        "policies": [(policy, forms.get(f"policy_{policy.pk}") or PolicyForm(instance=policy)) for policy in policies],
        "override_form": forms.get("override_form") or OverrideForm(),
        "holds": LegalHold.objects.select_related("placed_by", "released_by").prefetch_related("cameras")[:50],
        "release_form": ReleaseForm(),
        "certificates": DeletionCertificate.objects.all()[:20],
        "preview": sweep_preview(),
        "can_manage": can_manage,
    }
    return render(request, "compliance/retention.html", context, status=200)


def retention(request: HttpRequest) -> HttpResponse:
    access_retention(request.user)
    return _page(request)


@require_POST
def retention_policy(request: HttpRequest, pk: int) -> HttpResponse:
    access_manage_retention(request.user)
    policy = get_object_or_404(RetentionPolicy, pk=pk)
    form = PolicyForm(request.POST, instance=RetentionPolicy.objects.get(pk=pk))
    if not form.is_valid():
        return _page(request, **{f"policy_{pk}": form})
    data = form.cleaned_data
    retention_policy_save(
        policy=policy, actor=request.user, period=data["period"], unit=data["unit"], action=data["action"],
        ip=client_ip(request),
    )  # fmt: skip
    messages.success(request, _("Retention policy saved."))
    return redirect("retention")


@require_POST
def retention_override_add(request: HttpRequest) -> HttpResponse:
    access_manage_retention(request.user)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _page(request, override_form=form)
    data = form.cleaned_data
    policy = RetentionPolicy(category=data["category"], camera=data["camera"])
    retention_policy_save(
        policy=policy, actor=request.user, period=data["period"], unit=data["unit"], action=data["action"],
        ip=client_ip(request),
    )  # fmt: skip
    messages.success(request, _("Camera policy added."))
    return redirect("retention")


@require_POST
def retention_override_delete(request: HttpRequest, pk: int) -> HttpResponse:
    access_manage_retention(request.user)
    policy = get_object_or_404(RetentionPolicy, pk=pk, camera__isnull=False)
    retention_policy_delete(policy=policy, actor=request.user, ip=client_ip(request))
    messages.success(request, _("Camera policy removed; the camera follows the default again."))
    return redirect("retention")


def legal_hold_add(request: HttpRequest) -> HttpResponse:
    access_manage_retention(request.user)
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        legal_hold_place(
            actor=request.user, reason=data["reason"], case_reference=data["case_reference"],
            review_on=data["review_on"], cameras=data["cameras"], window_start=data["window_start"],
            window_end=data["window_end"], recordings=data["recording_ids"], ip=client_ip(request),
        )  # fmt: skip
        messages.success(request, _("Legal hold placed."))
        return redirect("retention")
    return render(request, "compliance/legal_hold_form.html", {"form": form})


@require_POST
def legal_hold_release_view(request: HttpRequest, pk: int) -> HttpResponse:
    access_manage_retention(request.user)
    hold = get_object_or_404(LegalHold, pk=pk)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason to release the hold."))
        return redirect("retention")
    legal_hold_release(hold=hold, actor=request.user, reason=form.cleaned_data["reason"], ip=client_ip(request))
    messages.success(request, _("Legal hold released."))
    return redirect("retention")

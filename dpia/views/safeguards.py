"""The safeguard catalogue: everyone who sees assessments may read it; editors add and
change entries (each change goes to the access log, `dpia.services.safeguards`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from compliance.access import client_ip, require_perm
from dpia.forms.risks import SafeguardForm
from dpia.models import Safeguard, SafeguardKind
from dpia.services.common import DpiaError
from dpia.services.safeguards import safeguard_create, safeguard_update


def safeguards(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "dpia.view_dpia")
    # Privacy-enhancing techniques (the source article's table) first, then security, then organisation.
    kinds = list(SafeguardKind.values)
    rows = sorted(
        Safeguard.objects.all(), key=lambda row: (kinds.index(row.kind) if row.kind in kinds else 99, row.name)
    )
    return render(request, "dpia/safeguards.html", {"safeguards": rows})


def safeguard_new(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "dpia.edit_dpia")
    form = SafeguardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            safeguard = safeguard_create(actor=request.user, values=form.cleaned_data, ip=client_ip(request))
        except DpiaError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Safeguard “%(name)s” added to the catalogue.") % {"name": safeguard.name})
            return redirect("dpia:safeguards")
    return render(request, "dpia/safeguard_form.html", {"form": form, "safeguard": None})


def safeguard_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "dpia.edit_dpia")
    safeguard = get_object_or_404(Safeguard, pk=pk)
    form = SafeguardForm(request.POST or None, instance=Safeguard.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            safeguard_update(safeguard=safeguard, actor=request.user, values=form.cleaned_data, ip=client_ip(request))
        except DpiaError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Safeguard “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
            return redirect("dpia:safeguards")
    return render(request, "dpia/safeguard_form.html", {"form": form, "safeguard": safeguard})


urlpatterns: list[URLPattern] = [
    path("safeguards/", safeguards, name="safeguards"),
    path("safeguards/new/", safeguard_new, name="safeguard_new"),
    path("safeguards/<int:pk>/", safeguard_edit, name="safeguard_edit"),
]

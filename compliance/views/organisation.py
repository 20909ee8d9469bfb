"""The organisation's settings page: everyone who may view them sees them; the DPO and
the Admin role change them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from compliance.access import client_ip, require_perm
from compliance.forms import OrganisationForm
from compliance.models import Organisation
from compliance.organisation import organisation_save


def organisation_settings(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "compliance.view_organisation")
    can_change = request.user.has_perm("compliance.change_organisation")
    organisation = Organisation.current()
    if request.method == "POST":
        require_perm(request.user, "compliance.change_organisation")
        form = OrganisationForm(request.POST, instance=Organisation.objects.get(pk=organisation.pk))
        if form.is_valid():
            changed = organisation_save(actor=request.user, values=form.cleaned_data, ip=client_ip(request))
            messages.success(request, _("Settings saved.") if changed else _("Nothing was changed."))
            return redirect("organisation_settings")
    else:
        form = OrganisationForm(instance=organisation)
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    return render(request, "compliance/organisation.html", {"form": form, "can_change": can_change})

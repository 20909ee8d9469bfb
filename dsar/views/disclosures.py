"""The disclosure register page: who received footage, of which cameras and time, when
and why. Everyone who may see requests sees it; those who handle them add and change
entries (`disclosure_save` logs each)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compliance.access import client_ip
from dsar.access import access_dsar
from dsar.answer.disclosures import disclosure_save
from dsar.forms import LocalDateTimeInput
from dsar.models import Disclosure
from media_processing.models import Camera


class DisclosureForm(forms.ModelForm):
    cameras = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Cameras"),
        queryset=Camera.objects.select_related("site").order_by("site__name", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Leave empty if the recipient may receive footage of every camera."),
    )

    class Meta:
        model = Disclosure
        fields = ("recipient", "kind", "standing", "cameras", "window_start", "window_end", "disclosed_on",
                  "purpose", "reference")  # fmt: skip
        widgets = {
            "window_start": LocalDateTimeInput(),
            "window_end": LocalDateTimeInput(),
            "disclosed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "window_start": gettext_lazy("Local time. Leave both times empty for a routine recipient."),
            "reference": gettext_lazy("The recipient's case or claim number, if any."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end <= start:
            self.add_error("window_end", _("The end of the footage must come after its start."))
        given = data.get("disclosed_on")
        if not data.get("standing") and not given:
            self.add_error("disclosed_on", _("Give the date the footage was handed over, or tick the routine box."))
        if given and given > timezone.localdate():
            self.add_error("disclosed_on", _("This date is in the future; record a disclosure once it is made."))
        return data


def disclosure_list(request: HttpRequest) -> HttpResponse:
    access_dsar(request.user)
    return _page(request)


def _page(request: HttpRequest, form: DisclosureForm | None = None, editing: Disclosure | None = None) -> HttpResponse:
    context = {
        "disclosures": Disclosure.objects.prefetch_related("cameras").all(),
        "form": form,
        "editing": editing,
        "can_handle": request.user.has_perm("dsar.handle_dsar"),
    }
    return render(request, "dsar/disclosures.html", context, status=400 if form is not None and form.errors else 200)


def disclosure_add(request: HttpRequest) -> HttpResponse:
    access_dsar(request.user, handle=True)
    return _edit(request, Disclosure())


def disclosure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access_dsar(request.user, handle=True)
    disclosure = Disclosure.objects.filter(pk=pk).first()
    if disclosure is None:
        raise Http404
    return _edit(request, disclosure)


def _edit(request: HttpRequest, disclosure: Disclosure) -> HttpResponse:
    adding = disclosure.pk is None
    form = DisclosureForm(request.POST or None, instance=disclosure)
    if request.method == "POST" and form.is_valid():
        saved = disclosure_save(
            actor=request.user, disclosure=form.save(commit=False), cameras=form.cleaned_data["cameras"],
            ip=client_ip(request),
        )  # fmt: skip
        done = _("%(recipient)s added to the register.") if adding else _("%(recipient)s changed in the register.")
        messages.success(request, done % {"recipient": saved.recipient})
        return redirect("dsar:disclosures")
    return _page(request, form, editing=disclosure if not adding else None)

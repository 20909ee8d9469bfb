"""The delivery page of a ticket: its answer packages, the secure links made for them
with their state and every download, and the form that makes a new link. A new link and
its code are shown once, in the answer to the form, and never again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.validators import MaxValueValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from compliance.access import client_ip
from compliance.models import Organisation
from dsar.access import access_ticket
from dsar.answer.delivery import (
    MAX_LINK_DAYS,
    PackageFile,
    delivery_link_create,
    delivery_link_revoke,
    link_state,
    package_files,
)
from dsar.models import DataSubjectRequest, DeliveryLink, Download, ResponsePackage
from dsar.services.common import DsarError


class PackageChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        made = formats.date_format(timezone.localtime(obj.created_at), "SHORT_DATETIME_FORMAT")
        return _("Package %(number)s, made %(date)s") % {"number": obj.pk, "date": made}


class LinkForm(forms.Form):
    package = PackageChoice(queryset=ResponsePackage.objects.none(), label=gettext_lazy("Package"), empty_label=None)
    days = forms.IntegerField(
        label=gettext_lazy("Days the link works"), min_value=1,
        help_text=gettext_lazy("Until the end of that day, in the organisation's time zone."),
    )  # fmt: skip
    single_use = forms.BooleanField(
        label=gettext_lazy("One download only"), required=False,
        help_text=gettext_lazy("The link stops working when the requester starts downloading the package."),
    )  # fmt: skip
    with_code = forms.BooleanField(
        label=gettext_lazy("Protect with a code"), required=False,
        help_text=gettext_lazy("An 8-digit code to send by another channel than the link (text message, phone)."),
    )  # fmt: skip

    def __init__(self, *args: Any, ticket: DataSubjectRequest, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"days": settings.DSAR_LINK_DAYS})
        super().__init__(*args, **kwargs)
        package = self.fields["package"]
        assert isinstance(package, PackageChoice)
        package.queryset = ticket.packages.filter(purged_at__isnull=True).exclude(file="").exclude(sha256="")
        # The limit follows the settings of the moment, not those at import.
        limit = max(MAX_LINK_DAYS, settings.DSAR_LINK_DAYS)
        self.fields["days"].validators.append(MaxValueValidator(limit))
        self.fields["days"].widget.attrs["max"] = limit


@dataclass
class LinkRow:
    link: DeliveryLink
    state: str
    downloads: list[Download]


@dataclass
class PackageRow:
    package: ResponsePackage
    files: list[PackageFile]
    links: list[LinkRow]


def package_rows(ticket: DataSubjectRequest) -> list[PackageRow]:
    packages = ticket.packages.prefetch_related("links__downloads", "links__created_by")
    return [
        PackageRow(
            package=package,
            files=package_files(package),
            links=[LinkRow(link, link_state(link), list(link.downloads.all())) for link in package.links.all()],
        )
        for package in packages
    ]


@require_safe
def answer_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk, handle=True)
    return delivery_page(request, ticket, LinkForm(ticket=ticket))


def delivery_page(
    request: HttpRequest, ticket: DataSubjectRequest, form: LinkForm, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {"ticket": ticket, "form": form, "packages": package_rows(ticket), **extra}
    response = render(request, "dsar/answer_delivery.html", context, status=status)
    # The answer that shows a new link must not be kept by the browser or a proxy.
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def delivery_link_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk, handle=True)
    form = LinkForm(request.POST, ticket=ticket)
    if not form.is_valid():
        return delivery_page(request, ticket, form, status=400)
    data = form.cleaned_data
    try:
        link, token, code = delivery_link_create(
            actor=request.user, package=data["package"], days=data["days"], single_use=data["single_use"],
            with_code=data["with_code"], ip=client_ip(request),
        )  # fmt: skip
    except DsarError as exc:
        form.add_error(None, exc.message)
        return delivery_page(request, ticket, form, status=400)
    ticket.refresh_from_db()
    created = _created(request, link, token, code)
    messages.success(request, _("Link %(link)s made. Copy it now: it is shown only once.") % {"link": link.pk})
    return delivery_page(request, ticket, LinkForm(ticket=ticket), created=created)


def _created(request: HttpRequest, link: DeliveryLink, token: str, code: str | None) -> dict[str, Any]:
    """The new link's address, its code and the texts to send; in this answer only."""
    path = reverse("dsar_download:link", kwargs={"token": token})
    url = f"{settings.SITE_URL.rstrip('/')}{path}" if settings.SITE_URL else request.build_absolute_uri(path)
    context = {
        "organisation": Organisation.current(),
        "ticket": link.package.request,
        "link": link,
        "url": url,
        "code": code,
        "files": package_files(link.package),
    }
    return {
        "link": link,
        "url": url,
        "code": code,
        "email": render_to_string("dsar/download/link_email.txt", context),
        "code_message": render_to_string("dsar/download/code_message.txt", context) if code else "",
    }


@require_POST
def delivery_link_revoke_view(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk, handle=True)
    link = DeliveryLink.objects.filter(pk=link_pk, package__request=ticket).select_related("package").first()
    if link is None:
        raise Http404
    try:
        delivery_link_revoke(actor=request.user, link=link, ip=client_ip(request))
    except DsarError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Link %(link)s withdrawn: it no longer works.") % {"link": link.pk})
    return redirect("dsar:answer_delivery", pk=ticket.pk)

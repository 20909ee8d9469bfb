"""The request list (with the DSAR dashboard on top), logging and changing a request,
and the ticket page with its deadlines, steps, timeline, holds and letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from compliance.access import client_ip
from compliance.vault import REIDENTIFY_PERMISSION, VaultError
from dsar.access import HANDLE, access_dsar, access_ticket
from dsar.deadlines import days_left
from dsar.forms import ListFilterForm, ReasonForm, RevealForm, TicketForm, window_formset
from dsar.models import DataSubjectRequest, Decision, Status
from dsar.selectors import ANSWERED, ListFilters, deadline_summary, recent_reminders, ticket_list
from dsar.services import (
    UNCHANGED,
    DsarError,
    dsar_create,
    dsar_update,
    preservation_report,
    ticket_holds,
)
from dsar.services.clock import open_pause
from dsar.services.common import local_today
from dsar.views.actions import offered_actions
from dsar.views.metrics import metrics_context

PER_PAGE = 25
# The main line of a request, shown as steps on the ticket.
MAIN_LINE = (
    Status.RECEIVED,
    Status.IDENTITY_PENDING,
    Status.VERIFIED,
    Status.SEARCHING,
    Status.IN_REVIEW,
    Status.APPROVED,
    Status.DELIVERED,
    Status.CLOSED,
)


@dataclass
class Row:
    ticket: DataSubjectRequest
    left: int | None  # local days until the final due date; None once answered

    @property
    def overdue_by(self) -> int:
        return -self.left if self.left is not None and self.left < 0 else 0


def row(ticket: DataSubjectRequest, today: date) -> Row:
    return Row(ticket, None if ticket.status in ANSWERED else days_left(ticket.final_due, today))


def index(request: HttpRequest) -> HttpResponse:
    access_dsar(request.user)
    form = ListFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = ListFilters(
        status=data.get("status") or "open",
        handler=data.get("handler") or "",
        kind=data.get("kind") or "",
        due=data.get("due") or "",
    )
    today = local_today()
    page = Paginator(ticket_list(filters, today=today), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter_form": form if form.is_bound else ListFilterForm(initial={"status": "open"}),
        "page": page,
        "rows": [row(ticket, today) for ticket in page.object_list],
        "query": query.urlencode(),
        "summary": deadline_summary(today=today),
        "reminders": recent_reminders(10),
        "can_handle": request.user.has_perm(HANDLE),
        **metrics_context(today=today),
    }
    return render(request, "dsar/index.html", context)


def ticket_create(request: HttpRequest) -> HttpResponse:
    access_dsar(request.user, handle=True)
    form = TicketForm(request.POST or None, request.FILES or None)
    windows = window_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and windows.is_valid():
        data = form.cleaned_data
        try:
            ticket = dsar_create(
                actor=request.user, kind=data["kind"], channel=data["channel"], received_at=data["received_at"],
                requester_name=data["requester_name"], requester_email=data["requester_email"],
                requester_phone=data["requester_phone"], requester_address=data["requester_address"],
                description=data["description"], sites=data["sites"], cameras=data["cameras"],
                windows=windows.windows(), assigned_to=data["assigned_to"], photo=data["photo"],
                ip=client_ip(request),
            )  # fmt: skip
        except (DsarError, VaultError) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Request %(reference)s logged.") % {"reference": ticket.reference})
            return redirect("dsar:ticket", pk=ticket.pk)
    return render(request, "dsar/ticket_form.html", {"form": form, "windows": windows, "ticket": None})


def ticket_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket(request.user, pk, handle=True)
    if ticket.is_final:
        messages.error(request, _("%(reference)s has ended; it can no longer be changed.") % {"reference": ticket})
        return redirect("dsar:ticket", pk=ticket.pk)
    form = TicketForm(request.POST or None, request.FILES or None, ticket=ticket)
    windows = window_formset(request.POST or None, ticket=ticket)
    if request.method == "POST" and form.is_valid() and windows.is_valid():
        try:
            dsar_update(actor=request.user, request=ticket, ip=client_ip(request), **_changes(ticket, form, windows))
        except (DsarError, VaultError) as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Request %(reference)s saved.") % {"reference": ticket.reference})
            return redirect("dsar:ticket", pk=ticket.pk)
    return render(request, "dsar/ticket_form.html", {"form": form, "windows": windows, "ticket": ticket})


def _changes(ticket: DataSubjectRequest, form: TicketForm, windows: Any) -> dict[str, Any]:
    """Every field of the form, the identity only where typed in, the photo only if changed.

    The form shows times to the minute: a time of receipt or a window that comes back as
    shown is left as stored, so saving another field does not move them by seconds."""
    data = form.cleaned_data
    names = ("kind", "channel", "description", "sites", "cameras", "assigned_to")
    changes: dict[str, Any] = {name: data[name] for name in names}
    if data["received_at"] != _to_minute(ticket.received_at):
        changes["received_at"] = data["received_at"]
    typed = windows.windows()
    if typed != [(_to_minute(window.start), _to_minute(window.end)) for window in ticket.windows.all()]:
        changes["windows"] = typed
    changes.update(form.identity_changes())
    photo = data.get("photo")
    changes["photo"] = photo if photo else (None if data.get("delete_photo") else UNCHANGED)
    return changes


def _to_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return ticket_page(request, access_ticket(request.user, pk))


def ticket_page(request: HttpRequest, ticket: DataSubjectRequest, **extra: Any) -> HttpResponse:
    status = extra.pop("status", 200)
    user = request.user
    can_handle = user.has_perm(HANDLE)
    context = {
        "ticket": ticket,
        "row": row(ticket, local_today()),
        "steps": _steps(ticket),
        "pause": open_pause(ticket),
        "pauses": ticket.pauses.all(),
        "windows": ticket.windows.all(),
        "timeline": ticket.timeline.all(),
        "holds": ticket_holds(ticket, active=False).prefetch_related("cameras"),
        "coverage": preservation_report(ticket),
        "letters": ticket.letters.all(),
        "actions": offered_actions(ticket) if can_handle else [],
        "decisions": Decision.choices,
        "can_handle": can_handle,
        "can_reveal": user.has_perm(REIDENTIFY_PERMISSION),
        "identity": _identity(ticket),
        "reveal_form": RevealForm(),
        "reason_form": ReasonForm(),
        **extra,
    }
    return render(request, "dsar/ticket.html", context, status=status)


def _identity(ticket: DataSubjectRequest) -> list[tuple[str, str, str]]:
    """(field, label, pseudonym) of each part of the requester's identity."""
    labels = {
        "requester_name": _("Name"),
        "requester_email": _("E-mail"),
        "requester_phone": _("Phone"),
        "requester_address": _("Postal address"),
    }
    return [(name, label, getattr(ticket, name)) for name, label in labels.items()]


@dataclass
class Step:
    status: Status
    state: str  # done, current, todo


def _steps(ticket: DataSubjectRequest) -> list[Step]:
    status = ticket.status_before_hold if ticket.status == Status.ON_HOLD else ticket.status
    if status not in MAIN_LINE:  # refused or withdrawn: where it stopped is on the timeline
        reached = ticket.timeline.exclude(to_status="").exclude(to_status__in=(Status.REFUSED, Status.WITHDRAWN))
        last = reached.order_by("-at", "-pk").values_list("to_status", flat=True).first()
        status = last if last in MAIN_LINE else Status.RECEIVED
    position = MAIN_LINE.index(Status(status))
    return [
        Step(step, "done" if index < position else "current" if index == position else "todo")
        for index, step in enumerate(MAIN_LINE)
    ]

"""The steps a handler takes on a ticket, as buttons: which are offered from which status,
and the one view that runs them. The services decide; the table here only decides what
to offer, so a step the service refuses ends as a message on the page, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from compliance.access import client_ip
from dsar import services
from dsar.access import access_ticket
from dsar.answer.approval import answer_approve
from dsar.forms import ReasonForm
from dsar.models import DataSubjectRequest, RequestKind, ResponseReview, Status
from dsar.services.common import DsarError, local_today
from dsar.services.decisions import DECIDABLE
from dsar.services.side_states import HOLDABLE, OPEN

Run = Callable[..., Any]


@dataclass(frozen=True)
class Action:
    """One step: `text` labels its text box ("" for none); `required` says it must be filled."""

    name: str
    label: Promise
    allowed: tuple[str, ...]
    run: Run
    done: Promise
    text: Promise | str = ""
    required: bool = False
    secondary: bool = False
    only_kind: str = ""  # offered only for this kind of request
    not_kind: str = ""  # never offered for this kind

    def offered(self, ticket: DataSubjectRequest) -> bool:
        if ticket.status not in self.allowed:
            return False
        if self.only_kind and ticket.kind != self.only_kind:
            return False
        if self.not_kind and ticket.kind == self.not_kind:
            return False
        if self.name == "extend":
            return not ticket.is_extended and local_today() <= ticket.due_on
        if self.name == "delete_photo":
            return ticket.has_photo
        return True


def _note(run: Run) -> Run:
    return lambda *, text, **kwargs: run(note=text, **kwargs)


def _reasons(run: Run) -> Run:
    return lambda *, text, **kwargs: run(reasons=text, **kwargs)


def _reason(run: Run) -> Run:
    return lambda *, text, **kwargs: run(reason=text, **kwargs)


def _plain(run: Run) -> Run:
    return lambda *, text, **kwargs: run(**kwargs)


def _decide(*, text: str, decision: str, **kwargs: Any) -> Any:
    return services.dsar_decide(reasons=text, decision=decision, **kwargs)


def _approve(*, text: str, actor: Any, request: DataSubjectRequest, ip: str | None) -> Any:
    """An answer with footage is approved through its review (four-eyes, recorded there)."""
    if ResponseReview.objects.filter(request=request).exists() or request.items.filter(included=True).exists():
        return answer_approve(actor=actor, request=request, note=text, ip=ip)
    return services.dsar_approve(actor=actor, request=request, ip=ip)


NOTE = gettext_lazy("Note (optional)")
ACTIONS = {
    action.name: action
    for action in (
        Action("await_identity", gettext_lazy("Ask for proof of identity"), (Status.RECEIVED,),
               _note(services.dsar_await_identity), gettext_lazy("Waiting for proof of identity; the clock is paused."),
               text=NOTE),
        Action("verify", gettext_lazy("Mark the identity as verified"), (Status.RECEIVED, Status.IDENTITY_PENDING),
               _note(services.dsar_verify_identity), gettext_lazy("Identity verified."), text=NOTE),
        Action("start_search", gettext_lazy("Start the footage search"), (Status.VERIFIED,),
               _plain(services.dsar_start_search), gettext_lazy("Search started."), not_kind=RequestKind.ACCESS),
        Action("send_to_review", gettext_lazy("Send to review"), (Status.SEARCHING,),
               _plain(services.dsar_send_to_review), gettext_lazy("Sent to review.")),
        Action("approve", gettext_lazy("Approve"), (Status.IN_REVIEW,), _approve,
               gettext_lazy("Approved."), only_kind=RequestKind.ACCESS),
        Action("decide", gettext_lazy("Record the decision"), DECIDABLE, _decide, gettext_lazy("Decision recorded."),
               text=gettext_lazy("Reasons for the decision"), required=True, not_kind=RequestKind.ACCESS),
        Action("deliver", gettext_lazy("Mark as delivered"), (Status.APPROVED,), _note(services.dsar_deliver),
               gettext_lazy("Marked as delivered."), text=NOTE),
        Action("close", gettext_lazy("Close the request"), (Status.DELIVERED,), _note(services.dsar_close),
               gettext_lazy("Request closed."), text=NOTE),
        Action("extend", gettext_lazy("Extend the deadline"), OPEN, _reasons(services.dsar_extend),
               gettext_lazy("Deadline extended. Send the extension letter before the original deadline."),
               text=gettext_lazy("Reasons for the extension"), required=True, secondary=True),
        Action("hold", gettext_lazy("Put on hold"), HOLDABLE, _reason(services.dsar_put_on_hold),
               gettext_lazy("Put on hold. The deadline still runs."), text=gettext_lazy("Reason for the hold"),
               required=True, secondary=True),
        Action("resume", gettext_lazy("Resume"), (Status.ON_HOLD,), _plain(services.dsar_resume),
               gettext_lazy("Work resumed.")),
        Action("refuse", gettext_lazy("Refuse the request"), OPEN, _reasons(services.dsar_refuse),
               gettext_lazy("Request refused. Send the refusal letter to the requester."),
               text=gettext_lazy("Reasons for the refusal"), required=True, secondary=True),
        Action("withdraw", gettext_lazy("Record a withdrawal"), OPEN, _reason(services.dsar_withdraw),
               gettext_lazy("Withdrawal recorded."), text=gettext_lazy("Reason given for the withdrawal"),
               required=True, secondary=True),
        Action("delete_photo", gettext_lazy("Delete the photo now"), OPEN, _plain(services.dsar_photo_delete),
               gettext_lazy("Photo deleted."), secondary=True),
    )
}  # fmt: skip


def offered_actions(ticket: DataSubjectRequest) -> list[Action]:
    return [action for action in ACTIONS.values() if action.offered(ticket)]


@require_POST
def ticket_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    ticket = access_ticket(request.user, pk, handle=True)
    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    form = ReasonForm(request.POST)
    form.is_valid()
    text = form.cleaned_data.get("text", "")
    if step.required and not text:
        what = str(step.text).lower()
        messages.error(request, _("%(step)s: give the %(what)s.") % {"step": step.label, "what": what})
        return redirect("dsar:ticket", pk=ticket.pk)
    kwargs: dict[str, Any] = {"actor": request.user, "request": ticket, "ip": client_ip(request), "text": text}
    if step.name == "decide":
        kwargs["decision"] = form.cleaned_data.get("decision", "")
    try:
        step.run(**kwargs)
    except DsarError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, str(step.done))
    return redirect("dsar:ticket", pk=ticket.pk)

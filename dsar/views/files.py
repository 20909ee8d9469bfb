"""What a ticket holds that is more than text: its letters (PDF), the requester's photo
(decrypted on the fly), and the identity behind its pseudonyms. Each opening is logged."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from compliance.access import client_ip
from compliance.access_log import record_access
from compliance.vault import VaultError, reidentify
from dsar.access import access_letter, access_ticket
from dsar.forms import RevealForm
from dsar.services import DsarError, dsar_photo_open
from dsar.views.tickets import ticket_page


@require_safe
def letter_download(request: HttpRequest, pk: int) -> FileResponse:
    letter = access_letter(request.user, pk)
    name = str(letter.file.name)
    if not name or not default_storage.exists(name):
        raise Http404
    record_access(
        actor=request.user, action="dsar.letter_download", target=letter,
        reason=f"{letter.request.reference}: {letter.get_kind_display()}", ip=client_ip(request),
    )  # fmt: skip
    filename = f"{letter.request.reference}-{letter.kind}.pdf"
    response = FileResponse(default_storage.open(name, "rb"), content_type="application/pdf", filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """Only for those who handle requests; `dsar_photo_open` logs every viewing."""
    ticket = access_ticket(request.user, pk, handle=True)
    try:
        picture = dsar_photo_open(actor=request.user, request=ticket, ip=client_ip(request))
    except DsarError:
        raise Http404 from None
    response = HttpResponse(picture.data, content_type=picture.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response


@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show, on this answer only, the identity behind one pseudonym of the ticket. The
    vault checks the right to re-identify and logs the reason (and any refusal)."""
    ticket = access_ticket(request.user, pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for revealing the identity; it is written to the access log."))
        return ticket_page(request, ticket, reveal_form=form, status=400)
    field = form.cleaned_data["field"]
    token = getattr(ticket, field)
    if not token:
        raise Http404
    try:
        value = reidentify(token, actor=request.user, reason=form.cleaned_data["reason"], ip=client_ip(request))
    except VaultError as exc:
        messages.error(request, exc.message)
        return ticket_page(request, ticket)
    return ticket_page(request, ticket, revealed={"field": field, "token": token, "value": value})

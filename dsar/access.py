"""Who may see or change data subject requests: the only place the DSAR views decide it.

The role is checked before the ticket is looked up, so a person without the right gets
the same 403 whether or not the ticket exists.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from compliance.access import require_perm
from dsar.models import DataSubjectRequest, Letter

VIEW = "dsar.view_dsar"
HANDLE = "dsar.handle_dsar"


def access_dsar(user: Any, *, handle: bool = False) -> None:
    require_perm(user, HANDLE if handle else VIEW)


def access_ticket(user: Any, pk: int, *, handle: bool = False) -> DataSubjectRequest:
    access_dsar(user, handle=handle)
    try:
        return DataSubjectRequest.objects.select_related("assigned_to", "created_by").get(pk=pk)
    except DataSubjectRequest.DoesNotExist:
        raise Http404 from None


def access_letter(user: Any, pk: int) -> Letter:
    access_dsar(user)
    try:
        return Letter.objects.select_related("request").get(pk=pk)
    except Letter.DoesNotExist:
        raise Http404 from None

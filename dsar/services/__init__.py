"""The one place that changes data subject requests: one function per step, each in one
transaction that locks the ticket and writes its timeline and access-log entries.

Views, jobs, the API and the cron entries call these; none of them saves a ticket.
"""

from dsar.services.common import DsarError, TransitionError
from dsar.services.decisions import ErasureResult, KeptFootage, dsar_decide, dsar_erase_footage
from dsar.services.intake import UNCHANGED, dsar_create, dsar_update
from dsar.services.photo import Photo, dsar_photo_delete, dsar_photo_open
from dsar.services.preservation import (
    GonePart,
    WindowCoverage,
    preservation_report,
    release_preservation_holds,
    scope_cameras,
    ticket_holds,
)
from dsar.services.side_states import dsar_extend, dsar_put_on_hold, dsar_refuse, dsar_resume, dsar_withdraw
from dsar.services.workflow import (
    dsar_approve,
    dsar_await_identity,
    dsar_close,
    dsar_deliver,
    dsar_send_to_review,
    dsar_start_search,
    dsar_verify_identity,
)

__all__ = [
    "UNCHANGED",
    "DsarError",
    "ErasureResult",
    "GonePart",
    "KeptFootage",
    "Photo",
    "TransitionError",
    "WindowCoverage",
    "dsar_approve",
    "dsar_await_identity",
    "dsar_close",
    "dsar_create",
    "dsar_decide",
    "dsar_deliver",
    "dsar_erase_footage",
    "dsar_extend",
    "dsar_photo_delete",
    "dsar_photo_open",
    "dsar_put_on_hold",
    "dsar_refuse",
    "dsar_resume",
    "dsar_send_to_review",
    "dsar_start_search",
    "dsar_update",
    "dsar_verify_identity",
    "dsar_withdraw",
    "preservation_report",
    "release_preservation_holds",
    "scope_cameras",
    "ticket_holds",
]

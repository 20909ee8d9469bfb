"""Deadline reminders, run hourly by `rq cron` (compliance/cron.py).

A ticket still awaiting an answer is reminded once per threshold of the organisation's
`reminder_days` (7, 3 and 1 days before the final due date by default), and once a day
while it is overdue. Each reminder is an e-mail to the assigned handler (to every
handler when nobody is assigned or the handler has no address) and a timeline step by
"system", which carries the key that keeps the same reminder from going out twice.
When the cron missed a day, the next run sends the threshold just passed, late rather
than never. The e-mail names the ticket, never the requester.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compliance.models import Organisation
from dsar.deadlines import days_left
from dsar.models import DataSubjectRequest, TimelineEntry
from dsar.selectors import ANSWERED, REMINDER, awaiting_answer, handlers
from dsar.services.common import local_date, local_today, lock, record_step, show_date

logger = logging.getLogger(__name__)


def reminder_key(final_due: date, today: date, thresholds: list[int]) -> str | None:
    """What today's reminder of a ticket is about, or None when none is due today.

    Overdue: one key per day. Otherwise the smallest threshold not below the days left,
    tied to the due date, so a deadline that moves (extension, clock pause) is reminded
    again at its own thresholds."""
    left = days_left(final_due, today)
    if left < 0:
        return f"overdue {today.isoformat()}"
    reached = [threshold for threshold in thresholds if threshold >= left]
    if not reached:
        return None
    return f"D-{min(reached)} {final_due.isoformat()}"


def send_dsar_reminders(now: datetime | None = None) -> int:
    """Send the reminders due now; returns how many tickets were reminded."""
    now = now or timezone.now()
    today = local_today(now)
    thresholds = Organisation.current().reminder_days
    sent = 0
    for pk in awaiting_answer().values_list("pk", flat=True).order_by("pk"):
        try:
            with transaction.atomic():
                sent += _remind(pk, today=today, thresholds=thresholds)
        except (smtplib.SMTPException, OSError):
            # Nothing was recorded for this ticket, so the next run tries it again.
            logger.exception("Could not send the DSAR reminder for ticket %s", pk)
    return sent


def _remind(pk: int, *, today: date, thresholds: list[int]) -> int:
    ticket = lock(DataSubjectRequest(pk=pk))
    if ticket.status in ANSWERED:
        return 0
    key = reminder_key(ticket.final_due, today, thresholds)
    if key is None or already_sent(ticket, key):
        return 0
    recipients = _recipients(ticket)
    left = days_left(ticket.final_due, today)
    subject, body = reminder_mail(ticket, left)
    if recipients:
        send_mail(subject, body, None, [user.email for user in recipients])
        who = ", ".join(user.get_username() for user in recipients)
    else:
        who = _("nobody: no handler has an e-mail address")
    message = _("Reminder e-mailed to %(who)s: %(state)s.") % {"who": who, "state": _state(ticket, left)}
    record_step(ticket, actor=None, verb="reminder", kind=REMINDER, message=f"{message} [{key}]")
    return 1


def already_sent(ticket: DataSubjectRequest, key: str) -> bool:
    return TimelineEntry.objects.filter(request=ticket, kind=REMINDER, message__endswith=f"[{key}]").exists()


def _recipients(ticket: DataSubjectRequest) -> list[Any]:
    handler = ticket.assigned_to
    if handler is not None and handler.is_active and handler.email:
        return [handler]
    return [user for user in handlers() if user.email]


def _state(ticket: DataSubjectRequest, left: int) -> str:
    due = show_date(ticket.final_due)
    if left < 0:
        return ngettext("overdue by %(days)d day (due %(due)s)", "overdue by %(days)d days (due %(due)s)", -left) % {
            "days": -left,
            "due": due,
        }
    if left == 0:
        return _("due today, %(due)s") % {"due": due}
    return ngettext("due in %(days)d day, on %(due)s", "due in %(days)d days, on %(due)s", left) % {
        "days": left,
        "due": due,
    }


def reminder_mail(ticket: DataSubjectRequest, left: int) -> tuple[str, str]:
    """Subject and body. Only the reference, type, status and dates: the requester's
    identity stays in the vault, so a mailbox never holds it."""
    state = _state(ticket, left)
    subject = _("Data subject request %(reference)s is %(state)s") % {"reference": ticket.reference, "state": state}
    link = f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{reverse('dsar:ticket', args=[ticket.pk])}"
    lines = [
        _("The data subject request %(reference)s is %(state)s.") % {"reference": ticket.reference, "state": state},
        "",
        _("Type: %(kind)s") % {"kind": ticket.get_kind_display()},
        _("Status: %(status)s") % {"status": ticket.get_status_display()},
        _("Received: %(day)s") % {"day": show_date(local_date(ticket.received_at))},
        _("Final due date: %(day)s") % {"day": show_date(ticket.final_due)},
        "",
        _("Open the request: %(link)s") % {"link": link},
        "",
        _("The statutory deadline cannot be moved once it has passed; answer, extend (before the due date) or "
          "refuse with reasons."),
    ]  # fmt: skip
    return subject, "\n".join(lines)

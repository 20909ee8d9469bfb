"""Periodic reviews of an approved assessment: the next-review date, recording a review
done, and the reminders to the DPO.

The date is first set on approval (approval day + `review_interval_days`, quarterly by
default), can be moved by hand, and moves on by the interval each time a review is
recorded. Reminders (hourly cron) go to the DPO 14 days before the date and, once it has
passed, every 7 days until a review is recorded; `review_reminded_on` keeps the same
reminder from going out twice, and a missed day sends it late rather than never.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compliance.organisation import local_today
from dpia.models import Assessment, AssessmentVersion, EffortRole, VersionStatus
from dpia.notify import mail_dpo
from dpia.services.common import DpiaError, lock, record_event

logger = logging.getLogger(__name__)

REMIND_BEFORE_DAYS = 14
OVERDUE_EVERY_DAYS = 7
MAX_INTERVAL_DAYS = 1096  # three years: a longer gap is no periodic review


def show(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def approved_version(assessment: Assessment) -> AssessmentVersion | None:
    return assessment.versions.filter(status=VersionStatus.APPROVED).order_by("-number").first()


def first_review(assessment: Assessment) -> None:
    """On approval (caller saves): the review clock starts again from today."""
    assessment.next_review = local_today() + timedelta(days=assessment.review_interval_days)
    assessment.review_reminded_on = None


def _role(actor: Any) -> str:
    return EffortRole.DPO if actor is not None and actor.has_perm("dpia.sign_dpia") else EffortRole.AUTHOR


def assessment_review_schedule(
    *, assessment: Assessment, next_review: date | None, interval_days: int, actor: Any, ip: str | None = None
) -> Assessment:
    """Set the next review date (empty: today + the interval) and the interval after it."""
    if not 1 <= interval_days <= MAX_INTERVAL_DAYS:
        raise DpiaError(
            _("Choose between 1 and %(max)d days between reviews (91 is quarterly).") % {"max": MAX_INTERVAL_DAYS}
        )
    today = local_today()
    next_review = next_review or today + timedelta(days=interval_days)
    if next_review < today:
        raise DpiaError(_("The next review cannot be in the past; choose today or a later date."))
    with transaction.atomic():
        assessment = lock(assessment)
        assessment.next_review = next_review
        assessment.review_interval_days = interval_days
        assessment.review_reminded_on = None
        assessment.save(update_fields=["next_review", "review_interval_days", "review_reminded_on"])
        record_event(
            assessment,
            version=approved_version(assessment),
            actor=actor,
            action="review_schedule",
            summary=_("Next review on %(day)s, then every %(days)d days.")
            % {"day": show(next_review), "days": interval_days},
            role=_role(actor),
            ip=ip,
        )
    return assessment


def assessment_reviewed(*, assessment: Assessment, actor: Any, note: str, ip: str | None = None) -> Assessment:
    """Record a periodic review by the DPO; the next one falls an interval from today.

    Refused while the configuration differs from the approved version: that needs a new
    version (or the configuration changed back), not a note."""
    note = note.strip()
    if not note:
        raise DpiaError(_("Say what the review checked and concluded."))
    with transaction.atomic():
        assessment = lock(assessment)
        version = approved_version(assessment)
        if version is None:
            raise DpiaError(_("No version has been approved yet, so there is nothing to review: approve one first."))
        if assessment.drift:
            raise DpiaError(
                _(
                    "The configuration differs from the approved version. Start a new version that describes it "
                    "(or change the configuration back) instead of recording a review."
                )
            )
        assessment.next_review = local_today() + timedelta(days=assessment.review_interval_days)
        assessment.review_reminded_on = None
        assessment.save(update_fields=["next_review", "review_reminded_on"])
        record_event(
            assessment,
            version=version,
            actor=actor,
            action="reviewed",
            summary=_("Review done: %(note)s Next review on %(day)s.")
            % {"note": note, "day": show(assessment.next_review)},
            role=EffortRole.DPO,
            ip=ip,
        )
    return assessment


def reminder_stage(next_review: date, today: date, reminded_on: date | None) -> str | None:
    """ "soon" or "overdue" when a reminder is due today, else None."""
    left = (next_review - today).days
    if left > REMIND_BEFORE_DAYS:
        return None
    if left >= 0:
        window = next_review - timedelta(days=REMIND_BEFORE_DAYS)
        return "soon" if reminded_on is None or reminded_on < window else None
    if reminded_on is None or reminded_on <= next_review or (today - reminded_on).days >= OVERDUE_EVERY_DAYS:
        return "overdue"
    return None


def _state(next_review: date, today: date) -> str:
    left = (next_review - today).days
    if left < 0:
        return ngettext("overdue by %(days)d day (due %(day)s)", "overdue by %(days)d days (due %(day)s)", -left) % {
            "days": -left,
            "day": show(next_review),
        }
    if left == 0:
        return _("due today, %(day)s") % {"day": show(next_review)}
    return ngettext("due in %(days)d day, on %(day)s", "due in %(days)d days, on %(day)s", left) % {
        "days": left,
        "day": show(next_review),
    }


def send_review_reminders(now: datetime | None = None) -> int:
    """E-mail the reminders due now (hourly cron); returns how many assessments were reminded."""
    today = local_today(now)
    sent = 0
    due = Assessment.objects.filter(next_review__lte=today + timedelta(days=REMIND_BEFORE_DAYS))
    for pk in due.order_by("pk").values_list("pk", flat=True):
        try:
            with transaction.atomic():
                sent += _remind(Assessment(pk=pk), today)
        except (smtplib.SMTPException, OSError):
            # Nothing was recorded for this assessment, so the next run tries again.
            logger.exception("Could not send the review reminder for assessment %s", pk)
    return sent


def _remind(assessment: Assessment, today: date) -> int:
    assessment = lock(assessment)
    if assessment.next_review is None:
        return 0
    if reminder_stage(assessment.next_review, today, assessment.review_reminded_on) is None:
        return 0
    state = _state(assessment.next_review, today)
    subject = _("Review of impact assessment %(reference)s is %(state)s") % {
        "reference": assessment.reference,
        "state": state,
    }
    lines = [
        _("The periodic review of the impact assessment %(reference)s “%(title)s” is %(state)s.")
        % {"reference": assessment.reference, "title": assessment.title, "state": state},
        "",
        _("Check that the assessment still describes the processing, then record the review on its page."),
    ]
    who = mail_dpo(assessment, subject, lines)
    assessment.review_reminded_on = today
    assessment.save(update_fields=["review_reminded_on"])
    record_event(
        assessment,
        version=approved_version(assessment),
        actor=None,
        action="review_reminder",
        summary=_("Review reminder e-mailed to %(who)s: %(state)s.") % {"who": who, "state": state},
        log=False,
    )
    return 1


def reviews_soon(today: date) -> list[Assessment]:
    """Assessments whose review falls within the next 14 days (today included), soonest first."""
    return list(
        Assessment.objects.filter(
            next_review__gte=today, next_review__lte=today + timedelta(days=REMIND_BEFORE_DAYS)
        ).order_by("next_review", "reference")
    )

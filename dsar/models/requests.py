"""Data subject requests: the ticket, where and when the requester was seen, the
pauses of the statutory clock, the timeline of every step, and the letters sent.

Rows are written only by `dsar.services`. The requester's identity is never stored
here in clear: the requester_* fields hold vault pseudonyms (`compliance.vault`).
"""

from __future__ import annotations

from datetime import date
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Rights(models.Model):
    """Holds this app's role permissions; it has no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = (
            ("view_dsar", _("Can view data subject requests")),
            ("handle_dsar", _("Can handle data subject requests")),
            ("approve_dsar_response", _("Can approve the footage answer to a data subject request")),
        )

    def __str__(self) -> str:
        return self._meta.app_label


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access (copy of the data)")
    ERASURE = "erasure", _("Erasure")
    OBJECTION = "objection", _("Objection")
    RESTRICTION = "restriction", _("Restriction of processing")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    PHONE = "phone", _("Phone")
    WEB_FORM = "web_form", _("Web form")
    IN_PERSON = "in_person", _("In person")
    API = "api", _("API")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IDENTITY_PENDING = "identity_pending", _("Waiting for proof of identity")
    VERIFIED = "verified", _("Identity verified")
    SEARCHING = "searching", _("Searching footage")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    ON_HOLD = "on_hold", _("On hold")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A ticket in one of these states needs no more work: its clock no longer matters.
FINAL_STATUSES = (Status.CLOSED, Status.REFUSED, Status.WITHDRAWN)


class Decision(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PARTLY_GRANTED = "partly_granted", _("Partly granted")
    REFUSED = "refused", _("Refused")


class ReferenceCounter(models.Model):
    """The last reference number given out in one year; numbers are never reused, even
    after a closed ticket was deleted under the retention schedule."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


def _user_fk(verbose_name: Any, **kwargs: Any) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=verbose_name,
        **kwargs,
    )


class DataSubjectRequest(models.Model):
    """One request from one person, from receipt to closure.

    All three deadline dates are local dates in the organisation's time zone, kept up
    to date by the services whenever the receipt time, a clock pause or the extension
    changes; `final_due` is the one that applies.
    """

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("type"), max_length=16, choices=RequestKind.choices)
    channel = models.CharField(_("received by"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"))
    description = models.TextField(_("description"), blank=True)
    requester_name = models.CharField(_("requester (pseudonym)"), max_length=64)
    requester_email = models.CharField(_("e-mail (pseudonym)"), max_length=64, blank=True)
    requester_phone = models.CharField(_("phone (pseudonym)"), max_length=64, blank=True)
    requester_address = models.CharField(_("postal address (pseudonym)"), max_length=64, blank=True)
    sites = models.ManyToManyField(
        "media_processing.Site", blank=True, related_name="data_subject_requests", verbose_name=_("sites")
    )
    cameras = models.ManyToManyField(
        "media_processing.Camera", blank=True, related_name="data_subject_requests", verbose_name=_("cameras")
    )
    # The photo is stored encrypted (compliance.vault.blobs); this is its storage path.
    photo_path = models.CharField(_("photo of the requester"), max_length=500, blank=True)
    photo_content_type = models.CharField(_("photo type"), max_length=100, blank=True)
    assigned_to = _user_fk(_("handler"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    status_before_hold = models.CharField(
        _("status before the hold"), max_length=20, choices=Status.choices, blank=True
    )
    due_on = models.DateField(_("due"))
    extension_notice_by = models.DateField(_("extension must be notified by"))
    extended_due_on = models.DateField(_("due if extended"))
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    extension_reasons = models.TextField(_("reasons for the extension"), blank=True)
    verified_at = models.DateTimeField(_("identity verified"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    refusal_reasons = models.TextField(_("reasons for refusal"), blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    created_by = _user_fk(_("logged by"))
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="dsar_status_due"),
            models.Index(fields=["due_on"], name="dsar_due"),
            models.Index(fields=["extended_due_on"], name="dsar_extended_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(requester_name=""), name="dsar_requester_name_given"),
        ]
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_extended(self) -> bool:
        return self.extended_at is not None

    @property
    def final_due(self) -> date:
        """The deadline that applies: the extended one once the extension was notified."""
        return self.extended_due_on if self.is_extended else self.due_on

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def has_photo(self) -> bool:
        return bool(self.photo_path)


class TimeWindow(models.Model):
    """A stretch of time in which the requester says they were filmed."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="windows")
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("to"))

    class Meta:
        ordering = ["start", "pk"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=F("start")), name="dsar_window_end_after_start")]
        verbose_name = _("time window")
        verbose_name_plural = _("time windows")

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M}"


class PauseReason(models.TextChoices):
    IDENTITY = "identity", _("Waiting for proof of identity")
    CLARIFICATION = "clarification", _("Waiting for clarification")


class ClockPause(models.Model):
    """A stretch in which the statutory clock waited for the requester; open while `ended_at` is empty."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("reason"), max_length=16, choices=PauseReason.choices)
    started_at = models.DateTimeField(_("paused"))
    ended_at = models.DateTimeField(_("resumed"), null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")), name="dsar_pause_ends_after"
            ),
        ]
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.started_at:%Y-%m-%d}"


class AppendOnlyError(Exception):
    pass


class TimelineQuerySet(models.QuerySet["TimelineEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Timeline entries cannot be changed.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("Timeline entries cannot be deleted; a ticket's timeline goes with the ticket.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("Timeline entries cannot be changed.")


class TimelineKind(models.TextChoices):
    CREATED = "created", _("Logged")
    EDITED = "edited", _("Changed")
    STATUS = "status", _("Status changed")
    CLOCK_PAUSED = "clock_paused", _("Clock paused")
    CLOCK_RESUMED = "clock_resumed", _("Clock resumed")
    EXTENDED = "extended", _("Deadline extended")
    LETTER = "letter", _("Letter")
    PRESERVATION = "preservation", _("Footage preserved")
    PHOTO = "photo", _("Photo")
    DECISION = "decision", _("Decision")
    ERASURE = "erasure", _("Footage erased")
    REMINDER = "reminder", _("Reminder")
    ANSWER = "answer", _("Footage answer")
    DELIVERY = "delivery", _("Delivery")
    PURGE = "purge", _("Files deleted")


class TimelineEntry(models.Model):
    """One step on a ticket's timeline. Append-only: the ORM refuses changes and
    deletions; the timeline is removed only with its ticket (`dsar.retention`)."""

    # PROTECT: deleting a ticket by accident cannot take its history with it.
    request = models.ForeignKey(DataSubjectRequest, on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The user name at the time, "system" for automatic steps: stays readable after the account goes.
    actor_name = models.CharField(_("by"), max_length=150)
    kind = models.CharField(_("kind"), max_length=16, choices=TimelineKind.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices, blank=True)
    message = models.TextField(_("what happened"), blank=True)

    objects = TimelineQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name}: {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Timeline entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("Timeline entries cannot be deleted.")

    @property
    def is_system(self) -> bool:
        return self.actor_name == "system" and self.actor_id is None


class LetterKind(models.TextChoices):
    EXTENSION = "extension", _("Extension notice")
    REFUSAL = "refusal", _("Refusal")


class Letter(models.Model):
    """A PDF letter to the requester, as generated; its hash proves what was sent."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("kind"), max_length=16, choices=LetterKind.choices)
    file = models.FileField(_("file"), max_length=500)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    created_by = _user_fk(_("made by"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self) -> str:
        return f"{self.request} {self.get_kind_display()}"

"""Closed tickets under the retention schedule ("closed_dsars"): a ticket closed, refused
or withdrawn longer ago than the policy is deleted with its timeline, windows, pauses,
letters and photo, and the requester's pseudonyms are forgotten in the vault (crypto-
shredding) unless another ticket still uses them. Never while a legal hold names it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _

from compliance.models import LegalHold, RetentionCategory
from compliance.retention.policies import category_cutoff
from compliance.retention.registry import Item
from dsar.models import FINAL_STATUSES, DataSubjectRequest, Letter, TimelineEntry
from dsar.services.identity import forget_unused, tokens_of


def _holding(pk: int) -> list[str]:
    content_type = ContentType.objects.get_for_model(DataSubjectRequest)
    holds = LegalHold.objects.filter(subject_type=content_type, subject_id=str(pk), released_at__isnull=True)
    return list(holds.values_list("case_reference", flat=True))


def ticket_purge(ticket: DataSubjectRequest) -> list[dict[str, str]]:
    """Delete a locked ticket with everything it owns, the append-only timeline included,
    and forget its pseudonyms. Returns the files to remove once the caller commits.

    The only way a timeline is deleted: the ORM refuses it everywhere else."""
    files = [{"path": str(letter.file.name), "sha256": letter.sha256} for letter in ticket.letters.all()]
    if ticket.photo_path:
        files.append({"path": ticket.photo_path, "sha256": ""})
    tokens = tokens_of(ticket)
    Letter.objects.filter(request=ticket).delete()
    models.QuerySet.delete(TimelineEntry.objects.filter(request=ticket))
    reference = ticket.reference
    ticket.delete()
    forget_unused(tokens, reason=_("%(ref)s: deleted under the retention schedule") % {"ref": reference})
    return files


class ClosedRequests:
    """Tickets by the time they ended (closed, refused or withdrawn)."""

    category: str = RetentionCategory.CLOSED_DSARS

    def expired(self, now: datetime) -> Iterator[Item]:
        limit, snapshot = category_cutoff(self.category, now)
        if limit is None:
            return
        tickets = DataSubjectRequest.objects.filter(status__in=FINAL_STATUSES, closed_at__lt=limit).order_by("pk")
        for ticket in tickets.iterator():
            yield Item(
                category=self.category,
                model="dsar.datasubjectrequest",
                pk=ticket.pk,
                label=ticket.reference,
                start=ticket.received_at,
                end=ticket.closed_at,
                policy=snapshot,
                held_by=_holding(ticket.pk),
            )

    def delete(self, item: Item, now: datetime) -> Item | None:
        limit, _snapshot = category_cutoff(self.category, now)
        if limit is None:
            return None
        ticket = DataSubjectRequest.objects.select_for_update().filter(pk=item.pk).first()
        if ticket is None or ticket.status not in FINAL_STATUSES or ticket.closed_at is None:
            return None
        if ticket.closed_at >= limit or _holding(ticket.pk):
            return None
        item.files = ticket_purge(ticket)
        return item

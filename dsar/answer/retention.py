"""Answer packages under the retention schedule ("dsar_packages"), counted from when the
package was made.

An expired package loses its files (the zip and the cover letter); its row stays with
`purged_at` set, its hashes and its manifest, so the ticket still shows exactly what was
sent. Two things keep a package past its period:

- a legal hold on the footage of its clips, or one naming its ticket. The ticket's own
  preservation holds count too: they last until the request is closed plus the grace
  period, and while a request may still be disputed the copy actually handed over is
  the evidence of what was disclosed. The sweep reports these with their case references.
- a delivery link that still works: purging would break a link the requester was given.
  Such a package is not listed as expired at all; once its links have expired the
  delivery purge (`dsar.answer.delivery`) or this handler removes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.models import LegalHold, RetentionCategory
from compliance.retention.policies import category_cutoff
from compliance.retention.registry import Item
from dsar.models import DataSubjectRequest, ResponsePackage, TimelineKind
from dsar.services.common import record_step
from media_processing.services.retention import holds_for


def package_holds(package: ResponsePackage) -> list[str]:
    """Case references of the active holds that keep this package."""
    content_type = ContentType.objects.get_for_model(DataSubjectRequest)
    references = set(
        LegalHold.objects.filter(
            subject_type=content_type, subject_id=str(package.request_id), released_at__isnull=True
        ).values_list("case_reference", flat=True)
    )
    for item in package.request.items.filter(included=True).select_related("clip"):
        references.update(holds_for(item.clip).values_list("case_reference", flat=True))
    return sorted(references)


def _live_links(now: datetime) -> Q:
    return Q(links__revoked_at__isnull=True, links__expires_at__gt=now) & (
        Q(links__single_use=False) | Q(links__used_at__isnull=True)
    )


def _files(package: ResponsePackage) -> list[dict[str, str]]:
    return [
        {"path": str(name), "sha256": sha256}
        for name, sha256 in ((package.file.name, package.sha256), (package.letter.name, package.letter_sha256))
        if name
    ]


def package_purge(package: ResponsePackage, *, actor: Any, reason: str) -> list[dict[str, str]]:
    """Clear a locked package's files from its row and set `purged_at`, with a timeline
    entry; returns the files for the caller to remove once its transaction commits."""
    files = _files(package)
    package.file = ""
    package.letter = ""
    package.purged_at = timezone.now()
    package.save(update_fields=["file", "letter", "purged_at"])
    record_step(package.request, actor=actor, verb="package_purge", kind=TimelineKind.PURGE, message=reason)
    return files


class AnswerPackages:
    """Packages by the time they were made, never while held or while a link works."""

    category: str = RetentionCategory.DSAR_PACKAGES

    def expired(self, now: datetime) -> Iterator[Item]:
        limit, snapshot = category_cutoff(self.category, now)
        if limit is None:
            return
        packages = ResponsePackage.objects.filter(purged_at__isnull=True, created_at__lt=limit).exclude(
            pk__in=ResponsePackage.objects.filter(_live_links(now)).values("pk")
        )
        for package in packages.select_related("request").order_by("pk").iterator():
            yield Item(
                category=self.category,
                model="dsar.responsepackage",
                pk=package.pk,
                label=_("%(reference)s answer package %(number)s")
                % {"reference": package.request.reference, "number": package.pk},
                start=package.created_at,
                end=package.created_at,
                size=package.size,
                files=_files(package),
                policy=snapshot,
                held_by=package_holds(package),
            )

    def delete(self, item: Item, now: datetime) -> Item | None:
        limit, _snapshot = category_cutoff(self.category, now)
        if limit is None:
            return None
        package = ResponsePackage.objects.select_for_update().select_related("request").filter(pk=item.pk).first()
        if package is None or package.purged_at is not None or package.created_at >= limit:
            return None
        if package_holds(package) or ResponsePackage.objects.filter(_live_links(now), pk=package.pk).exists():
            return None  # checked again under the lock: a hold or a link made since the listing wins
        reason = _("Answer package %(number)s deleted under the retention schedule; its hashes stay on record.") % {
            "number": package.pk
        }
        item.files = package_purge(package, actor=None, reason=reason)
        return item

"""Secure delivery of an answer package: links the requester downloads it through, the
downloads made, and the purge of the files once every link has expired.

A link is a random token (`secrets.token_urlsafe(32)`, 256 bits) of which only the SHA-256
is stored; an optional 8-digit code, sent to the requester by another channel, is stored
as a salted password hash. Neither is ever written to a log, a timeline or the database
in clear: the staff page shows them once, right after the link is made.

A single-use link is spent at the moment the server starts sending the zip: the request
that finds the link unspent under its row lock marks it used and records the download,
so two simultaneous requests cannot both receive the package. The cover letter may be
read any number of times before that; an interrupted download needs a new link.

After `MAX_FAILED_CODES` wrong codes in all, the link is locked for good; staff see it and
make a new one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F, Max, TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compliance.models import Organisation
from dsar.answer.retention import package_holds, package_purge
from dsar.deadlines import deadline_moment
from dsar.models import DeliveryLink, Download, ResponsePackage, Status, TimelineKind
from dsar.services.common import (
    DsarError,
    delete_file_after_commit,
    is_user,
    local_date,
    local_today,
    lock,
    record_step,
    require_status,
    show_date,
)
from dsar.services.workflow import dsar_deliver

MAX_FAILED_CODES = 5
MAX_LINK_DAYS = 90
CODE_DIGITS = 8
# The timeline has no kind of its own for delivery yet: links and downloads are the
# letters of this step, the purge an erasure.
DELIVERY_KIND = TimelineKind.DELIVERY
USER_AGENT_LENGTH = 300


class LinkState(TextChoices):
    ACTIVE = "active", gettext_lazy("Active")
    EXPIRED = "expired", gettext_lazy("Expired")
    USED = "used", gettext_lazy("Used")
    REVOKED = "revoked", gettext_lazy("Withdrawn")
    LOCKED = "locked", gettext_lazy("Locked: too many wrong codes")
    PURGED = "purged", gettext_lazy("Files deleted")


class DeliveryGone(DsarError):
    """The link no longer gives the files; `state` says why."""

    def __init__(self, state: str) -> None:
        super().__init__(str(LinkState(state).label))
        self.state = state


@dataclass(frozen=True)
class PackageFile:
    """One file the requester can download: `which` is "package" or "letter"."""

    which: str
    path: str
    name: str
    sha256: str
    content_type: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_state(link: DeliveryLink, now: datetime | None = None) -> str:
    """Why the link does or does not work, the most telling reason first."""
    now = now or timezone.now()
    if link.revoked_at is not None:
        return LinkState.REVOKED
    if link.single_use and link.used_at is not None:
        return LinkState.USED
    if link.failed_codes >= MAX_FAILED_CODES:
        return LinkState.LOCKED
    if link.expires_at <= now:
        return LinkState.EXPIRED
    if link.package.purged_at is not None:
        return LinkState.PURGED
    return LinkState.ACTIVE


def package_files(package: ResponsePackage) -> list[PackageFile]:
    """The letter first (to be read before opening the zip), then the zip."""
    files = []
    if package.letter:
        files.append(_file("letter", str(package.letter.name), package.letter_sha256, "application/pdf"))
    if package.file:
        files.append(_file("package", str(package.file.name), package.sha256, "application/zip"))
    return files


def _file(which: str, path: str, sha256: str, content_type: str) -> PackageFile:
    return PackageFile(which=which, path=path, name=PurePath(path).name, sha256=sha256, content_type=content_type)


def link_expiry(days: int) -> datetime:
    """The end of the organisation's local day `days` days from today: a date the e-mail
    can name without a time."""
    return deadline_moment(local_today() + timedelta(days=days), Organisation.current().time_zone)


def delivery_link_create(
    *,
    actor: Any,
    package: ResponsePackage,
    days: int | None = None,
    single_use: bool = False,
    with_code: bool = False,
    ip: str | None = None,
) -> tuple[DeliveryLink, str, str | None]:
    """Make a link to an approved ticket's package; returns the link, its token and its code
    (None without one), which exist in clear only in this return value.

    The first link of an approved ticket moves it to "delivered" in the same transaction."""
    days = settings.DSAR_LINK_DAYS if days is None else days
    if not 1 <= days <= max(MAX_LINK_DAYS, settings.DSAR_LINK_DAYS):
        raise DsarError(
            _("A link can work for 1 to %(max)s days.") % {"max": max(MAX_LINK_DAYS, settings.DSAR_LINK_DAYS)}
        )
    with transaction.atomic():
        ticket = lock(package.request)
        require_status(ticket, (Status.APPROVED, Status.DELIVERED), doing=_("sent by secure link"))
        package = ResponsePackage.objects.select_for_update().get(pk=package.pk)
        _require_deliverable(package)
        token = secrets.token_urlsafe(32)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}" if with_code else None
        link = DeliveryLink.objects.create(
            package=package, token_hash=token_hash(token), code_hash=make_password(code) if code else "",
            expires_at=link_expiry(days), single_use=single_use, created_by=actor if is_user(actor) else None,
        )  # fmt: skip
        expires = show_date(local_date(link.expires_at))
        record_step(ticket, actor=actor, verb="delivery_link_create", kind=DELIVERY_KIND,
                    message=_link_message(link, expires), ip=ip)  # fmt: skip
        if ticket.status == Status.APPROVED:
            note = _("Answer sent by secure link, expires %(date)s.") % {"date": expires}
            dsar_deliver(actor=actor, request=ticket, note=note, ip=ip)
    return link, token, code


def _require_deliverable(package: ResponsePackage) -> None:
    if package.purged_at is not None:
        raise DsarError(
            _("Package %(number)s was deleted on %(date)s. Make a new package to send the answer again.")
            % {"number": package.pk, "date": show_date(local_date(package.purged_at))}
        )
    if not package.file or not package.sha256:
        raise DsarError(
            _("Package %(number)s is not complete yet; wait for its job to finish.") % {"number": package.pk}
        )


def _link_message(link: DeliveryLink, expires: str) -> str:
    message = _("Secure link %(link)s made for answer package %(package)s, expires %(date)s.") % {
        "link": link.pk, "package": link.package_id, "date": expires,
    }  # fmt: skip
    if link.single_use:
        message += " " + _("One download only.")
    if link.code_hash:
        message += " " + _("Protected by a code sent separately.")
    return message


def delivery_link_revoke(*, actor: Any, link: DeliveryLink, ip: str | None = None) -> DeliveryLink:
    """Withdraw a link at once; its package stays until the purge."""
    with transaction.atomic():
        ticket = lock(link.package.request)
        link = DeliveryLink.objects.select_for_update().select_related("package").get(pk=link.pk)
        if link.revoked_at is not None:
            raise DsarError(_("Link %(link)s was already withdrawn.") % {"link": link.pk})
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        record_step(ticket, actor=actor, verb="delivery_link_revoke", kind=DELIVERY_KIND,
                    message=_("Secure link %(link)s withdrawn.") % {"link": link.pk}, ip=ip)  # fmt: skip
    return link


def delivery_link_find(token: str) -> DeliveryLink | None:
    """The link of a token, or None. The lookup goes through the unique index on the hash;
    the final comparison is constant-time so that no timing tells how much of it matched."""
    digest = token_hash(token)
    link = DeliveryLink.objects.select_related("package__request").filter(token_hash=digest).first()
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        return None
    return link


def delivery_code_check(*, link: DeliveryLink, code: str, ip: str | None = None) -> bool:
    """Whether `code` is the link's code. A wrong one is counted; the one that reaches
    `MAX_FAILED_CODES` locks the link and says so on the ticket."""
    with transaction.atomic():
        link = DeliveryLink.objects.select_for_update().select_related("package__request").get(pk=link.pk)
        if link_state(link) != LinkState.ACTIVE:
            raise DeliveryGone(link_state(link))
        if link.code_hash and check_password(code.strip(), link.code_hash):
            return True
        DeliveryLink.objects.filter(pk=link.pk).update(failed_codes=F("failed_codes") + 1)
        if link.failed_codes + 1 >= MAX_FAILED_CODES:
            message = _("Secure link %(link)s locked after %(count)s wrong codes; make a new link if needed.") % {
                "link": link.pk, "count": MAX_FAILED_CODES,
            }  # fmt: skip
            record_step(link.package.request, actor=None, verb="delivery_link_lock", kind=DELIVERY_KIND,
                        message=message, ip=ip)  # fmt: skip
    return False


def codes_left(link: DeliveryLink) -> int:
    return max(MAX_FAILED_CODES - link.failed_codes, 0)


def delivery_download_record(*, link: DeliveryLink, file: PackageFile, ip: str | None, user_agent: str) -> Download:
    """Record a download about to be sent, and spend a single-use link on its zip.

    Raises DeliveryGone when the link stopped working since the page was shown."""
    with transaction.atomic():
        link = DeliveryLink.objects.select_for_update().select_related("package__request").get(pk=link.pk)
        state = link_state(link)
        if state != LinkState.ACTIVE:
            raise DeliveryGone(state)
        if link.single_use and file.which == "package":
            link.used_at = timezone.now()
            link.save(update_fields=["used_at"])
        download = Download.objects.create(
            link=link, file_name=file.name[:300], ip=ip or None, user_agent=user_agent[:USER_AGENT_LENGTH]
        )
        message = _("Downloaded by the requester: %(file)s (link %(link)s).") % {"file": file.name, "link": link.pk}
        record_step(link.package.request, actor=None, verb="download", kind=DELIVERY_KIND, message=message, ip=ip)
    return download


def purge_expired_packages(now: datetime | None = None) -> int:
    """Cron entry (hourly): delete the files of every package whose links have all expired
    (revoked or spent links included: a link is withdrawn to replace it, so the package
    stays until the newest link's expiry). A package under a legal hold (on its ticket or
    its clips' footage: `package_holds`) stays until the hold is released; the next run
    after that purges it. Returns how many packages were purged.

    Each package is one transaction that clears its files on the row, sets `purged_at`
    and records the files as pending deletions; the files go once that commits, so a
    crash leaves nothing untracked (the retention sweep finishes pending deletions)."""
    now = now or timezone.now()
    due = (
        ResponsePackage.objects.filter(purged_at__isnull=True)
        .annotate(last_expiry=Max("links__expires_at"))
        .filter(last_expiry__lt=now)
    )
    purged = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            package = ResponsePackage.objects.select_for_update().select_related("request").get(pk=pk)
            last = package.links.aggregate(last=Max("expires_at"))["last"]
            if package.purged_at is not None or last is None or last >= now or package_holds(package):
                continue
            _purge(package, last)
            purged += 1
    return purged


def _purge(package: ResponsePackage, last_expiry: datetime) -> None:
    names = [PurePath(str(field.name)).name for field in (package.file, package.letter) if field]
    message = _("Answer package %(package)s deleted (%(files)s): its last link expired on %(date)s.") % {
        "package": package.pk, "files": ", ".join(names) or "—", "date": show_date(local_date(last_expiry)),
    }  # fmt: skip
    for file in package_purge(package, actor=None, reason=message):
        delete_file_after_commit(file["path"])

"""The append-only, hash-chained access log.

Rows are written only by `compliance.access_log.record_access`; the ORM refuses to
update or delete them, and `verify_access_log` detects changes made around the ORM.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AccessEventQuerySet(models.QuerySet["AccessEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Access log entries cannot be changed.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("Access log entries cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("Access log entries cannot be changed.")


class AccessEvent(models.Model):
    # The sequence number is the primary key and is assigned by record_access from the
    # chain head, so that a gap always means a removed entry.
    seq = models.BigIntegerField(_("entry"), primary_key=True)
    timestamp = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("user"), max_length=150)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=100, db_index=True)
    target_id = models.CharField(_("object id"), max_length=64, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        default_permissions = ("view",)
        permissions = (("verify_access_log", _("Can verify the access log chain")),)
        verbose_name = _("access event")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_username} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Access log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("Access log entries cannot be deleted.")


class AccessLogHead(models.Model):
    """The chain's newest entry, one row, locked by each writer.

    Locking it serialises writers (no forked chain) and lets verification notice
    entries removed from the end of the log.
    """

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    # Where the chain starts once old entries were removed under the retention schedule:
    # the last removed entry's number and hash (0 and empty: nothing removed).
    pruned_seq = models.BigIntegerField(default=0)
    pruned_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("access log head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash}"

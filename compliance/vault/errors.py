"""What can go wrong in the vault, each with a message a person can act on."""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _


class VaultError(Exception):
    """Base of the vault's errors; `message` is written for the person who meets it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class VaultKeyError(VaultError):
    """The vault key is invalid or unreadable, or an entry's key is not configured."""


class VaultKeyMissing(VaultKeyError):
    """No vault key is configured at all."""


class VaultIntegrityError(VaultError):
    """An entry does not decrypt: its data was altered or moved, or the key is not the one used."""


class VaultEntryNotFound(VaultError):
    def __init__(self, token: str) -> None:
        super().__init__(_("There is no pseudonym %(token)s in the vault.") % {"token": token})
        self.token = token


class VaultEntryErased(VaultError):
    """The identity behind this token was erased (crypto-shredded) and cannot be recovered."""

    def __init__(self, token: str, erased_at: datetime, erased_by: str) -> None:
        when = formats.date_format(timezone.localtime(erased_at), "DATETIME_FORMAT")
        super().__init__(
            _("The identity behind %(token)s was erased on %(when)s by %(who)s; it can no longer be recovered.")
            % {"token": token, "when": when, "who": erased_by}
        )
        self.token = token
        self.erased_at = erased_at
        self.erased_by = erased_by

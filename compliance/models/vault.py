"""The pseudonymisation vault: one row per pseudonym (token).

A live row holds the person's identifier only encrypted (AES-256-GCM) and a keyed
hash of it (HMAC-SHA-256) to find the row again; neither can be read without the
vault key, which is kept outside the database. An erased row is a tombstone: the
token, when and by whom it was erased, and nothing derived from the identifier.

Rows are written only by `compliance.vault`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VaultEntry(models.Model):
    token = models.CharField(_("pseudonym"), max_length=16, primary_key=True)
    purpose = models.CharField(_("purpose"), max_length=64, db_index=True)
    # HMAC-SHA-256 of the normalised identifier, under a key derived from the vault key
    # and the purpose: the same person gets the same token, without the identifier in clear.
    lookup = models.CharField(max_length=64, null=True, blank=True)
    key_id = models.CharField(_("key id"), max_length=16, blank=True, db_index=True)
    nonce = models.BinaryField(null=True, blank=True)
    ciphertext = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    # A user name, like the access log's: it stays readable if the account is deleted.
    erased_by = models.CharField(_("erased by"), max_length=150, blank=True)

    class Meta:
        default_permissions = ()
        permissions = (
            ("reidentify_person", _("Can re-identify a pseudonymised person")),
            ("forget_person", _("Can erase a pseudonymised person's identity from the vault")),
        )
        constraints = [
            # Two tokens for one person and purpose would break the promise of a stable pseudonym.
            models.UniqueConstraint(fields=["purpose", "lookup"], name="vault_one_token_per_person_and_purpose"),
            # A row is either live (everything needed to decrypt) or erased (nothing of the value left).
            models.CheckConstraint(
                condition=(
                    Q(
                        erased_at__isnull=True,
                        lookup__isnull=False,
                        nonce__isnull=False,
                        ciphertext__isnull=False,
                    )
                    & ~Q(key_id="")
                )
                | Q(
                    erased_at__isnull=False, lookup__isnull=True, nonce__isnull=True, ciphertext__isnull=True, key_id=""
                ),
                name="vault_entry_live_or_erased",
            ),
        ]
        verbose_name = _("vault entry")
        verbose_name_plural = _("vault entries")

    def __str__(self) -> str:
        return self.token

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

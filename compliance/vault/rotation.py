"""Key rotation: re-encrypting the vault under the current key, and retiring old keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from compliance.models import VaultEntry
from compliance.vault.crypto import lookup_digest, seal
from compliance.vault.errors import VaultError, VaultKeyError
from compliance.vault.keys import Keyring, key_file_remove, load_keyring
from compliance.vault.services import decrypt_entry

Progress = Callable[[int, int], None]


@dataclass
class RotationReport:
    key_id: str
    to_rotate: int = 0
    rotated: int = 0
    already_current: int = 0
    erased: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # token -> why it could not be re-encrypted


def vault_rotate(*, batch_size: int = 500, progress: Progress | None = None) -> RotationReport:
    """Re-encrypt every live entry that is not under the current key, and recompute its
    lookup hash under that key.

    Guarantees: idempotent (entries already under the current key are left alone) and
    resumable (each batch commits on its own, so an interrupted run loses at most one
    batch of work and the next run carries on). Every re-encryption draws a fresh nonce.
    An entry that cannot be decrypted (tampered with, or under a key that is no longer
    configured) is left as it is and reported in `failed`; the others go on.
    `progress(done, total)` is called after each batch.
    """
    keyring = load_keyring()
    current = keyring.current
    live = VaultEntry.objects.filter(erased_at__isnull=True)
    report = RotationReport(
        key_id=current.id,
        to_rotate=live.exclude(key_id=current.id).count(),
        already_current=live.filter(key_id=current.id).count(),
        erased=VaultEntry.objects.filter(erased_at__isnull=False).count(),
    )
    after = ""
    while True:
        with transaction.atomic():
            batch = list(
                live.select_for_update()
                .exclude(key_id=current.id)
                .filter(token__gt=after)
                .order_by("token")[:batch_size]
            )
            if not batch:
                break
            _rotate_batch(keyring, batch, report)
            after = batch[-1].token
        if progress:
            progress(report.rotated + len(report.failed), report.to_rotate)
    return report


def _rotate_batch(keyring: Keyring, batch: list[VaultEntry], report: RotationReport) -> None:
    current = keyring.current
    changed = []
    for entry in batch:
        try:
            value = decrypt_entry(keyring, entry)
        except VaultError as exc:
            report.failed[entry.token] = exc.message
            continue
        entry.nonce, entry.ciphertext = seal(current, token=entry.token, purpose=entry.purpose, value=value)
        entry.lookup = lookup_digest(current, purpose=entry.purpose, normalised=value)
        entry.key_id = current.id
        changed.append(entry)
    try:
        with transaction.atomic():
            VaultEntry.objects.bulk_update(changed, ["nonce", "ciphertext", "lookup", "key_id"])
    except IntegrityError:
        # Two entries of one person and purpose under different keys: cannot arise through
        # tokenise, which looks under every key first. Say which ones, row by row.
        for entry in changed:
            try:
                with transaction.atomic():
                    VaultEntry.objects.bulk_update([entry], ["nonce", "ciphertext", "lookup", "key_id"])
            except IntegrityError:
                report.failed[entry.token] = _(
                    "Another entry of the same purpose holds the same identity under the current key."
                )
    report.rotated += len(changed) - sum(1 for entry in changed if entry.token in report.failed)


def vault_key_usage() -> dict[str, int]:
    """How many live entries each key id encrypts."""
    rows = VaultEntry.objects.filter(erased_at__isnull=True).values("key_id").annotate(entries=Count("token"))
    return {row["key_id"]: row["entries"] for row in rows}


def vault_key_retire(*, key_id: str) -> Keyring:
    """Remove a previous key from the key file, once no live entry is encrypted under it.

    Refuses the current key, a key still in use, and keys configured in the
    environment (edit OBSCURA_VAULT_PREVIOUS_KEYS instead). Returns the new keyring.
    """
    keyring = load_keyring()
    if keyring.path is None:
        raise VaultKeyError(
            _("The keys come from OBSCURA_VAULT_KEY; remove the old key from OBSCURA_VAULT_PREVIOUS_KEYS instead.")
        )
    if keyring.get(key_id) is None:
        raise VaultKeyError(_("There is no key %(id)s in %(path)s.") % {"id": key_id, "path": keyring.path})
    if key_id == keyring.current.id:
        raise VaultKeyError(_("Key %(id)s is the current key; it cannot be retired.") % {"id": key_id})
    in_use = vault_key_usage().get(key_id, 0)
    if in_use:
        raise VaultKeyError(
            _("%(count)d vault entries are still encrypted under key %(id)s. Run `manage.py vault_rotate` first.")
            % {"count": in_use, "id": key_id}
        )
    key_file_remove(path=keyring.path, key_id=key_id)
    return load_keyring()

"""Tokenise, re-identify and forget: the only writers and readers of vault entries."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.access_log import record_access
from compliance.models import VaultEntry
from compliance.vault.crypto import lookup_digest, seal, unseal
from compliance.vault.errors import VaultEntryErased, VaultEntryNotFound, VaultError, VaultKeyError
from compliance.vault.keys import Keyring, load_keyring
from compliance.vault.purposes import get_purpose

REIDENTIFY_PERMISSION = "compliance.reidentify_person"
FORGET_PERMISSION = "compliance.forget_person"
REIDENTIFY_ACTION = "vault.reidentify"
FORGET_ACTION = "vault.forget"
REFUSED = ".refused"

# Crockford's base 32: no I, L, O or U, so a token read aloud or copied by hand survives.
TOKEN_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # noqa: S105 (an alphabet, not a secret)
TOKEN_PATTERN = re.compile(f"P-[{TOKEN_ALPHABET}]{{4}}-[{TOKEN_ALPHABET}]{{4}}")
TOKEN_ATTEMPTS = 8


def new_token() -> str:
    """A random pseudonym such as P-7K3M-Q9XD (40 bits): it carries nothing of the person."""
    body = "".join(secrets.choice(TOKEN_ALPHABET) for _position in range(8))
    return f"P-{body[:4]}-{body[4:]}"


def clean_token(token: str) -> str:
    """A token as typed by a person, in its stored form; VaultEntryNotFound for what cannot be one."""
    cleaned = token.strip().upper()
    if not TOKEN_PATTERN.fullmatch(cleaned):
        raise VaultEntryNotFound(cleaned[:40])
    return cleaned


def tokenise(value: str, purpose: str) -> str:
    """The pseudonym of `value` under `purpose`.

    Guarantees: the same value (after the purpose's normalisation) and purpose always
    give the same token, also while a key rotation is under way; another purpose gives
    another token that cannot be linked to it; concurrent calls for one value never
    create two tokens; after `forget`, the value gets a new token. The value is stored
    only encrypted, and found again only through a keyed hash. Raises VaultKeyError
    when the vault key is missing or invalid, ValueError for an unknown purpose or an
    empty value.
    """
    normalised = get_purpose(purpose).normalise(value)
    keyring = load_keyring()
    existing = _find(keyring, purpose=purpose, normalised=normalised)
    if existing:
        return existing
    key = keyring.current
    lookup = lookup_digest(key, purpose=purpose, normalised=normalised)
    for _attempt in range(TOKEN_ATTEMPTS):
        token = new_token()
        nonce, ciphertext = seal(key, token=token, purpose=purpose, value=normalised)
        try:
            with transaction.atomic():
                VaultEntry.objects.create(
                    token=token, purpose=purpose, lookup=lookup, key_id=key.id, nonce=nonce, ciphertext=ciphertext
                )
            return token
        except IntegrityError:
            # Either another transaction just gave this person a token (the unique lookup
            # index refused ours, after waiting for it to commit), or the random token
            # was taken: use theirs, or draw again.
            existing = _find(keyring, purpose=purpose, normalised=normalised)
            if existing:
                return existing
    raise VaultError(_("No free pseudonym could be drawn; try again."))


def _find(keyring: Keyring, *, purpose: str, normalised: str) -> str | None:
    # Under every configured key: entries not yet re-encrypted still carry an older key's hash.
    digests = [lookup_digest(key, purpose=purpose, normalised=normalised) for key in keyring.keys]
    return VaultEntry.objects.filter(purpose=purpose, lookup__in=digests).values_list("token", flat=True).first()


def reidentify(token: str, *, actor: Any, reason: str, ip: str | None = None) -> str:
    """The identifier behind `token`, for an actor allowed to re-identify people.

    Guarantees: nothing is returned unless the actor holds `compliance.reidentify_person`
    and gave a reason, and the access-log entry `vault.reidentify` (token, reason) is
    written before the value is returned. A refused attempt raises PermissionDenied
    and is itself logged as `vault.reidentify.refused` (unless the caller's own
    transaction rolls back). Raises ValueError for an empty reason, VaultEntryNotFound,
    VaultEntryErased for a crypto-shredded identity, VaultIntegrityError when the
    entry was tampered with, VaultKeyError when its key is not configured.
    """
    token = clean_token(token)
    reason = reason.strip()
    _require(actor, REIDENTIFY_PERMISSION, action=REIDENTIFY_ACTION, token=token, reason=reason, ip=ip)
    if not reason:
        raise ValueError(_("Give the reason for re-identifying this person; it is kept in the access log."))
    keyring = load_keyring()
    with transaction.atomic():
        entry = _entry(token)
        if entry.erased_at is not None:
            raise VaultEntryErased(token, entry.erased_at, entry.erased_by)
        value = decrypt_entry(keyring, entry)
        record_access(actor=actor, action=REIDENTIFY_ACTION, target=entry, reason=reason, ip=ip)
    return value


def forget(token: str, *, actor: Any, reason: str, ip: str | None = None) -> VaultEntry:
    """Erase the identity behind `token` for good (crypto-shredding).

    Guarantees: the encrypted value and the lookup hash are removed in the same
    transaction as the access-log entry `vault.forget`; only a tombstone stays (the
    token, when and by whom), so `reidentify` then says the identity was erased and
    `tokenise` gives the same value a new token. `actor` is a user holding
    `compliance.forget_person`, or None for the system (retention). Forgetting an
    erased token again changes nothing and logs nothing. A refused attempt raises
    PermissionDenied and is logged as `vault.forget.refused`.
    """
    token = clean_token(token)
    reason = reason.strip()
    if actor is not None:
        _require(actor, FORGET_PERMISSION, action=FORGET_ACTION, token=token, reason=reason, ip=ip)
    if not reason:
        raise ValueError(_("Give the reason for erasing this identity; it is kept in the access log."))
    with transaction.atomic():
        entry = _entry(token, for_update=True)
        if entry.is_erased:
            return entry
        erased_by = actor.get_username() if actor is not None else "system"
        erased_at = timezone.now()
        VaultEntry.objects.filter(pk=entry.pk).update(
            lookup=None, nonce=None, ciphertext=None, key_id="", erased_at=erased_at, erased_by=erased_by
        )
        record_access(actor=actor, action=FORGET_ACTION, target=entry, reason=reason, ip=ip)
    entry.refresh_from_db()
    return entry


def _require(actor: Any, permission: str, *, action: str, token: str, reason: str, ip: str | None) -> None:
    if actor is not None and actor.has_perm(permission):
        return
    # Logged without looking the token up, so a refusal does not reveal whether it exists.
    with transaction.atomic():
        record_access(actor=actor, action=action + REFUSED, target=VaultEntry(token=token), reason=reason, ip=ip)
    raise PermissionDenied(_("You are not allowed to do this with pseudonymised identities."))


def _entry(token: str, *, for_update: bool = False) -> VaultEntry:
    entries = VaultEntry.objects.select_for_update() if for_update else VaultEntry.objects.all()
    entry = entries.filter(pk=token).first()
    if entry is None:
        raise VaultEntryNotFound(token)
    return entry


def decrypt_entry(keyring: Keyring, entry: VaultEntry) -> str:
    """A live entry's value, for the vault's own use (re-identification, rotation); never logged."""
    key = keyring.get(entry.key_id)
    if key is None:
        raise VaultKeyError(
            _(
                "The vault entry %(token)s is encrypted under key %(id)s, which is not configured. Add that key "
                "back as a previous key (see the vault's key rotation in the operations guide)."
            )
            % {"token": entry.token, "id": entry.key_id}
        )
    assert entry.nonce is not None and entry.ciphertext is not None  # a live row (database constraint)
    return unseal(key, token=entry.token, purpose=entry.purpose, nonce=entry.nonce, ciphertext=entry.ciphertext)

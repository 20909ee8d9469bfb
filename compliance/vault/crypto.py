"""Sealing and opening vault entries (AES-256-GCM) and their lookup hash (HMAC-SHA-256).

Each encryption uses a fresh random 96-bit nonce. The associated data binds the
ciphertext to its token, purpose and key id: a ciphertext copied onto another row,
or a row whose purpose or key id was changed, fails authentication instead of
decrypting to someone else's identity.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils.translation import gettext as _

from compliance.vault.errors import VaultIntegrityError
from compliance.vault.keys import VaultKey

NONCE_BYTES = 12
FORMAT = b"obscura-vault/v1"


def lookup_digest(key: VaultKey, *, purpose: str, normalised: str) -> str:
    """The keyed hash that finds a person's token again; meaningless without the key."""
    return hmac.new(key.lookup_key(purpose), normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def _associated_data(*, token: str, purpose: str, key_id: str) -> bytes:
    return b"\x00".join((FORMAT, token.encode(), purpose.encode(), key_id.encode()))


def seal(key: VaultKey, *, token: str, purpose: str, value: str) -> tuple[bytes, bytes]:
    """Encrypt `value` for the row `token`; returns (nonce, ciphertext with its tag)."""
    nonce = os.urandom(NONCE_BYTES)
    associated = _associated_data(token=token, purpose=purpose, key_id=key.id)
    return nonce, AESGCM(key.encryption_key).encrypt(nonce, value.encode("utf-8"), associated)


def unseal(
    key: VaultKey, *, token: str, purpose: str, nonce: bytes | memoryview, ciphertext: bytes | memoryview
) -> str:
    """Decrypt a row's value. Raises VaultIntegrityError when anything about the row changed."""
    associated = _associated_data(token=token, purpose=purpose, key_id=key.id)
    try:
        plain = AESGCM(key.encryption_key).decrypt(bytes(nonce), bytes(ciphertext), associated)
    except (InvalidTag, ValueError):
        raise VaultIntegrityError(
            _(
                "The vault entry %(token)s does not decrypt: its stored data was altered, or copied from "
                "another entry. Nothing was disclosed. Restore the entry from a backup, and tell the DPO."
            )
            % {"token": token}
        ) from None
    return plain.decode("utf-8")

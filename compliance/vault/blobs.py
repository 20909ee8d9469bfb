"""Files encrypted at rest under the vault key (AES-256-GCM), e.g. a requester's photo.

A sealed blob is self-describing: `obscura-blob/v1`, the id of the vault key it was
sealed under, a fresh 96-bit nonce, then the ciphertext with its tag. The blob key is
derived from the vault key for this one use. The associated data binds the blob to its
`context` (say, the ticket it belongs to): a blob copied onto another ticket does not
open. A blob sealed under an older key opens while that key is still configured as a
previous key; once the key is gone, so is the blob.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.utils.translation import gettext as _

from compliance.vault.errors import VaultIntegrityError, VaultKeyError
from compliance.vault.keys import VaultKey, load_keyring

MAGIC = b"obscura-blob/v1\n"
KEY_ID_BYTES = 12  # VaultKey.id: 6 bytes as hex
NONCE_BYTES = 12
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES + NONCE_BYTES


def _blob_key(key: VaultKey) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"obscura-vault/v1/blob").derive(
        key.encryption_key
    )


def _associated(key_id: bytes, context: str) -> bytes:
    return MAGIC + key_id + b"\x00" + context.encode("utf-8")


def seal_blob(data: bytes, *, context: str) -> bytes:
    """`data` encrypted under the current vault key. Raises VaultKeyError without a key."""
    key = load_keyring().current
    key_id = key.id.encode("ascii")
    nonce = os.urandom(NONCE_BYTES)
    return MAGIC + key_id + nonce + AESGCM(_blob_key(key)).encrypt(nonce, data, _associated(key_id, context))


def open_blob(blob: bytes, *, context: str) -> bytes:
    """The plain bytes of a sealed blob. Raises VaultIntegrityError when the blob was altered,
    is not a blob, or belongs to another context; VaultKeyError when its key is not configured."""
    if len(blob) < HEADER_BYTES or not blob.startswith(MAGIC):
        raise VaultIntegrityError(_("This file is not an encrypted Obscura file."))
    key_id = blob[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES]
    nonce = blob[len(MAGIC) + KEY_ID_BYTES : HEADER_BYTES]
    key = load_keyring().get(key_id.decode("ascii", errors="replace"))
    if key is None:
        raise VaultKeyError(
            _(
                "This file is encrypted under vault key %(id)s, which is not configured. Add that key back as a "
                "previous key (see the vault's key rotation in the operations guide)."
            )
            % {"id": key_id.decode("ascii", errors="replace")}
        )
    try:
        return AESGCM(_blob_key(key)).decrypt(nonce, blob[HEADER_BYTES:], _associated(key_id, context))
    except (InvalidTag, ValueError):
        raise VaultIntegrityError(
            _("The encrypted file does not decrypt: it was altered, or it belongs to another record.")
        ) from None

"""The pseudonymisation vault: identifiers replaced by stable tokens, the mapping kept
encrypted under a key that lives outside the database.

docs/architecture.md ("Pseudonymisation vault") describes what is stored and the key's
life cycle; docs/operations.md the key's creation, backup and rotation.
"""

from compliance.vault.errors import (
    VaultEntryErased,
    VaultEntryNotFound,
    VaultError,
    VaultIntegrityError,
    VaultKeyError,
    VaultKeyMissing,
)
from compliance.vault.purposes import register_purpose, registered_purposes
from compliance.vault.services import FORGET_PERMISSION, REIDENTIFY_PERMISSION, forget, reidentify, tokenise

__all__ = [
    "FORGET_PERMISSION",
    "REIDENTIFY_PERMISSION",
    "VaultEntryErased",
    "VaultEntryNotFound",
    "VaultError",
    "VaultIntegrityError",
    "VaultKeyError",
    "VaultKeyMissing",
    "forget",
    "register_purpose",
    "registered_purposes",
    "reidentify",
    "tokenise",
]

"""The vault key: where it comes from, how it is checked, and the key file.

The key never enters the database. It comes from `OBSCURA_VAULT_KEY` (base64 of 32
random bytes, with older keys in `OBSCURA_VAULT_PREVIOUS_KEYS`), or else from the key
file `OBSCURA_VAULT_KEY_FILE` (default `<OBSCURA_DATA_DIR>/vault.key`): one base64
key per line, the current key first, `#` comments allowed.

Each key's id is derived from the key itself, so the id stored on a vault row always
names the key that encrypted it and two different keys cannot share an id. All other
keys (encryption, one lookup key per purpose) are derived from the key with HKDF, each
for one use only.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.vault.errors import VaultKeyError, VaultKeyMissing

KEY_BYTES = 32
FILE_HEADER = (
    "# Obscura pseudonymisation vault keys. The first key is the current one; any others\n"
    "# only decrypt entries not yet re-encrypted by `manage.py vault_rotate`.\n"
    "# Keep a copy of this file apart from the database backups: without it the vault\n"
    "# cannot be read, and with it a stolen backup can.\n"
)


def _derive(material: bytes, use: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=b"obscura-vault/v1/" + use).derive(material)


class VaultKey:
    """One 256-bit vault key and the keys derived from it."""

    def __init__(self, material: bytes) -> None:
        if len(material) != KEY_BYTES:
            raise ValueError("a vault key is 32 bytes")
        self._material = material
        self.id = _derive(material, b"key-id", 6).hex()
        self.encryption_key = _derive(material, b"encrypt", 32)

    def lookup_key(self, purpose: str) -> bytes:
        """The HMAC key of one purpose: lookups of different purposes cannot be linked."""
        return _derive(self._material, b"lookup/" + purpose.encode(), 32)

    def __repr__(self) -> str:  # never the key material
        return f"<VaultKey {self.id}>"


@dataclass(frozen=True)
class Keyring:
    """The configured keys, the current one first, and where they were read from."""

    keys: tuple[VaultKey, ...]
    source: str
    path: Path | None = None

    @property
    def current(self) -> VaultKey:
        return self.keys[0]

    def get(self, key_id: str) -> VaultKey | None:
        return next((key for key in self.keys if key.id == key_id), None)


def new_key_text() -> str:
    """A fresh key, as it is written in the key file or in OBSCURA_VAULT_KEY."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def parse_key(text: str, *, where: str) -> VaultKey:
    """Read one base64 key; the message names where it came from, never the value."""
    try:
        material = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise VaultKeyError(
            _(
                "%(where)s is not a valid vault key: it must be base64. "
                "Generate one with `manage.py vault_key generate`."
            )
            % {"where": where}
        ) from None
    if len(material) != KEY_BYTES:
        raise VaultKeyError(
            _("%(where)s is not a valid vault key: it decodes to %(count)d bytes, not 32.")
            % {"where": where, "count": len(material)}
        )
    return VaultKey(material)


def load_keyring() -> Keyring:
    """The configured keys. Raises VaultKeyMissing when there is none, VaultKeyError when
    what is configured cannot be read or is not a key."""
    if settings.VAULT_KEY:
        texts = [("OBSCURA_VAULT_KEY", settings.VAULT_KEY)]
        texts += [
            (_("Key %(number)d of OBSCURA_VAULT_PREVIOUS_KEYS") % {"number": number}, text)
            for number, text in enumerate(settings.VAULT_PREVIOUS_KEYS, start=1)
        ]
        return Keyring(_unique([parse_key(text, where=where) for where, text in texts]), "OBSCURA_VAULT_KEY")
    if settings.VAULT_PREVIOUS_KEYS:
        raise VaultKeyError(
            _(
                "OBSCURA_VAULT_PREVIOUS_KEYS is set but OBSCURA_VAULT_KEY is not. "
                "Set the current key too, or remove both."
            )
        )
    path = Path(settings.VAULT_KEY_FILE)
    keys = [parse_key(text, where=where) for where, text in _file_keys(path)]
    if not keys:
        raise VaultKeyError(
            _("The vault key file %(path)s holds no key. Restore it from your key backup.") % {"path": path}
        )
    return Keyring(_unique(keys), str(path), path)


def _unique(keys: list[VaultKey]) -> tuple[VaultKey, ...]:
    seen: dict[str, VaultKey] = {}
    for key in keys:
        seen.setdefault(key.id, key)
    return tuple(seen.values())


def _read_key_file(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise VaultKeyMissing(
            _(
                "No vault key is configured: OBSCURA_VAULT_KEY is not set and the key file %(path)s does not "
                "exist. Create the key with `manage.py vault_key create` (scripts/run does this itself), or "
                "restore the key file from your key backup if this installation already has a vault."
            )
            % {"path": path}
        ) from None
    except UnicodeDecodeError:
        raise VaultKeyError(
            _("The vault key file %(path)s is not a key file (it is not plain text).") % {"path": path}
        ) from None
    except OSError as exc:
        raise VaultKeyError(
            _(
                "The vault key file %(path)s cannot be read: %(problem)s. "
                "It must be readable by the user running Obscura."
            )
            % {"path": path, "problem": exc.strerror or exc}
        ) from None


def _file_keys(path: Path) -> list[tuple[str, str]]:
    lines = _read_key_file(path).splitlines()
    return [
        (_("Line %(line)d of %(path)s") % {"line": number, "path": path}, line.strip())
        for number, line in enumerate(lines, start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def key_file_too_open(path: Path) -> bool:
    """Whether users other than the file's owner may read or write the key file."""
    try:
        return bool(stat.S_IMODE(path.stat().st_mode) & 0o077)
    except OSError:
        return False


def key_file_create(*, path: Path) -> VaultKey:
    """Create the key file with one new key, readable and writable by its owner only.

    Never overwrites: an existing file may be the only copy of the key to a vault.
    Raises FileExistsError when the file exists.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    text = new_key_text()
    key = parse_key(text, where=str(path))
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(FILE_HEADER + _key_block(key, text, added=True))
        handle.flush()
        os.fsync(handle.fileno())
    return key


def key_file_add(*, path: Path) -> VaultKey:
    """Put a new key first in the key file, keeping the others as previous keys.

    The file is replaced in one step (written beside it, then renamed), so a crash leaves
    either the old or the new file, never a half-written one.
    """
    blocks = _key_blocks(path)
    text = new_key_text()
    key = parse_key(text, where=str(path))
    _replace_key_file(path, _key_block(key, text, added=True) + "".join(block for _id, block in blocks))
    return key


def key_file_remove(*, path: Path, key_id: str) -> None:
    """Drop one key from the key file. The caller has made sure no entry still needs it."""
    blocks = _key_blocks(path)
    kept = [block for block_id, block in blocks if block_id != key_id]
    if len(kept) == len(blocks):
        raise VaultKeyError(_("There is no key %(id)s in %(path)s.") % {"id": key_id, "path": path})
    if not kept:
        raise VaultKeyError(
            _("Key %(id)s is the only key in %(path)s; it cannot be removed.") % {"id": key_id, "path": path}
        )
    _replace_key_file(path, "".join(kept))


def _key_block(key: VaultKey, text: str, *, added: bool = False, comment: str = "") -> str:
    if not comment:
        comment = f"# key {key.id}" + (f", added {timezone.now().date().isoformat()}" if added else "")
    return f"{comment}\n{text}\n"


def _key_blocks(path: Path) -> list[tuple[str, str]]:
    """Each key of the file as (id, its text with the comment line just above it)."""
    blocks, previous = [], ""
    for number, raw in enumerate(_read_key_file(path).splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            previous = line
            continue
        if line:
            where = _("Line %(line)d of %(path)s") % {"line": number, "path": path}
            key = parse_key(line, where=where)
            comment = previous if previous.startswith(f"# key {key.id}") else ""
            blocks.append((key.id, _key_block(key, line, comment=comment)))
        previous = ""
    return blocks


def _replace_key_file(path: Path, body: str) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(FILE_HEADER + body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)

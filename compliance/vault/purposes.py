"""Vault purposes and how each kind of identifier is normalised before it is tokenised.

A purpose is one reason for holding identifiers (for example the contact details of
people who asked for their footage). Each app registers its own purposes, from its
AppConfig.ready(), with `register_purpose`. The same person gets a different,
unlinkable token under each purpose.

Normalisation makes spellings of one identifier give one token; it is applied before
the lookup hash is computed, and the normalised form is what the vault stores and
what re-identification returns. Every kind first puts the text in Unicode NFC form.

| kind | normalisation | example |
|---|---|---|
| `email` | surrounding spaces removed, case folded | ` Jane.Doe@Example.COM ` → `jane.doe@example.com` |
| `phone` | digits only, a leading `+` kept | `+32 470/12.34.56` → `+32470123456` |
| `name` | surrounding spaces removed, inner runs of spaces made one | ` Jane   Doe ` → `Jane Doe` |
| `plate` | letters and digits only, upper case | `1-abc-234` → `1ABC234` |
| `text` | surrounding spaces removed | ` REF 12 ` → `REF 12` |

Phone numbers are not reformatted between national and international forms: give
them in one form (international, `+32…`) so one number always gives one token.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def normalise_email(value: str) -> str:
    return _nfc(value).strip().casefold()


def normalise_phone(value: str) -> str:
    text = _nfc(value).strip()
    digits = "".join(str(unicodedata.decimal(char)) for char in text if unicodedata.decimal(char, None) is not None)
    return "+" + digits if text.startswith("+") and digits else digits


def normalise_name(value: str) -> str:
    return " ".join(_nfc(value).split())


def normalise_plate(value: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKC", value).upper() if char.isalnum())


def normalise_text(value: str) -> str:
    return _nfc(value).strip()


KINDS: dict[str, Callable[[str], str]] = {
    "email": normalise_email,
    "phone": normalise_phone,
    "name": normalise_name,
    "plate": normalise_plate,
    "text": normalise_text,
}
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


@dataclass(frozen=True)
class Purpose:
    name: str
    kind: str
    label: str

    def normalise(self, value: str) -> str:
        """The identifier in its normal form; ValueError when nothing is left of it."""
        normalised = KINDS[self.kind](value)
        if not normalised:
            raise ValueError(_("There is nothing to pseudonymise: the value is empty once normalised."))
        return normalised


_registry: dict[str, Purpose] = {}


def register_purpose(*, name: str, kind: str, label: str) -> Purpose:
    """Declare a purpose. Registering the same purpose again is harmless; giving an
    existing name another kind is refused, since its tokens would stop matching."""
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError(f"Vault purpose names are 1-64 lower-case letters, digits, '.', '_' or '-', not {name!r}.")
    if kind not in KINDS:
        raise ValueError(f"Unknown identifier kind {kind!r}; choose one of {', '.join(KINDS)}.")
    purpose = Purpose(name=name, kind=kind, label=label)
    existing = _registry.setdefault(name, purpose)
    if existing.kind != kind:
        raise ValueError(f"Vault purpose {name!r} is already registered for {existing.kind!r} identifiers.")
    return existing


def get_purpose(name: str) -> Purpose:
    try:
        return _registry[name]
    except KeyError:
        raise ValueError(
            f"Unknown vault purpose {name!r}: register it with compliance.vault.register_purpose() first."
        ) from None


def registered_purposes() -> list[Purpose]:
    return sorted(_registry.values(), key=lambda purpose: purpose.name)

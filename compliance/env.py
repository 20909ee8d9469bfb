"""Strict parsers for settings read from the environment.

A typo in a production setting must stop the start-up with a message that names the
variable, never fall back silently to a default.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw == "True":
        return True
    if raw == "False":
        return False
    raise ImproperlyConfigured(f"{name} must be True or False, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_fraction(name: str, default: float) -> float:
    """A number strictly between 0 and 1, such as a detection threshold."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number between 0 and 1, not {raw!r}.") from None
    if not 0 < value < 1:
        raise ImproperlyConfigured(f"{name} must be between 0 and 1 (exclusive), not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]

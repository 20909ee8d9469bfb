"""Hourly counts per client address for the pages the public reaches without an account
(the request form, the download pages), kept in Django's cache."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

from compliance.access import client_ip

RATE_WINDOW_SECONDS = 3600


def _key(scope: str, request: HttpRequest) -> str:
    return f"{scope}:{client_ip(request) or 'unknown'}"


def hourly_used(scope: str, request: HttpRequest) -> int:
    return int(cache.get(_key(scope, request), 0))


def hourly_count(scope: str, request: HttpRequest) -> int:
    """Count one more for this address and return its count; the hour starts with the first."""
    key = _key(scope, request)
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        return 1

"""Creating users with a role; the one place that decides what a role implies."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from compliance.roles import ADMIN, ROLES


def user_create(
    *, username: str, role: str | None, email: str = "", password: str | None = None, superuser: bool = False
) -> tuple[Any, str]:
    """Create a user, give them a role and return them with their password.

    Without a password, one is generated: the caller shows it once and never stores it.
    """
    if role is not None and role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    password = password or secrets.token_urlsafe(12)
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username,
            email=email,
            password=password,
            is_staff=superuser or role == ADMIN,
            is_superuser=superuser,
        )
        if role is not None:
            user.groups.add(Group.objects.get(name=role))
    return user, password

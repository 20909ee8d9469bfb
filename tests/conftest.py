"""Shared fixtures: one user per role plus an outsider with no role (healthchecks' owner /
teammate / outsider pattern), and a fast password hasher for the many users tests make."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from compliance.roles import ADMIN, AUDITOR, DPO, DSAR_HANDLER

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    from compliance.users import user_create

    def make(username: str, role: str | None) -> Any:
        user, _password = user_create(username=username, role=role, password=PASSWORD)
        return user

    return make


@pytest.fixture
def dpo(make_user: Callable[..., Any]) -> Any:
    return make_user("dora-dpo", DPO)


@pytest.fixture
def handler(make_user: Callable[..., Any]) -> Any:
    return make_user("hans-handler", DSAR_HANDLER)


@pytest.fixture
def admin_role(make_user: Callable[..., Any]) -> Any:
    return make_user("ada-admin", ADMIN)


@pytest.fixture
def auditor(make_user: Callable[..., Any]) -> Any:
    return make_user("aude-auditor", AUDITOR)


@pytest.fixture
def outsider(make_user: Callable[..., Any]) -> Any:
    return make_user("olaf-outsider", None)


def database_env() -> dict[str, str]:
    """Environment for a child process (worker, manage.py) that must use the test database."""
    from django.db import connection

    settings_dict = connection.settings_dict
    env = dict(os.environ)
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{settings_dict['NAME']}"
    else:
        env["DATABASE_URL"] = (
            f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@{settings_dict['HOST']}:"
            f"{settings_dict['PORT']}/{settings_dict['NAME']}"
        )
    return env


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Transactional tests (those that start workers or threads) end with a flush that
    would also wipe the rows data migrations create (roles, the chain head); reloading
    them keeps every later test on a database as migrations left it."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(pytest.mark.django_db(**marker.kwargs, serialized_rollback=True), append=False)

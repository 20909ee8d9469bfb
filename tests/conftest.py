"""Shared fixtures: one user per role plus an outsider with no role (healthchecks' owner /
teammate / outsider pattern), and a fast password hasher for the many users tests make."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import django_rq
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


@pytest.fixture
def media_dirs(settings: Any, tmp_path: Any) -> Any:
    """Media, incoming files, import folders and quarantine of this test, under tmp_path."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path / "data"
    settings.IMPORT_ROOT = tmp_path / "import"
    settings.QUARANTINE_DIR = tmp_path / "quarantine"
    settings.IMPORT_SETTLE_SECONDS = 0
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "uploads"
    for folder in ("media", "data", "import", "quarantine", "uploads"):
        (tmp_path / folder).mkdir()
    return tmp_path


@pytest.fixture
def video(tmp_path: Any) -> Any:
    """A two-second generated MP4 with sound, outside the media folder."""
    from tests.support.media import make_video

    return make_video(tmp_path / "source" / "clip.mp4", seconds=2)


@pytest.fixture
def vault_key(settings: Any, tmp_path: Any) -> Any:
    """This test's vault key, in a key file under tmp_path made as `vault_key create` makes it."""
    from compliance.vault.keys import key_file_create

    settings.VAULT_KEY = ""
    settings.VAULT_PREVIOUS_KEYS = []
    settings.VAULT_KEY_FILE = tmp_path / "vault" / "vault.key"
    return key_file_create(path=settings.VAULT_KEY_FILE)


def database_env() -> dict[str, str]:
    """Environment for a child process (worker, manage.py) that must use the test database."""
    from django.db import connection

    settings_dict = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{settings_dict['NAME']}"
    else:
        env["DATABASE_URL"] = (
            f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@{settings_dict['HOST']}:"
            f"{settings_dict['PORT']}/{settings_dict['NAME']}"
        )
    return env


# Rows the data migrations create. A transactional test ends with a flush that empties
# every table, so each database test gets them back before it starts.
MIGRATION_DATA = (
    ("compliance.migrations.0002_roles_and_chain_head", "create_roles_and_rows"),
    ("compliance.migrations.0003_admin_role_rights", "grant_admin"),
    ("compliance.migrations.0004_api_tokens", "grant_tokens"),
    ("compliance.migrations.0005_vault", "grant_vault"),
    ("compliance.migrations.0007_retention_defaults", "create_defaults"),
    ("media_processing.migrations.0002_role_permissions", "grant_roles"),
    ("media_processing.migrations.0007_redact_permission", "grant_redaction"),
    ("dsar.migrations.0002_role_permissions", "grant_roles"),
    ("dsar.migrations.0006_approve_permission", "grant_approval"),
    ("dpia.migrations.0002_role_permissions", "grant_roles"),
    ("dpia.migrations.0004_workflow_permissions", "grant_roles"),
    ("dpia.migrations.0005_default_template", "load_template"),
    ("dpia.migrations.0006_safeguard_catalogue", "load_safeguards"),
)


@pytest.fixture(autouse=True)
def _migration_rows(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("_django_db_helper")
    import importlib

    from django.apps import apps

    for module, function in MIGRATION_DATA:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture
def redis_db() -> Iterator[Any]:
    """An empty Redis database for tests that run real workers (flushed before and after)."""
    connection = django_rq.get_connection()
    if connection.connection_pool.connection_kwargs.get("db", 0) == 0:
        pytest.fail("REDIS_URL names Redis database 0; these tests flush their database, so name a spare one.")
    connection.flushdb()
    yield connection
    connection.flushdb()

"""Start-up: strict settings parsing, the system checks, and a clean `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from compliance import checks
from compliance.env import env_bool, env_int
from compliance.vault.keys import new_key_text

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={key: value for key, value in {**os.environ, **env}.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("raw", ["true", "1", "yes", "on", "", "TRUE"])
def test_booleans_accept_only_true_or_false(monkeypatch: Any, raw: str) -> None:
    monkeypatch.setenv("SOME_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be True or False"):
        env_bool("SOME_FLAG", False)


def test_booleans_parse_true_and_false(monkeypatch: Any) -> None:
    monkeypatch.setenv("SOME_FLAG", "True")
    assert env_bool("SOME_FLAG", False) is True
    monkeypatch.setenv("SOME_FLAG", "False")
    assert env_bool("SOME_FLAG", True) is False
    monkeypatch.delenv("SOME_FLAG")
    assert env_bool("SOME_FLAG", True) is True


def test_integers_are_checked(monkeypatch: Any) -> None:
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be a whole number"):
        env_int("SOME_NUMBER", 1)


def test_bad_debug_value_stops_start_up() -> None:
    result = manage("check", DEBUG="yes")
    assert result.returncode != 0
    assert "DEBUG must be True or False, not 'yes'" in result.stderr


def test_missing_secret_key_stops_start_up() -> None:
    result = manage("check", SECRET_KEY="", DEBUG="False")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_checks_pass_on_this_installation() -> None:
    result = manage("check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_missing_ffmpeg_stops_start_up() -> None:
    result = manage("check", OBSCURA_FFMPEG="/nonexistent/ffmpeg")
    assert result.returncode != 0
    assert "obscura.E001" in result.stderr
    assert "apt-get install ffmpeg" in result.stderr


def test_ffprobe_missing(settings: Any) -> None:
    settings.FFPROBE_BINARY = "/nonexistent/ffprobe"
    assert [error.id for error in checks.check_binaries()] == ["obscura.E002"]


def test_model_missing(settings: Any, tmp_path: Path) -> None:
    settings.FACE_MODEL_PATH = str(tmp_path / "centerface.onnx")
    assert [error.id for error in checks.check_face_model()] == ["obscura.E003"]


def test_model_with_wrong_hash(settings: Any, tmp_path: Path) -> None:
    model = tmp_path / "centerface.onnx"
    model.write_bytes(b"not the model")
    settings.FACE_MODEL_PATH = str(model)
    (error,) = checks.check_face_model()
    assert error.id == "obscura.E004"
    assert "expected 09189dea" in error.msg


def test_installed_model_matches_its_pinned_hash() -> None:
    assert checks.check_face_model() == []


def test_media_folder_not_writable(settings: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.MEDIA_ROOT = str(blocker / "media")  # a folder cannot be made inside a file
    (error,) = checks.check_media_root()
    assert error.id == "obscura.E005"
    assert str(blocker / "media") in error.msg


def test_pdf_rendering_works() -> None:
    assert checks.check_pdf_rendering() == []


def test_pdf_rendering_failure_is_reported(monkeypatch: Any) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if WeasyPrint could not load
    checks._pdf_problem.cache_clear()
    try:
        (error,) = checks.check_pdf_rendering()
    finally:
        checks._pdf_problem.cache_clear()
    assert error.id == "obscura.E006"
    assert "libpango" in (error.hint or "")


def test_deploy_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        OBSCURA_HTTPS="True",
        SECRET_KEY="p" * 20 + "-production-like-secret-key-" + "q" * 20,
        ALLOWED_HOSTS="obscura.example.org",
        OBSCURA_DATA_DIR=str(tmp_path),
        OBSCURA_VAULT_KEY=new_key_text(),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_stops_without_a_vault_key(tmp_path: Path) -> None:
    result = manage(
        "check",
        "--deploy",
        DEBUG="False",
        OBSCURA_HTTPS="True",
        SECRET_KEY="p" * 20 + "-production-like-secret-key-" + "q" * 20,
        ALLOWED_HOSTS="obscura.example.org",
        OBSCURA_DATA_DIR=str(tmp_path),
        OBSCURA_VAULT_KEY="",
    )
    assert result.returncode != 0
    assert "obscura.E008" in result.stderr
    assert "manage.py vault_key create" in result.stderr


def test_production_settings_are_hardened(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT,"
        " s.PASSWORD_HASHERS[0].rsplit('.', 1)[1], s.CONTENT_SECURITY_POLICY['DIRECTIVES']['default-src'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "False", "OBSCURA_HTTPS": "True", "DJANGO_SETTINGS_MODULE": "compliance.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "31536000", "True", "Argon2PasswordHasher", "[\"'self'\"]"]


@pytest.mark.django_db
def test_pages_carry_security_headers(client: Any, dpo: Any) -> None:
    client.force_login(dpo)
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_login_is_throttled_after_repeated_failures(client: Any, dpo: Any, settings: Any) -> None:
    from tests.conftest import PASSWORD

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": dpo.username, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": dpo.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()

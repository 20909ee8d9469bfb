"""Browser fixtures: one headless Debian Chromium for the whole run, a fresh context (no
cookies, no storage) per test, and a `login` helper that goes through the real form."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import django_rq
import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.conftest import PASSWORD, database_env

ROOT = Path(__file__).resolve().parents[2]
Login = Callable[[Page, Any], None]

CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium, not a downloaded one; these flags keep it from calling home, so the
# tests stay off the internet and every request a page makes is one the app caused.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an asyncio loop running in the test thread, which makes
    # Django refuse ORM calls from the test body; nothing here is actually async.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture
def context(browser: Browser, live_server: Any) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def login() -> Callable[[Page, Any], None]:
    """Log `user` in by filling and submitting the login form, as a person would."""

    def log_in(page: Page, user: Any) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()

    return log_in


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    """One data folder for the live server (this process) and the worker (a child)."""
    data = tmp_path / "data"
    settings.DATA_DIR = data
    settings.MEDIA_ROOT = data / "media"
    settings.FILE_UPLOAD_TEMP_DIR = data / "tmp" / "uploads"
    settings.IMPORT_ROOT = data / "import"
    settings.QUARANTINE_DIR = data / "quarantine"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir(parents=True)
    return data


@pytest.fixture
def worker(data_dir: Path, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    connection = django_rq.get_connection()
    if connection.connection_pool.connection_kwargs.get("db", 0) == 0:
        pytest.fail("REDIS_URL names Redis database 0; this test flushes its database, so name a spare one.")
    connection.flushdb()
    env = database_env() | {"OBSCURA_DATA_DIR": str(data_dir), "MEDIA_ROOT": str(data_dir / "media")}
    log = tmp_path / "worker.log"
    with log.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "rqworker", "default"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group, so that killpg takes it and its work horse down
        )
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        connection.flushdb()


def watch_for_errors(page: Page) -> list[str]:
    """Script errors and console errors (a Content-Security-Policy refusal is one)."""
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


class Screenshots:
    """Screenshots of each step: always under `folder`, and with OBSCURA_DOC_SCREENSHOTS=1
    also under `docs`, where the guides show them."""

    def __init__(self, folder: Path, docs: Path) -> None:
        self.folder = folder
        self.docs = docs
        self.number = 0
        self.for_docs = os.environ.get("OBSCURA_DOC_SCREENSHOTS") == "1"

    def shot(self, page: Page, name: str) -> Path:
        self.number += 1
        path = self.folder / f"{self.number:02d}-{name}.png"
        # Pictures below the fold load lazily; the full-page picture needs them all.
        page.evaluate("() => document.querySelectorAll('img[loading=lazy]').forEach(image => image.loading = 'eager')")
        page.wait_for_function("() => [...document.images].every(image => image.complete && image.naturalWidth > 0)")
        page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
        self.keep(path)
        return path

    def keep(self, path: Path) -> None:
        """Copy a picture to the docs folder (when asked), in a palette that keeps it small."""
        if not self.for_docs:
            return
        self.docs.mkdir(parents=True, exist_ok=True)
        with Image.open(path) as picture:
            small = picture.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
            small.save(self.docs / path.name, optimize=True)

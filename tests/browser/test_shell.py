"""The app shell in a real browser: logging in and out, the navigation each role sees,
the access log, keyboard use, and the promise that no page reaches outside the app."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, expect

from compliance.access_log import record_access
from tests.conftest import PASSWORD

# Groups, permissions and the access log's chain head come from data migrations, which a
# transactional test's flush would wipe; serialized_rollback puts them back for each test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

Login = Callable[[Page, Any], None]


def main_nav(page: Page) -> Any:
    return page.get_by_role("navigation", name="Main")


def test_login_through_the_form_lands_on_the_dashboard(page: Page, dpo: Any, login: Login) -> None:
    login(page, dpo)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page).to_have_title(re.compile("^Dashboard"))
    nav = main_nav(page)
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Footage")).to_be_visible()
    expect(page.get_by_text(dpo.get_username(), exact=True)).to_be_visible()


def test_wrong_password_shows_an_error_and_stays_on_login(page: Page, dpo: Any) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(dpo.get_username())
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Log in").click()

    # One message, announced once: a second alert repeating it would be read out twice.
    alert = page.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("Please enter a correct username and password.")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", level=1, name="Log in to Obscura")).to_be_visible()
    expect(main_nav(page)).to_have_count(0)


def test_dpo_reads_and_filters_the_access_log(page: Page, dpo: Any, handler: Any, login: Login) -> None:
    record_access(actor=dpo, action="view", target=handler, reason="Checked the handler's account")
    record_access(actor=handler, action="view", target=dpo, reason="Prepared footage for a request")

    login(page, dpo)
    main_nav(page).get_by_role("link", name="Access log").click()

    expect(page.get_by_role("heading", level=1, name="Access log")).to_be_visible()
    entries = page.get_by_role("table").locator("tbody tr")
    expect(entries).to_have_count(2)
    expect(page.get_by_role("cell", name="Checked the handler's account")).to_be_visible()
    expect(page.get_by_role("cell", name="Prepared footage for a request")).to_be_visible()

    page.get_by_label("User", exact=True).fill(handler.get_username())
    page.get_by_role("button", name="Filter").click()

    expect(entries).to_have_count(1)
    expect(entries.first.get_by_role("cell", name=handler.get_username(), exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Checked the handler's account")).to_have_count(0)


def test_dsar_handler_cannot_reach_the_access_log(page: Page, dpo: Any, handler: Any, login: Login) -> None:
    record_access(actor=dpo, action="view", target=handler, reason="Secret reason nobody else may read")

    login(page, handler)
    nav = main_nav(page)
    expect(nav.get_by_role("link", name="DSAR")).to_be_visible()
    expect(nav.get_by_role("link", name="Access log")).to_have_count(0)

    response = page.goto("/access-log/")

    assert response is not None
    assert response.status == 403
    expect(page.get_by_text("Secret reason nobody else may read")).to_have_count(0)
    expect(page.get_by_role("table")).to_have_count(0)


def _watch(page: Page) -> tuple[list[str], list[str]]:
    requests: list[str] = []
    csp_errors: list[str] = []

    def on_request(request: Request) -> None:
        requests.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            csp_errors.append(f"{page.url}: {message.text}")

    page.on("request", on_request)
    page.on("console", on_console)
    return requests, csp_errors


def _visit(page: Page, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(path)
        assert response is not None
        assert response.ok, f"{path} answered {response.status}"
        page.wait_for_load_state("networkidle")


def test_no_request_leaves_the_app_and_csp_holds(
    browser: Browser, live_server: Any, dpo: Any, admin_role: Any, login: Login
) -> None:
    origin = live_server.url + "/"
    for user, paths in (
        (dpo, ["/", "/access-log/", "/footage/", "/dsar/", "/dpia/", "/retention/"]),
        (
            admin_role,
            ["/admin/", "/admin/compliance/jobrun/", "/admin/compliance/organisation/1/change/"],
        ),
    ):
        context = browser.new_context(base_url=live_server.url)
        try:
            page = context.new_page()
            requests, csp_errors = _watch(page)
            login(page, user)
            _visit(page, paths)

            assert any("/static/" in url for url in requests), "the watcher saw no stylesheet or script"
            outside = [url for url in requests if not url.startswith(origin)]
            assert outside == [], f"requests that left {live_server.url}: {outside}"
            assert csp_errors == []
        finally:
            context.close()


def test_keyboard_only_login_starts_at_the_skip_link(page: Page, dpo: Any) -> None:
    page.goto("/accounts/login/")
    # A person presses Tab after the page has rendered, when any autofocus has been applied.
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(dpo.get_username())
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()


def test_log_out_returns_to_login_and_closes_the_session(page: Page, dpo: Any, login: Login) -> None:
    login(page, dpo)

    page.get_by_role("button", name="Log out").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", level=1, name="Log in to Obscura")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_label("Username")).to_be_visible()

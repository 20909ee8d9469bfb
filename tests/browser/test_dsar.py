"""Data subject requests in a real browser: a handler logs a request seen on a camera,
extends it with reasons, puts it on hold, resumes it, walks it to closed, and watches
the dashboard counts move at each step; and the form works from the keyboard alone."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from compliance.models import Organisation
from dsar.models import DataSubjectRequest, Status
from dsar.services import ticket_holds
from tests.browser.conftest import Login, watch_for_errors
from tests.support.footage import BRUSSELS, make_camera

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _vault_and_media(vault_key: Any, data_dir: Any) -> None:
    organisation = Organisation.current()
    # "Due soon" is within the first reminder; ten days keeps the request below from
    # drifting out of it whatever the month lengths and holidays around today.
    organisation.dsar_reminder_days = "10,3"
    organisation.save()


def local_input(days_ago: float, hour: int | None = None) -> str:
    moment = timezone.now().astimezone(BRUSSELS) - timedelta(days=days_ago)
    if hour is not None:
        moment = moment.replace(hour=hour, minute=0)
    return moment.strftime("%Y-%m-%dT%H:%M")


def dashboard_counts(page: Page) -> tuple[str, str, str]:
    page.goto("/")
    panel = page.get_by_role("region", name="Data subject requests")
    cells = [panel.locator(f'td[data-count="{name}"]').inner_text() for name in ("overdue", "due_soon", "on_time")]
    return cells[0], cells[1], cells[2]


def press(page: Page, button: str, text: str = "") -> None:
    """Fill a step's text box (when it has one) and press its button; the page says it worked."""
    form = page.locator("form.step-form", has=page.get_by_role("button", name=button, exact=True))
    if text:
        form.get_by_role("textbox").fill(text)
    with page.expect_navigation():
        form.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".message-success")).to_be_visible()


def test_handler_logs_extends_holds_resumes_and_closes_a_request(page: Page, handler: Any, login: Login) -> None:
    camera = make_camera("Front gate")
    problems = watch_for_errors(page)
    login(page, handler)
    assert dashboard_counts(page) == ("0", "0", "0")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="DSAR").click()
    page.get_by_role("link", name="Log a request").click()
    expect(page.get_by_role("heading", level=1, name="Log a request")).to_be_visible()
    page.get_by_label("Type of request").select_option("access")
    page.get_by_label("Received by").select_option("letter")
    page.get_by_label("Received at (local time)").fill(local_input(27))
    page.get_by_label("Requester's name").fill("Jane Doe")
    page.get_by_label("E-mail address").fill("jane.doe@example.org")
    page.get_by_role("checkbox", name="Front gate").check()
    page.get_by_label("Seen from (local time)").fill(local_input(2, hour=14))
    page.get_by_label("Until (local time)").fill(local_input(2, hour=15))
    page.get_by_label("Handler").select_option(label=handler.get_username())
    page.get_by_role("button", name="Log the request").click()

    expect(page.get_by_text(re.compile(r"Request DSAR-\d{4}-0001 logged\."))).to_be_visible()
    ticket = DataSubjectRequest.objects.get()
    expect(page.get_by_role("heading", level=1, name=f"{ticket.reference} · Access (copy of the data)")).to_be_visible()
    expect(page.get_by_text("Front gate, ")).to_be_visible()  # its preserved window
    assert [camera] == list(ticket_holds(ticket).get().cameras.all())
    expect(page.get_by_text("Jane Doe")).to_have_count(0)  # only the pseudonym is shown
    assert dashboard_counts(page) == ("0", "1", "0")

    page.goto(f"/dsar/{ticket.pk}/")
    press(page, "Extend the deadline", "Footage of twelve cameras to review")
    expect(page.get_by_text("Extended to")).to_be_visible()
    expect(page.get_by_role("link", name="Extension notice (PDF)")).to_be_visible()
    assert dashboard_counts(page) == ("0", "0", "1")

    page.goto(f"/dsar/{ticket.pk}/")
    press(page, "Put on hold", "Waiting for the security company's export")
    expect(page.get_by_text("on hold; the deadline still runs")).to_be_visible()
    assert dashboard_counts(page) == ("0", "0", "1")  # on hold does not stop the clock
    page.goto(f"/dsar/{ticket.pk}/")
    press(page, "Resume")
    expect(page.get_by_text("Status: Received")).to_be_visible()

    press(page, "Mark the identity as verified")
    with page.expect_navigation():  # the footage search runs as a job; the ticket moves to "searching"
        page.get_by_role("button", name="Run the footage search", exact=True).click()
    page.goto(f"/dsar/{ticket.pk}/")
    for button in ("Send to review", "Approve", "Mark as delivered"):
        press(page, button)
    assert dashboard_counts(page) == ("0", "0", "0")  # answered: the deadline is met
    page.goto(f"/dsar/{ticket.pk}/")
    press(page, "Close the request", "Requester confirmed receipt")
    expect(page.get_by_text("Status: Closed")).to_be_visible()
    expect(page.locator('.steps [aria-current="step"]')).to_contain_text("Closed")
    timeline = page.get_by_role("table", name="Every step of the request, oldest first")
    for text in ("Footage of twelve cameras to review", "Waiting for the security company's export",
                 "Requester confirmed receipt"):  # fmt: skip
        expect(timeline.get_by_text(re.compile(re.escape(text)))).to_be_visible()
    assert DataSubjectRequest.objects.get().status == Status.CLOSED

    page.goto("/dsar/?status=closed")
    expect(page.get_by_role("link", name=ticket.reference)).to_be_visible()
    assert problems == []


def test_the_request_form_is_usable_from_the_keyboard(page: Page, handler: Any, login: Login) -> None:
    make_camera("Car park")
    problems = watch_for_errors(page)
    login(page, handler)
    page.goto("/dsar/new/")
    page.get_by_label("Requester's name").focus()
    page.keyboard.type("Jane Doe")

    # Every field on the way to the submit button takes the focus in turn.
    names = []
    for _step in range(40):
        page.keyboard.press("Tab")
        active = page.evaluate("[document.activeElement.tagName, document.activeElement.textContent.trim()]")
        names.append(page.evaluate("document.activeElement.name || document.activeElement.id"))
        if active == ["BUTTON", "Log the request"]:
            break
    else:
        pytest.fail(f"Tab never reached the submit button: {names}")
    assert {"requester_email", "cameras", "windows-0-start", "assigned_to", "photo"} <= set(names)
    expect(page.locator(":focus")).to_have_css("outline-style", "solid")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1, name=re.compile(r"^DSAR-\d{4}-0001"))).to_be_visible()
    assert DataSubjectRequest.objects.get().status == Status.RECEIVED
    assert problems == []

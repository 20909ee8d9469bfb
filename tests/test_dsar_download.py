"""Secure delivery, the requester's side: the download page without an account, links
that no longer work, the code, streamed downloads recorded on the ticket, single use,
the rate limit, and no token in any log."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from compliance.models import AccessEvent
from dsar.answer.delivery import delivery_link_create
from dsar.models import DataSubjectRequest, DeliveryLink, Download, ResponsePackage
from tests.support.dsar import media_path, organisation, steps
from tests.test_dsar_delivery import approved_ticket, make_package

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"


@pytest.fixture(autouse=True)
def _fresh_rate_counts() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ticket(handler: Any) -> DataSubjectRequest:
    organisation(name="Example Shops Ltd", dpo_name="Dana Privacy", dpo_email="dpo@example.org")
    return approved_ticket(handler)


@pytest.fixture
def package(ticket: DataSubjectRequest) -> ResponsePackage:
    return make_package(ticket)


def new_link(handler: Any, package: ResponsePackage, **options: Any) -> tuple[DeliveryLink, str, str | None]:
    return delivery_link_create(actor=handler, package=package, **options)


def link_url(token: str, which: str = "link") -> str:
    return reverse(f"dsar_download:{which}", kwargs={"token": token})


def fetch(client: Any, response: Any) -> bytes:
    assert response.streaming, "a file must be streamed, not read into memory"
    return b"".join(response.streaming_content)


def test_the_page_lists_the_files_in_the_organisations_branding(
    client: Any, handler: Any, package: ResponsePackage, ticket: DataSubjectRequest
) -> None:
    _link, token, _code = new_link(handler, package)
    response = client.get(link_url(token))
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private, no-store"
    page = response.content.decode()
    assert "Example Shops Ltd" in page and ticket.reference in page
    assert package.sha256 in page and package.letter_sha256 in page
    assert f"{ticket.reference}-answer.zip" in page and f"{ticket.reference}-letter.pdf" in page
    assert page.index("Cover letter (PDF)") < page.index("Package (ZIP)")
    assert "How to open and play the files" in page and "dpo@example.org" in page
    assert "Log out" not in page and 'href="/dsar/' not in page  # no staff navigation
    assert not Download.objects.exists()


def test_the_package_is_streamed_as_an_attachment_and_recorded(
    client: Any, handler: Any, package: ResponsePackage, ticket: DataSubjectRequest
) -> None:
    link, token, _code = new_link(handler, package)
    response = client.post(link_url(token, "package"), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{ticket.reference}-answer.zip"'
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    body = fetch(client, response)
    assert body == media_path(str(package.file)).read_bytes()
    assert hashlib.sha256(body).hexdigest() == package.sha256
    download = Download.objects.get()
    assert (download.link, download.file_name) == (link, f"{ticket.reference}-answer.zip")
    assert (download.ip, download.user_agent) == ("198.51.100.7", BROWSER)
    assert steps(ticket)[-1].message == f"Downloaded by the requester: {ticket.reference}-answer.zip (link {link.pk})."
    event = AccessEvent.objects.filter(action="dsar.download").get()
    assert event.ip == "198.51.100.7" and event.target_id == str(ticket.pk) and token not in event.reason


def test_the_letter_downloads_separately(
    client: Any, handler: Any, package: ResponsePackage, ticket: DataSubjectRequest
) -> None:
    _link, token, _code = new_link(handler, package)
    response = client.post(link_url(token, "letter"))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{ticket.reference}-letter.pdf"'
    assert fetch(client, response).startswith(b"%PDF")
    assert Download.objects.get().file_name == f"{ticket.reference}-letter.pdf"


def test_a_file_is_not_given_to_a_get(client: Any, handler: Any, package: ResponsePackage) -> None:
    """Link previews and mail scanners follow links: they must not spend or record anything."""
    link, token, _code = new_link(handler, package, single_use=True)
    assert client.get(link_url(token, "package")).status_code == 405
    assert client.head(link_url(token, "package")).status_code == 405
    link.refresh_from_db()
    assert link.used_at is None and not Download.objects.exists()


def test_single_use_is_spent_by_the_first_package_download(client: Any, handler: Any, package: ResponsePackage) -> None:
    link, token, _code = new_link(handler, package, single_use=True)
    for _ in range(2):
        assert client.post(link_url(token, "letter")).status_code == 200  # reading the letter first is free
    link.refresh_from_db()
    assert link.used_at is None
    first = client.post(link_url(token, "package"))
    assert first.status_code == 200 and fetch(client, first)
    link.refresh_from_db()
    assert link.used_at is not None
    again = client.post(link_url(token, "package"))
    assert again.status_code == 410 and "one download only, and it has been used" in again.content.decode()
    assert client.get(link_url(token)).status_code == 410
    assert Download.objects.filter(file_name__endswith=".zip").count() == 1


def test_a_link_for_several_downloads_keeps_working(client: Any, handler: Any, package: ResponsePackage) -> None:
    _link, token, _code = new_link(handler, package)
    for _ in range(2):
        assert fetch(client, client.post(link_url(token, "package")))
    assert Download.objects.count() == 2
    assert client.get(link_url(token)).status_code == 200


def gone_page(client: Any, token: str, ticket: DataSubjectRequest, text: str) -> None:
    for response in (client.get(link_url(token)), client.post(link_url(token, "package"))):
        assert response.status_code == 410
        page = response.content.decode()
        assert "This link no longer works" in page and text in page
        assert "Dana Privacy" in page and "dpo@example.org" in page
        assert ticket.reference not in page and "answer.zip" not in page
        assert response["Referrer-Policy"] == "no-referrer"
    assert not Download.objects.exists()


def test_an_expired_link(client: Any, handler: Any, package: ResponsePackage, ticket: DataSubjectRequest) -> None:
    link, token, _code = new_link(handler, package)
    DeliveryLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    gone_page(client, token, ticket, "This link has expired")


def test_a_withdrawn_link(client: Any, handler: Any, package: ResponsePackage, ticket: DataSubjectRequest) -> None:
    link, token, _code = new_link(handler, package)
    DeliveryLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    gone_page(client, token, ticket, "This link has been withdrawn")


def test_a_purged_package(client: Any, handler: Any, package: ResponsePackage, ticket: DataSubjectRequest) -> None:
    _link, token, _code = new_link(handler, package)
    ResponsePackage.objects.filter(pk=package.pk).update(purged_at=timezone.now(), file="", letter="")
    gone_page(client, token, ticket, "The files of this link have been deleted")


def test_an_unknown_token(client: Any, handler: Any, package: ResponsePackage, ticket: DataSubjectRequest) -> None:
    _link, token, _code = new_link(handler, package)
    for url in (link_url(token[:-2]), link_url("x" * 43, "package")):
        response = client.post(url) if url.endswith("/package/") else client.get(url)
        assert response.status_code == 404
        page = response.content.decode()
        assert "This link does not work" in page and "dpo@example.org" in page and ticket.reference not in page
    assert not Download.objects.exists()


def test_a_missing_file_is_not_recorded(client: Any, handler: Any, package: ResponsePackage) -> None:
    _link, token, _code = new_link(handler, package, single_use=True)
    media_path(str(package.file)).unlink()
    response = client.post(link_url(token, "package"))
    assert response.status_code == 404 and "This file is not available" in response.content.decode()
    assert not Download.objects.exists() and DeliveryLink.objects.get().used_at is None


def test_the_code_is_asked_before_the_files(
    client: Any, handler: Any, package: ResponsePackage, ticket: DataSubjectRequest
) -> None:
    _link, token, code = new_link(handler, package, with_code=True)
    assert code is not None
    page = client.get(link_url(token))
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    assert package.sha256 not in page.content.decode() and ticket.reference not in page.content.decode()
    blocked = client.post(link_url(token, "package"))
    assert blocked.status_code == 302 and blocked["Location"] == link_url(token)
    assert not Download.objects.exists()

    right = client.post(link_url(token), {"code": f" {code} "})
    assert right.status_code == 302 and right["Location"] == link_url(token)
    assert package.sha256 in client.get(link_url(token)).content.decode()
    assert fetch(client, client.post(link_url(token, "package")))
    assert DeliveryLink.objects.get().failed_codes == 0


def test_wrong_codes_are_counted_and_lock_the_link(
    client: Any, handler: Any, package: ResponsePackage, ticket: DataSubjectRequest
) -> None:
    link, token, code = new_link(handler, package, with_code=True)
    wrong = "00000000" if code != "00000000" else "11111111"
    for left in (4, 3, 2, 1):
        response = client.post(link_url(token), {"code": wrong})
        assert response.status_code == 400
        assert f"This code is not right. {left} tries left." in response.content.decode()
    link.refresh_from_db()
    assert link.failed_codes == 4
    locked = client.post(link_url(token), {"code": wrong})
    assert locked.status_code == 410 and "locked because a wrong code" in locked.content.decode()
    # Locked for good: even the right code no longer opens it.
    assert client.post(link_url(token), {"code": code}).status_code == 410
    link.refresh_from_db()
    assert link.failed_codes == 5
    assert steps(ticket)[-1].message == f"Secure link {link.pk} locked after 5 wrong codes; make a new link if needed."
    assert AccessEvent.objects.filter(action="dsar.delivery_link_lock").count() == 1
    client.force_login(handler)
    staff = client.get(reverse("dsar:answer_delivery", kwargs={"pk": ticket.pk})).content.decode()
    assert "Locked: too many wrong codes" in staff and "code (5 wrong tries)" in staff


def test_forms_work_over_https_without_a_referer(handler: Any, package: ResponsePackage) -> None:
    """With "no-referrer", browsers post these forms with `Origin: null` and no Referer."""
    _link, token, code = new_link(handler, package, with_code=True)
    browser = Client(enforce_csrf_checks=True, HTTP_ORIGIN="null")
    assert browser.post(link_url(token), {"code": code}, secure=True).status_code == 302
    assert fetch(browser, browser.post(link_url(token, "package"), secure=True))
    assert Download.objects.count() == 1


def test_an_empty_code_is_not_counted(client: Any, handler: Any, package: ResponsePackage) -> None:
    _link, token, _code = new_link(handler, package, with_code=True)
    assert client.post(link_url(token), {"code": ""}).status_code == 200
    assert DeliveryLink.objects.get().failed_codes == 0


def test_requests_are_limited_per_address(client: Any, handler: Any, package: ResponsePackage, settings: Any) -> None:
    settings.DSAR_DOWNLOAD_REQUESTS_PER_HOUR = 3
    _link, token, _code = new_link(handler, package)
    for _ in range(3):
        assert client.get(link_url(token), REMOTE_ADDR="192.0.2.1").status_code == 200
    refused = client.post(link_url(token, "package"), REMOTE_ADDR="192.0.2.1")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "Too many requests" in refused.content.decode()
    assert not Download.objects.exists()
    assert client.get(link_url("guess"), REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get(link_url(token), REMOTE_ADDR="192.0.2.2").status_code == 200


def test_the_token_is_never_logged(
    client: Any, handler: Any, package: ResponsePackage, caplog: pytest.LogCaptureFixture
) -> None:
    link, token, code = new_link(handler, package, with_code=True)
    caplog.set_level(logging.DEBUG)
    client.get(link_url(token))
    client.post(link_url(token), {"code": "bad"})
    client.post(link_url(token, "package"))
    client.get(link_url(token + "x"))
    DeliveryLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    client.get(link_url(token))
    assert code is not None
    assert token not in caplog.text and code not in caplog.text
    assert not [record for record in caplog.records if record.name == "django.request"]


def test_staff_and_public_alike_open_the_page(
    client: Any, handler: Any, auditor: Any, package: ResponsePackage
) -> None:
    _link, token, _code = new_link(handler, package)
    client.force_login(auditor)
    assert client.get(link_url(token)).status_code == 200

"""Secure delivery, staff side: making and withdrawing links (only hashes stored, the
link and code shown once), the ticket moving to delivered, the staff page, and the
purge of a package's files once its links have expired."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from compliance.models import AccessEvent, LegalHold, Organisation, PendingFileDeletion
from dsar.answer.delivery import delivery_link_create, delivery_link_revoke, purge_expired_packages, token_hash
from dsar.deadlines import deadline_moment
from dsar.models import DataSubjectRequest, DeliveryLink, Download, ResponsePackage, TimelineEntry
from dsar.services import DsarError
from tests.support.dsar import make_request, media_path, steps, today_local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]

CLIP = b"\x00\x00\x00\x18ftypmp42" + b"clip bytes " * 300


def approved_ticket(actor: Any, status: str = "approved") -> DataSubjectRequest:
    """A request whose answer was approved. The review steps belong to other tests; here
    the status is set directly, as the package job would find it."""
    ticket = make_request(actor)
    DataSubjectRequest.objects.filter(pk=ticket.pk).update(status=status)
    ticket.refresh_from_db()
    return ticket


def _pdf() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 56), "white").save(buffer, "PDF")
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("clips/01.mp4", CLIP)
        archive.writestr("manifest.json", '{"files": []}')
    return buffer.getvalue()


def write(relative: str, data: bytes) -> str:
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return relative


def make_package(ticket: DataSubjectRequest) -> ResponsePackage:
    """A complete package as the package job leaves it: a zip and a cover letter under MEDIA_ROOT."""
    data, letter = _zip(), _pdf()
    folder = f"dsar/packages/{ticket.pk}"
    return ResponsePackage.objects.create(
        request=ticket, file=write(f"{folder}/{ticket.reference}-answer.zip", data),
        sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        letter=write(f"{folder}/{ticket.reference}-letter.pdf", letter),
        letter_sha256=hashlib.sha256(letter).hexdigest(),
        manifest={"files": []},
    )  # fmt: skip


def everything_stored(ticket: DataSubjectRequest) -> str:
    """Every text the database holds about the ticket's delivery: links, timeline, access log."""
    texts = [str(list(DeliveryLink.objects.values())), str(list(Download.objects.values()))]
    texts += [entry.message for entry in TimelineEntry.objects.filter(request=ticket)]
    texts += [event.reason for event in AccessEvent.objects.all()]
    return "\n".join(texts)


def test_only_hashes_of_the_token_and_code_are_stored(handler: Any) -> None:
    ticket = approved_ticket(handler)
    link, token, code = delivery_link_create(actor=handler, package=make_package(ticket), with_code=True)
    assert len(token) >= 43 and code is not None and len(code) == 8 and code.isdigit()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() == token_hash(token)
    assert check_password(code, link.code_hash) and code not in link.code_hash
    stored = everything_stored(ticket)
    assert token not in stored and code not in stored
    assert link.created_by == handler and not link.single_use


def test_no_code_unless_asked(handler: Any) -> None:
    link, _token, code = delivery_link_create(actor=handler, package=make_package(approved_ticket(handler)))
    assert code is None and link.code_hash == ""


def test_first_link_moves_the_ticket_to_delivered(handler: Any) -> None:
    ticket = approved_ticket(handler)
    package = make_package(ticket)
    link, _token, _code = delivery_link_create(actor=handler, package=package, days=7, single_use=True)
    ticket.refresh_from_db()
    assert ticket.status == "delivered" and ticket.delivered_at is not None
    expected = deadline_moment(today_local() + timedelta(days=7), Organisation.current().time_zone)
    assert link.expires_at == expected
    delivered = [entry for entry in steps(ticket) if entry.to_status == "delivered"]
    assert len(delivered) == 1
    assert "Answer sent by secure link, expires" in delivered[0].message
    made = [entry.message for entry in steps(ticket) if "Secure link" in entry.message]
    assert len(made) == 1 and made[0].endswith("One download only.")
    assert made[0].startswith(f"Secure link {link.pk} made for answer package {package.pk}, expires ")
    assert AccessEvent.objects.filter(action="dsar.delivery_link_create", target_id=str(ticket.pk)).count() == 1

    delivery_link_create(actor=handler, package=package)
    ticket.refresh_from_db()
    assert ticket.status == "delivered"
    assert len([entry for entry in steps(ticket) if entry.to_status == "delivered"]) == 1


def test_default_expiry_follows_the_setting(handler: Any, settings: Any) -> None:
    settings.DSAR_LINK_DAYS = 3
    link, _token, _code = delivery_link_create(actor=handler, package=make_package(approved_ticket(handler)))
    zone = Organisation.current().time_zone
    assert link.expires_at == deadline_moment(today_local() + timedelta(days=3), zone)


@pytest.mark.parametrize("days", [0, -1, 91])
def test_days_out_of_range_are_refused(handler: Any, days: int) -> None:
    with pytest.raises(DsarError, match="1 to 90 days"):
        delivery_link_create(actor=handler, package=make_package(approved_ticket(handler)), days=days)
    assert not DeliveryLink.objects.exists()


@pytest.mark.parametrize("status", ["in_review", "searching", "closed"])
def test_a_ticket_not_approved_gets_no_link(handler: Any, status: str) -> None:
    ticket = approved_ticket(handler, status=status)
    with pytest.raises(DsarError, match="cannot be sent by secure link"):
        delivery_link_create(actor=handler, package=make_package(ticket))
    assert not DeliveryLink.objects.exists()
    ticket.refresh_from_db()
    assert ticket.status == status


def test_a_purged_or_unfinished_package_gets_no_link(handler: Any) -> None:
    ticket = approved_ticket(handler)
    purged = make_package(ticket)
    ResponsePackage.objects.filter(pk=purged.pk).update(purged_at=timezone.now(), file="", letter="")
    with pytest.raises(DsarError, match="was deleted on"):
        delivery_link_create(actor=handler, package=purged)
    unfinished = ResponsePackage.objects.create(request=ticket)
    with pytest.raises(DsarError, match="not complete yet"):
        delivery_link_create(actor=handler, package=unfinished)
    assert not DeliveryLink.objects.exists()


def test_revoke(handler: Any) -> None:
    ticket = approved_ticket(handler)
    link, _token, _code = delivery_link_create(actor=handler, package=make_package(ticket))
    delivery_link_revoke(actor=handler, link=link)
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert f"Secure link {link.pk} withdrawn." in [entry.message for entry in steps(ticket)]
    with pytest.raises(DsarError, match="already withdrawn"):
        delivery_link_revoke(actor=handler, link=link)


def expire(link: DeliveryLink, *, days_ago: float = 1) -> None:
    DeliveryLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(days=days_ago))


def test_purge_waits_for_the_newest_link_then_deletes_the_files(
    handler: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = approved_ticket(handler)
    package = make_package(ticket)
    zip_path, letter_path = media_path(str(package.file)), media_path(str(package.letter))
    old, _t, _c = delivery_link_create(actor=handler, package=package)
    new, _t, _c = delivery_link_create(actor=handler, package=package)
    expire(old)
    delivery_link_revoke(actor=handler, link=new)  # withdrawn, but not expired: a new link may follow
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired_packages() == 0
    assert zip_path.exists() and letter_path.exists()

    expire(new, days_ago=0.01)
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired_packages() == 1
    package.refresh_from_db()
    assert package.purged_at is not None and not package.file and not package.letter
    assert not zip_path.exists() and not letter_path.exists()
    assert not PendingFileDeletion.objects.exists()
    entry = steps(ticket)[-1]
    assert entry.is_system and entry.kind == "purge"
    assert f"Answer package {package.pk} deleted ({ticket.reference}-answer.zip, {ticket.reference}-letter.pdf)" in (
        entry.message
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired_packages() == 0


def test_purge_waits_for_a_legal_hold(handler: Any, django_capture_on_commit_callbacks: Any) -> None:
    ticket = approved_ticket(handler)
    package = make_package(ticket)
    link, _t, _c = delivery_link_create(actor=handler, package=package)
    expire(link)
    hold = LegalHold.objects.create(
        reason="Claim", case_reference="CASE-7", review_on=today_local(),
        subject_type=ContentType.objects.get_for_model(DataSubjectRequest), subject_id=str(ticket.pk),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired_packages() == 0
    assert media_path(str(package.file)).exists()
    LegalHold.objects.filter(pk=hold.pk).update(released_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_expired_packages() == 1
    package.refresh_from_db()
    assert package.purged_at is not None


def test_purge_leaves_packages_without_links(handler: Any) -> None:
    package = make_package(approved_ticket(handler))
    assert purge_expired_packages(now=timezone.now() + timedelta(days=400)) == 0
    package.refresh_from_db()
    assert package.purged_at is None


def test_purge_removes_files_only_after_the_commit(handler: Any, django_capture_on_commit_callbacks: Any) -> None:
    """A purge whose transaction is rolled back (a crash before the commit) keeps the files and the row."""
    package = make_package(approved_ticket(handler))
    link, _t, _c = delivery_link_create(actor=handler, package=package)
    expire(link)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        assert purge_expired_packages() == 1
        raise RuntimeError("crash")
    assert callbacks == []
    package.refresh_from_db()
    assert package.purged_at is None and media_path(str(package.file)).exists()
    assert not PendingFileDeletion.objects.exists()


# The staff page


def page_url(ticket: DataSubjectRequest) -> str:
    return reverse("dsar:answer_delivery", kwargs={"pk": ticket.pk})


def test_the_link_and_code_are_shown_once(client: Any, handler: Any) -> None:
    ticket = approved_ticket(handler)
    package = make_package(ticket)
    client.force_login(handler)
    data = {"package": package.pk, "days": 10, "single_use": "on", "with_code": "on"}
    response = client.post(reverse("dsar:delivery_link_create", kwargs={"pk": ticket.pk}), data)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    created = response.context["created"]
    token = created["url"].rstrip("/").rsplit("/", 1)[1]
    link = DeliveryLink.objects.get()
    assert link.token_hash == token_hash(token) and link.single_use and link.code_hash
    assert created["url"] == f"http://testserver/download/{token}/"
    page = response.content.decode()
    assert created["url"] in page and created["code"] in page and "js/copy.js" in page
    assert created["url"] in created["email"] and created["code"] not in created["email"]
    assert "one download of the package only" in created["email"] and "a code" in created["email"]
    assert package.sha256 in created["email"]
    assert created["code"] in created["code_message"] and ticket.reference in created["code_message"]
    ticket.refresh_from_db()
    assert ticket.status == "delivered"

    again = client.get(page_url(ticket)).content.decode()
    assert token not in again and created["code"] not in again
    assert "Active" in again


def test_site_url_makes_the_address(client: Any, handler: Any, settings: Any) -> None:
    settings.SITE_URL = "https://obscura.example.org/"
    ticket = approved_ticket(handler)
    client.force_login(handler)
    data = {"package": make_package(ticket).pk, "days": 5}
    response = client.post(reverse("dsar:delivery_link_create", kwargs={"pk": ticket.pk}), data)
    assert response.context["created"]["url"].startswith("https://obscura.example.org/download/")
    assert response.context["created"]["code"] is None


def test_a_refused_link_is_explained(client: Any, handler: Any) -> None:
    ticket = approved_ticket(handler, status="in_review")
    client.force_login(handler)
    data = {"package": make_package(ticket).pk, "days": 5}
    response = client.post(reverse("dsar:delivery_link_create", kwargs={"pk": ticket.pk}), data)
    assert response.status_code == 400
    assert "cannot be sent by secure link" in response.content.decode()
    assert "created" not in response.context
    bad = client.post(reverse("dsar:delivery_link_create", kwargs={"pk": ticket.pk}), {"days": 500})
    assert bad.status_code == 400 and not DeliveryLink.objects.exists()


def test_the_page_shows_each_link_state_and_every_download(client: Any, handler: Any) -> None:
    ticket = approved_ticket(handler)
    package = make_package(ticket)
    links = [delivery_link_create(actor=handler, package=package, single_use=True)[0] for _ in range(5)]
    expire(links[1])
    DeliveryLink.objects.filter(pk=links[2].pk).update(used_at=timezone.now())
    delivery_link_revoke(actor=handler, link=links[3])
    DeliveryLink.objects.filter(pk=links[4].pk).update(failed_codes=5)
    Download.objects.create(link=links[0], file_name="answer.zip", ip="203.0.113.9", user_agent="Firefox")
    client.force_login(handler)
    page = client.get(page_url(ticket)).content.decode()
    for state in ("Active", "Expired", "Used", "Withdrawn", "Locked: too many wrong codes"):
        assert state in page
    assert "answer.zip" in page and "203.0.113.9" in page
    assert page.count("Withdraw</button>") == 4


def test_revoke_from_the_page(client: Any, handler: Any) -> None:
    ticket = approved_ticket(handler)
    link, _t, _c = delivery_link_create(actor=handler, package=make_package(ticket))
    client.force_login(handler)
    url = reverse("dsar:delivery_link_revoke", kwargs={"pk": ticket.pk, "link_pk": link.pk})
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == page_url(ticket)
    assert "withdrawn: it no longer works" in response.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_a_link_of_another_ticket_is_hidden(client: Any, handler: Any) -> None:
    mine = approved_ticket(handler)
    other = approved_ticket(handler)
    link, _t, _c = delivery_link_create(actor=handler, package=make_package(other))
    client.force_login(handler)
    url = reverse("dsar:delivery_link_revoke", kwargs={"pk": mine.pk, "link_pk": link.pk})
    assert client.post(url).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


@pytest.mark.parametrize("role", ["auditor", "admin_role", "outsider"])
def test_only_handlers_deliver(client: Any, handler: Any, role: str, request: pytest.FixtureRequest) -> None:
    ticket = approved_ticket(handler)
    package = make_package(ticket)
    client.force_login(request.getfixturevalue(role))
    assert client.get(page_url(ticket)).status_code == 403
    data = {"package": package.pk, "days": 5}
    assert client.post(reverse("dsar:delivery_link_create", kwargs={"pk": ticket.pk}), data).status_code == 403
    assert not DeliveryLink.objects.exists()


def test_the_dpo_delivers_too(client: Any, dpo: Any) -> None:
    ticket = approved_ticket(dpo)
    client.force_login(dpo)
    data = {"package": make_package(ticket).pk, "days": 5}
    assert client.post(reverse("dsar:delivery_link_create", kwargs={"pk": ticket.pk}), data).status_code == 200
    assert DeliveryLink.objects.get().created_by == dpo


def test_the_purge_runs_hourly_from_the_cron_schedule() -> None:
    from django_rq.cron import DjangoCronScheduler

    scheduler = DjangoCronScheduler()
    scheduler.load_config_from_file("compliance.cron")
    intervals = {getattr(job.func, "__name__", ""): job.interval for job in scheduler.get_jobs()}
    assert intervals["purge_expired_packages"] == 3600

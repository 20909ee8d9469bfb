from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from compliance.access import client_ip
from compliance.roles import ROLES


@pytest.mark.django_db
def test_migrations_create_the_four_roles() -> None:
    assert set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True)) == set(ROLES)


@pytest.mark.django_db
def test_auditor_reads_but_cannot_write(auditor: Any) -> None:
    assert auditor.has_perm("compliance.view_accessevent")
    assert auditor.has_perm("dsar.view_dsar")
    assert not auditor.has_perm("dsar.handle_dsar")
    assert not auditor.has_perm("dpia.edit_dpia")
    assert not auditor.has_perm("compliance.manage_retention")


@pytest.mark.django_db
def test_admin_role_cannot_make_itself_superuser(client: Any, admin_role: Any) -> None:
    client.force_login(admin_role)
    url = reverse("admin:auth_user_change", args=[admin_role.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in ("username", "first_name", "last_name", "email")}
    data.update({"is_active": "on", "is_staff": "on", "is_superuser": "on", "date_joined_0": "2026-01-01"})
    data.update({"date_joined_1": "00:00:00", "groups": [g.pk for g in admin_role.groups.all()]})
    data["first_name"] = "Ada"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    admin_role.refresh_from_db()
    assert admin_role.first_name == "Ada"  # the change was saved...
    assert not admin_role.is_superuser  # ...but not the promotion


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy configured: the header is not trusted
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # one proxy: its entry is the client
        (2, "203.0.113.9", "10.0.0.1"),  # fewer hops than proxies: fall back to the peer
    ],
)
def test_client_ip_trusts_only_configured_proxies(settings: Any, proxies: int, forwarded: str, expected: str) -> None:
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected

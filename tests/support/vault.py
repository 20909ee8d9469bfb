"""Vault purposes the tests use, registered as an app would register its own."""

from __future__ import annotations

from typing import Any

from django.db import connection

from compliance.vault import register_purpose

EMAIL = register_purpose(name="requests.email", kind="email", label="E-mail of a requester").name
PHONE = register_purpose(name="requests.phone", kind="phone", label="Phone of a requester").name
NAME = register_purpose(name="requests.name", kind="name", label="Name of a requester").name
PLATE = register_purpose(name="incidents.plate", kind="plate", label="Plate in an incident").name
# The same kind of identifier held for another purpose: its tokens must not link to EMAIL's.
STAFF_EMAIL = register_purpose(name="staff.email", kind="email", label="E-mail of a staff member").name


def raw_row(token: str) -> dict[str, Any]:
    """A vault row as the database holds it, read around the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM compliance_vaultentry WHERE token = %s", [token])
        columns = [column[0] for column in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def run_sql(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)

"""The demo requests that `scripts/run` logs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from compliance.models import LegalHold
from dsar.models import DataSubjectRequest, Status
from tests.support.footage import make_camera

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]


def test_demo_requests_cover_the_stages_once() -> None:
    call_command("seed_demo", stdout=StringIO())
    make_camera("Entrance")
    call_command("seed_demo_requests", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo_requests", stdout=out)

    assert out.getvalue().strip() == "Demo requests: already there"
    statuses = sorted(DataSubjectRequest.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [Status.RECEIVED, Status.IDENTITY_PENDING, Status.IN_REVIEW, Status.VERIFIED, Status.CLOSED]
    )
    assert DataSubjectRequest.objects.filter(extended_at__isnull=False).count() == 1
    in_review = DataSubjectRequest.objects.get(status=Status.IN_REVIEW)
    assert LegalHold.objects.filter(case_reference=in_review.reference, released_at__isnull=True).exists()
    assert all(
        ticket.assigned_to and ticket.assigned_to.username == "handler" for ticket in DataSubjectRequest.objects.all()
    )

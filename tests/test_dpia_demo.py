"""The demo assessment that `scripts/run` creates on first start."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from dpia.models import Assessment, Verdict, VersionStatus
from tests.support.footage import make_camera

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("seed_demo_assessment", stdout=out)
    return out.getvalue()


def test_the_demo_screens_the_cameras_and_leaves_a_prefilled_draft_once() -> None:
    make_camera("Entrance", zone_types=["public", "customer"])
    make_camera("Car park", zone_types=["customer"])

    assert "DPIA likely required" in run()
    assessment = Assessment.objects.get()
    assert assessment.screening is not None and assessment.screening.verdict == Verdict.LIKELY
    version = assessment.versions.get()
    assert version.status == VersionStatus.DRAFT
    assert sorted(assessment.cameras.values_list("name", flat=True)) == ["Car park", "Entrance"]
    assert [stage.name for stage in version.stages.order_by("order")][:5] == [
        "Collection",
        "Storage",
        "Preprocessing",
        "Inference",
        "Output",
    ]
    assert version.risks.count() >= 3

    assert "already there" in run()
    assert Assessment.objects.count() == 1


def test_without_cameras_the_demo_says_so_and_starts_nothing() -> None:
    assert "no cameras" in run()
    assert not Assessment.objects.exists()

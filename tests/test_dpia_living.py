"""The living assessment: approval writes down the configuration it relied on; every way
the configuration drifts from it is named for the DPO, flagged on the assessment,
recorded and e-mailed once; matching again clears the flag; a change saved through the
retention or camera services flags the assessment at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from compliance.models import AccessEvent, Organisation, RetentionPolicy
from compliance.organisation import local_today
from compliance.retention.policies import retention_policy_delete, retention_policy_save
from dpia.document import version_document
from dpia.living import assessment_approved, assessment_check_drift, check_all_assessments, detect_drift
from dpia.models import Assessment, AssessmentEvent, VersionStatus
from media_processing.models import Camera, Site
from media_processing.services.cameras import camera_create, camera_update
from tests.support.dpia import make_assessment, newest
from tests.support.footage import logged_in, make_camera

pytestmark = pytest.mark.django_db

SQUARE = [[0.0, 0.0], [0.3, 0.0], [0.3, 0.3], [0.0, 0.3]]
STRIP = [[0.6, 0.6], [0.9, 0.6], [0.9, 0.9]]


@pytest.fixture(autouse=True)
def _mail(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Organisation.objects.filter(pk=Organisation.current().pk).update(dpo_email="dpo@example.org")


def raw_default() -> RetentionPolicy:
    return RetentionPolicy.objects.get(category="raw_footage", camera=None)


def approve(assessment: Assessment) -> Assessment:
    """What the approval does (helper H4's workflow calls `assessment_approved` the same way)."""
    version = newest(assessment)
    with transaction.atomic():
        version.status = VersionStatus.APPROVED
        version.snapshot = version_document(version)
        version.save()
        assessment_approved(assessment=assessment, version=version)
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def camera() -> Camera:
    return make_camera(
        "Entrance",
        privacy_masks=[SQUARE, STRIP],
        region_of_interest=[[0.0, 0.0], [1.0, 0.0], [1.0, 0.8], [0.0, 0.8]],
        anonymise_at_ingest=True,
        zone_types=["customer"],
    )


@pytest.fixture
def covered(camera: Camera) -> Assessment:
    """An approved assessment of the entrance camera, its site and the raw-footage policy."""
    assessment = make_assessment(cameras=[camera], sites=[camera.site], policies=[raw_default()])
    return approve(assessment)


def messages_of(assessment: Assessment) -> list[str]:
    return [item["message"] for item in detect_drift(assessment)]


def test_approval_writes_down_the_configuration(covered: Assessment, camera: Camera) -> None:
    facts = covered.baseline
    entrance = facts["cameras"][str(camera.pk)]
    assert entrance["masks"] == 2
    assert entrance["region_of_interest"] is True
    assert entrance["anonymise_at_ingest"] is True
    assert entrance["records_audio"] is False
    assert entrance["zone_types"] == ["customer"]
    assert entrance["purpose"] == "Deter theft at the entrance"
    assert entrance["legal_basis"] == "legitimate_interests"
    assert entrance["retention"]["raw_footage"]["period"] == 30
    assert entrance["retention"]["redacted_outputs"]["action"] == "delete"
    assert facts["sites"][str(camera.site_id)]["cameras"] == {str(camera.pk): "Entrance"}
    assert facts["policies"][str(raw_default().pk)]["period"] == 30
    assert set(facts["detector"]) >= {"face_model", "face_model_sha256", "face_threshold"}
    assert covered.drift == []
    assert covered.next_review is not None
    assert (covered.next_review - local_today()).days == 91


def test_nothing_drifts_before_approval(camera: Camera) -> None:
    assessment = make_assessment(cameras=[camera], policies=[raw_default()])
    camera_update(camera=camera, actor=None, anonymise_at_ingest=False)
    assert detect_drift(assessment) == []
    assert assessment_check_drift(assessment=assessment) == []
    assert not mail.outbox


def _policy_period(camera: Camera) -> None:
    retention_policy_save(policy=raw_default(), actor=None, period=90, unit="days", action="delete")


def _policy_action(camera: Camera) -> None:
    retention_policy_save(policy=raw_default(), actor=None, period=30, unit="days", action="keep")


def _redacted_override(camera: Camera) -> None:
    policy = RetentionPolicy(category="redacted_outputs", camera=camera)
    retention_policy_save(policy=policy, actor=None, period=12, unit="hours", action="delete")


def _camera_added(camera: Camera) -> None:
    camera_create(actor=None, name="Back door", site=camera.site, purpose="Deliveries", time_zone="Europe/Brussels")


def _one_mask(camera: Camera) -> None:
    camera_update(camera=camera, actor=None, privacy_masks=[SQUARE])


def _no_masks(camera: Camera) -> None:
    camera_update(camera=camera, actor=None, privacy_masks=[])


def _anonymise_off(camera: Camera) -> None:
    camera_update(camera=camera, actor=None, anonymise_at_ingest=False)


def _roi_removed(camera: Camera) -> None:
    camera_update(camera=camera, actor=None, region_of_interest=None)


def _audio_on(camera: Camera) -> None:
    camera_update(camera=camera, actor=None, records_audio=True)


def _workplace(camera: Camera) -> None:
    camera_update(camera=camera, actor=None, zone_types=["customer", "workplace"])


def _deleted(camera: Camera) -> None:
    camera.delete()


DRIFTS: list[tuple[Callable[[Camera], None], str, str]] = [
    (_policy_period, "retention_changed", "(all cameras)”: deleted after 30 days → deleted after 90 days."),
    (_policy_action, "retention_changed", "deleted after 30 days → kept, not deleted automatically."),
    (_redacted_override, "retention_changed", "Camera “Entrance”, redacted copies: deleted after 30 days → deleted "
     "after 12 hours."),
    (_camera_added, "camera_added", "Camera “Back door” was added to the covered site “Head office”."),
    (_one_mask, "masks_removed", "Camera “Entrance”: privacy masks removed (2 → 1)."),
    (_no_masks, "masks_removed", "Camera “Entrance”: all privacy masks removed (2 → none)."),
    (_anonymise_off, "anonymise_off", "Camera “Entrance”: anonymise at ingestion switched off (on → off)."),
    (_roi_removed, "roi_removed", "Camera “Entrance”: the region of interest was removed"),
    (_audio_on, "audio_on", "Camera “Entrance”: audio recording switched on (off → on)."),
    (_workplace, "zone_added", "Camera “Entrance” now films a zone the assessment did not cover: Workplace."),
    (_deleted, "camera_deleted", "Camera “Entrance”, covered by the assessment, has been deleted."),
]  # fmt: skip


@pytest.mark.parametrize(("change", "code", "message"), DRIFTS, ids=[code for _c, code, _m in DRIFTS])
def test_each_drift_is_named(covered: Assessment, camera: Camera, change: Any, code: str, message: str) -> None:
    change(camera)
    found = detect_drift(covered)
    assert [item["code"] for item in found] == [code]
    assert message in found[0]["message"]


def test_detector_changes_are_named(covered: Assessment, settings: Any) -> None:
    settings.FACE_THRESHOLD = 0.5
    assert messages_of(covered) == ["Face detection threshold changed: 0.2 → 0.5."]
    settings.FACE_THRESHOLD = 0.2
    settings.FACE_MODEL_PATH = "/models/faces-v2.onnx"
    settings.FACE_MODEL_SHA256 = "ab" * 32
    [message] = messages_of(covered)
    assert message.startswith("Detector model changed: centerface.onnx (SHA-256 09189deaaf86…) → faces-v2.onnx")


def test_unchanged_configuration_has_no_drift(covered: Assessment, camera: Camera) -> None:
    camera_update(camera=camera, actor=None, description="New lens", privacy_masks=[SQUARE, STRIP, SQUARE])
    assert detect_drift(covered) == []


def test_check_flags_records_and_clears_when_reality_matches_again(covered: Assessment, camera: Camera) -> None:
    camera_update(camera=camera, actor=None, anonymise_at_ingest=False)
    assert [d["code"] for d in assessment_check_drift(assessment=covered)] == ["anonymise_off"]
    covered.refresh_from_db()
    assert covered.review_needed and covered.drift_since is not None
    since = covered.drift_since
    flagged = AssessmentEvent.objects.filter(assessment=covered, action="drift").get()
    assert flagged.actor is None and "anonymise at ingestion switched off" in flagged.summary
    assert AccessEvent.objects.filter(action="dpia.drift", actor_username="system").count() == 1

    camera_update(camera=camera, actor=None, records_audio=True)
    assessment_check_drift(assessment=covered)
    covered.refresh_from_db()
    assert len(covered.drift) == 2 and covered.drift_since == since  # still the first appearance

    camera_update(camera=camera, actor=None, anonymise_at_ingest=True, records_audio=False)
    assert assessment_check_drift(assessment=covered) == []
    covered.refresh_from_db()
    assert covered.drift == [] and covered.drift_since is None and not covered.review_needed
    last = AssessmentEvent.objects.filter(assessment=covered, action="drift").order_by("-pk").first()
    assert last is not None and last.summary == "The configuration matches the approved assessment again."
    assert AssessmentEvent.objects.filter(assessment=covered, action="drift").count() == 3


def test_the_dpo_is_emailed_once_per_set_of_differences(covered: Assessment, camera: Camera) -> None:
    camera_update(camera=camera, actor=None, anonymise_at_ingest=False)
    assessment_check_drift(assessment=covered)
    assessment_check_drift(assessment=covered)
    check_all_assessments()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dpo@example.org"]
    assert covered.reference in message.subject
    assert "anonymise at ingestion switched off" in message.body
    assert reverse("dpia:assessment", args=[covered.reference]) in message.body

    camera_update(camera=camera, actor=None, records_audio=True)
    assessment_check_drift(assessment=covered)
    assessment_check_drift(assessment=covered)
    assert len(mail.outbox) == 2
    assert "audio recording switched on" in mail.outbox[1].body


def test_without_a_dpo_address_the_signers_are_emailed(covered: Assessment, camera: Camera, dpo: Any) -> None:
    Organisation.objects.update(dpo_email="")
    dpo.email = "dora@example.org"
    dpo.save()
    camera_update(camera=camera, actor=None, anonymise_at_ingest=False)
    assessment_check_drift(assessment=covered)
    assert mail.outbox[0].to == ["dora@example.org"]


def test_a_retention_change_flags_the_approved_assessment_at_once(
    covered: Assessment, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        retention_policy_save(policy=raw_default(), actor=None, period=60, unit="days", action="delete")
    covered.refresh_from_db()
    assert [d["code"] for d in covered.drift] == ["retention_changed"]
    assert "deleted after 30 days → deleted after 60 days" in covered.drift[0]["message"]
    assert len(mail.outbox) == 1


def test_a_camera_change_and_an_override_removal_flag_at_once(
    covered: Assessment, camera: Camera, django_capture_on_commit_callbacks: Any
) -> None:
    override = RetentionPolicy.objects.create(category="raw_footage", camera=camera, period=7, action="delete")
    approve(covered)  # the approved version relied on the 7-day override
    with django_capture_on_commit_callbacks(execute=True):
        retention_policy_delete(policy=override, actor=None)
    covered.refresh_from_db()
    assert [d["message"] for d in covered.drift] == [
        "Camera “Entrance”, raw footage (recordings and clips): deleted after 7 days → deleted after 30 days."
    ]
    with django_capture_on_commit_callbacks(execute=True):
        camera_update(camera=camera, actor=None, records_audio=True)
    covered.refresh_from_db()
    assert {d["code"] for d in covered.drift} == {"retention_changed", "audio_on"}


def test_a_new_approval_takes_the_configuration_as_it_is(covered: Assessment, camera: Camera) -> None:
    camera_update(camera=camera, actor=None, anonymise_at_ingest=False)
    assessment_check_drift(assessment=covered)
    covered = approve(covered)
    assert covered.drift == [] and covered.drift_since is None
    assert detect_drift(covered) == []


def test_the_overview_lists_the_differences_and_checks_on_demand(client: Any, dpo: Any, covered: Assessment) -> None:
    Site.objects.create(name="Unrelated")
    make_camera("Back door", site="Head office")
    page = reverse("dpia:assessment", args=[covered.reference])
    response = logged_in(client, dpo).post(reverse("dpia:drift_check", args=[covered.reference]), follow=True)
    assert response.redirect_chain[-1][0] == page
    text = response.content.decode()
    assert "The configuration differs from the approved assessment in 1 way." in text
    assert "Camera “Back door” was added to the covered site “Head office”." in text
    assert "Review needed" in text


def test_an_auditor_may_not_run_the_check(client: Any, auditor: Any, covered: Assessment) -> None:
    response = logged_in(client, auditor).post(reverse("dpia:drift_check", args=[covered.reference]))
    assert response.status_code == 403


def test_changing_what_an_approved_assessment_covers_is_a_difference_to_review(client: Any, dpo: Any) -> None:
    entrance = make_camera("Entrance")
    till = make_camera("Till")
    assessment = make_assessment(actor=dpo, cameras=[entrance])
    approve(assessment)
    client.force_login(dpo)
    url = reverse("dpia:assessment_scope", args=[assessment.reference])
    assert "Entrance (Head office)" in client.get(url).content.decode()

    page = client.post(url, {"cameras": [entrance.pk, till.pk]}, follow=True).content.decode()
    assessment.refresh_from_db()
    assert sorted(assessment.cameras.values_list("name", flat=True)) == ["Entrance", "Till"]
    assert "review needed" in page and assessment.drift
    assert "Till" in " ".join(difference["message"] for difference in assessment.drift)
    assert assessment.events.filter(action="scope").exists()

"""The workflow of an assessment version: draft → submitted → evaluated → DPO opinion →
approved or rejected → a new version; through the pages where a person acts, through
the services for the rules."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dpia.document import version_document
from dpia.models import VersionStatus
from dpia.services.answers import version_answers_save
from dpia.services.common import DpiaError
from dpia.services.decisions import attestations_for, version_approve, version_opinion, version_reject
from dpia.services.flowmap import flow_stage_add
from dpia.services.workflow import section_evaluate, version_return_for_correction, version_submit
from tests.support.dpia import RISK, make_assessment, newest
from tests.support.dpia_workflow import answer_required, approved, evaluate_all, submitted
from tests.support.footage import events, logged_in

pytestmark = pytest.mark.django_db


def post(client: Any, name: str, assessment: Any, data: dict[str, Any] | None = None, **kwargs: Any) -> str:
    """POST a step and return the evaluation page it redirects to."""
    url = reverse(f"dpia:{name}", kwargs={"reference": assessment.reference, **kwargs})
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_whole_path_through_the_pages(client: Any, dpo: Any, admin_role: Any) -> None:
    assessment = make_assessment(actor=dpo)
    answer_required(newest(assessment), actor=dpo)
    page = post(logged_in(client, dpo), "version_submit", assessment)
    assert "Submitted for evaluation." in page
    assert newest(assessment).status == VersionStatus.SUBMITTED

    logged_in(client, admin_role)
    sections = newest(assessment).sections()
    for section in sections:
        post(client, "section_evaluate", assessment, {"verdict": "acceptable"}, section=section["key"])
    assert newest(assessment).status == VersionStatus.EVALUATED

    logged_in(client, dpo)
    page = post(
        client,
        "version_opinion",
        assessment,
        {"opinion": "Necessary and proportionate.", "data_subject_views": "Works council consulted."},
    )
    assert "Necessary and proportionate." in page
    for attestation in attestations_for(version_document(newest(assessment))):
        assert str(attestation.text) in page
    keys = [item.key for item in attestations_for(version_document(newest(assessment)))]
    page = post(client, "version_approve", assessment, {"attestations": keys})
    assert "Approved and signed off." in page

    version = newest(assessment)
    assessment.refresh_from_db()
    assert version.status == VersionStatus.APPROVED
    assert version.decided_by == dpo and version.decided_at is not None
    assert version.snapshot is not None and version.snapshot["status"] == "approved"
    assert version.snapshot["validation"]["dpo_opinion"] == "Necessary and proportionate."
    assert [item["key"] for item in version.snapshot["validation"]["attestations"]] == keys
    assert assessment.next_review == timezone.localdate() + timedelta(days=assessment.review_interval_days)
    assert {"dpia.submit", "dpia.evaluate", "dpia.opinion", "dpia.approve"} <= {
        event.action for event in events_of(assessment)
    }
    roles = set(assessment.events.values_list("action", "role"))
    assert {("submit", "author"), ("evaluate", "evaluator"), ("opinion", "dpo"), ("approve", "dpo")} <= roles


def events_of(assessment: Any) -> list[Any]:
    return [
        event
        for action in ("dpia.submit", "dpia.evaluate", "dpia.opinion", "dpia.approve")
        for event in events(action, assessment)
    ]


def test_submission_lists_what_is_missing(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo, document={})
    required = [
        question["label"]
        for section in newest(assessment).sections()
        for question in section["questions"]
        if question.get("required") and "show_if" not in question
    ]
    page = post(logged_in(client, dpo), "version_submit", assessment)
    assert "Before submitting, fill in:" in page
    for label in required:
        assert label in page
    for missing in ("data-flow map", "purpose with its legal basis", "assessed risk"):
        assert missing in page
    assert newest(assessment).status == VersionStatus.DRAFT


def test_the_author_cannot_evaluate_their_own_version(client: Any, dpo: Any) -> None:
    assessment = submitted(dpo)
    section = newest(assessment).sections()[0]["key"]
    page = post(logged_in(client, dpo), "section_evaluate", assessment, {"verdict": "acceptable"}, section=section)
    assert "someone else must evaluate it (four-eyes principle)" in page
    assert not newest(assessment).evaluations.exists()


@pytest.mark.parametrize("verdict", ["to_correct", "improvable"])
def test_a_critical_verdict_needs_a_comment(dpo: Any, admin_role: Any, verdict: str) -> None:
    version = newest(submitted(dpo))
    section = version.sections()[0]["key"]
    with pytest.raises(DpiaError, match="a comment is needed"):
        section_evaluate(version=version, section=section, verdict=verdict, comment="  ", actor=admin_role)
    section_evaluate(version=version, section=section, verdict=verdict, comment="Say who sees it.", actor=admin_role)
    assert version.evaluations.get().comment == "Say who sees it."


def test_return_for_correction_keeps_the_evaluations_until_the_next_submission(dpo: Any, admin_role: Any) -> None:
    assessment = submitted(dpo)
    version = newest(assessment)
    with pytest.raises(DpiaError, match="to correct"):
        version_return_for_correction(version=version, actor=admin_role)
    section = version.sections()[0]["key"]
    section_evaluate(
        version=version, section=section, verdict="to_correct", comment="Name the processor.", actor=admin_role
    )
    version_return_for_correction(version=version, actor=admin_role)
    version = newest(assessment)
    assert version.status == VersionStatus.DRAFT
    assert version.evaluations.get().comment == "Name the processor."

    version_submit(version=version, actor=dpo)
    assert newest(assessment).status == VersionStatus.SUBMITTED
    assert not newest(assessment).evaluations.exists()


def test_the_return_page_shows_the_comment_to_the_author(client: Any, dpo: Any, admin_role: Any) -> None:
    assessment = submitted(dpo)
    version = newest(assessment)
    section = version.sections()[0]
    section_evaluate(
        version=version, section=section["key"], verdict="to_correct", comment="Name the processor.", actor=admin_role
    )
    page = post(logged_in(client, admin_role), "version_return", assessment)
    assert "Returned to the author" in page
    page = logged_in(client, dpo).get(reverse("dpia:evaluation", args=[assessment.reference])).content.decode()
    assert "Name the processor." in page and "To correct" in page
    assert "Submit for evaluation" in page


def test_approval_needs_opinion_no_section_to_correct_and_every_attestation(dpo: Any, admin_role: Any) -> None:
    assessment = submitted(dpo)
    version = newest(assessment)
    first, *others = [section["key"] for section in version.sections()]
    section_evaluate(version=version, section=first, verdict="to_correct", comment="Incomplete.", actor=admin_role)
    for key in others:
        section_evaluate(version=version, section=key, verdict="acceptable", comment="", actor=admin_role)
    version = newest(assessment)
    assert version.status == VersionStatus.EVALUATED
    keys = [item.key for item in attestations_for(version_document(version))]
    with pytest.raises(DpiaError, match="DPO opinion"):
        version_approve(version=version, actor=dpo, attestations=keys)
    version_opinion(version=version, opinion="Fine once corrected.", data_subject_views="", actor=dpo)
    with pytest.raises(DpiaError, match="to correct"):
        version_approve(version=version, actor=dpo, attestations=keys)
    section_evaluate(
        version=version, section=first, verdict="improvable", comment="Could be clearer.", actor=admin_role
    )
    with pytest.raises(DpiaError, match="Tick every attestation"):
        version_approve(version=version, actor=dpo, attestations=keys[:-1])
    version_approve(version=version, actor=dpo, attestations=keys)
    assert newest(assessment).status == VersionStatus.APPROVED


def test_a_high_residual_risk_asks_for_prior_consultation(client: Any, dpo: Any, admin_role: Any) -> None:
    high = {**RISK, "residual_severity": 4, "residual_likelihood": 3, "title": "Faces leak"}
    document = {**make_document(), "risks": [high]}
    assessment = submitted(dpo, document=document)
    version = evaluate_all(assessment, admin_role)
    version_opinion(version=version, opinion="Consult first.", data_subject_views="", actor=dpo)
    page = logged_in(client, dpo).get(reverse("dpia:evaluation", args=[assessment.reference])).content.decode()
    assert "Art. 36" in page and "Faces leak" in page
    basic = ["read", "measures", "data_subjects"]
    with pytest.raises(DpiaError, match="supervisory authority"):
        version_approve(version=version, actor=dpo, attestations=basic)
    version_approve(version=version, actor=dpo, attestations=[*basic, "prior_consultation"])


def make_document() -> dict[str, Any]:
    from tests.support.dpia import DOCUMENT

    return dict(DOCUMENT)


def test_rejection_needs_reasons_and_a_new_version_continues_as_a_draft(client: Any, dpo: Any, admin_role: Any) -> None:
    assessment = submitted(dpo)
    version = newest(assessment)
    page = post(logged_in(client, dpo), "version_reject", assessment, {"reason": "  "})
    assert "Give the reasons for the rejection" in page
    page = post(client, "version_reject", assessment, {"reason": "The balancing test is missing."})
    assert "Rejected, with your reasons." in page
    version.refresh_from_db()
    assert version.status == VersionStatus.REJECTED and version.snapshot is not None
    assert version.snapshot["validation"]["decision_reason"] == "The balancing test is missing."

    response = client.post(reverse("dpia:version_new", args=[assessment.reference]), {"version": "1"}, follow=True)
    assert "Version 2 started as a copy; it is a draft." in response.content.decode()
    second = newest(assessment)
    assert second.number == 2 and second.status == VersionStatus.DRAFT
    old, new = version_document(version), version_document(second)
    for key in ("answers", "stages", "purposes", "measures", "risks", "template"):
        assert new[key] == old[key]
    assert new["evaluations"] == [] and new["validation"]["decision_reason"] == ""


def test_a_new_version_waits_for_a_decision(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    page = post(logged_in(client, dpo), "version_new", assessment)
    assert "still draft" in page
    assert assessment.versions.count() == 1


def test_frozen_versions_refuse_every_change(dpo: Any, admin_role: Any) -> None:
    assessment = approved(dpo, admin_role)
    version = newest(assessment)
    frozen = version_document(version)
    with pytest.raises(DpiaError, match="can no longer be changed"):
        version_answers_save(version=version, section_key=version.sections()[0]["key"], answers={}, actor=dpo)
    with pytest.raises(DpiaError):
        flow_stage_add(version=version, actor=dpo, kind="output", name="Police")
    with pytest.raises(DpiaError, match="approved"):
        section_evaluate(
            version=version, section=version.sections()[0]["key"], verdict="to_correct", comment="x", actor=admin_role
        )
    with pytest.raises(DpiaError, match="approved"):
        version_reject(version=version, actor=dpo, reason="Changed my mind")
    with pytest.raises(DpiaError, match="approved"):
        version_submit(version=version, actor=dpo)
    # Even rows changed behind the services' back do not change what was signed.
    version.stages.update(name="Edited later")
    version.refresh_from_db()
    assert version_document(version) == frozen


def test_steps_refused_without_their_permission(
    client: Any, dpo: Any, admin_role: Any, auditor: Any, outsider: Any
) -> None:
    assessment = submitted(dpo)
    url = reverse("dpia:version_approve", args=[assessment.reference])
    assert logged_in(client, admin_role).post(url, {}).status_code == 403  # evaluates, does not sign
    assert (
        logged_in(client, auditor).post(reverse("dpia:version_submit", args=[assessment.reference])).status_code == 403
    )
    assert logged_in(client, outsider).post(url, {}).status_code == 404
    assert logged_in(client, dpo).get(url).status_code == 405
    assert newest(assessment).status == VersionStatus.SUBMITTED


def test_a_step_on_a_page_shown_for_another_version_is_refused(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    answer_required(newest(assessment), actor=dpo)
    page = post(logged_in(client, dpo), "version_submit", assessment, {"version": "7"})
    assert "changed since you opened the page" in page
    assert newest(assessment).status == VersionStatus.DRAFT


def test_evaluation_page_offers_what_each_role_may_do(client: Any, dpo: Any, admin_role: Any, auditor: Any) -> None:
    assessment = submitted(dpo)
    url = reverse("dpia:evaluation", args=[assessment.reference])
    as_admin = logged_in(client, admin_role).get(url).content.decode()
    assert "Save the evaluation" in as_admin and "Approve" not in as_admin
    as_dpo = logged_in(client, dpo).get(url).content.decode()
    assert "someone else evaluates it" in as_dpo and "Save the evaluation" not in as_dpo
    assert "Reject" in as_dpo
    as_auditor = logged_in(client, auditor).get(url).content.decode()
    for offered in ("Save the evaluation", "Submit for evaluation", "Reject", "Save the opinion"):
        assert offered not in as_auditor


def test_approved_page_offers_a_new_version(client: Any, dpo: Any, admin_role: Any) -> None:
    assessment = approved(dpo, admin_role)
    page = logged_in(client, dpo).get(reverse("dpia:evaluation", args=[assessment.reference])).content.decode()
    assert "Start a new version" in page
    assert "I have read the whole assessment" in page

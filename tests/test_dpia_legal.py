"""The legal basis of an assessment: purposes with their Art. 6 basis, the balancing test
that legitimate interests need, and the Art. 9 condition that biometric data needs."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.urls import reverse

from dpia.models import AssessmentEvent, AssessmentVersion, Purpose
from dpia.services.common import DpiaError
from dpia.services.legal import balancing_missing, purpose_add, purpose_remove, purpose_update
from tests.support.dpia import DOCUMENT, make_assessment, newest
from tests.support.footage import logged_in, make_camera

pytestmark = pytest.mark.django_db

BALANCING = {
    "interest": "Thefts at the entrance: 14 recorded last year.",
    "necessity": "Guards cannot watch the door at night; better locks did not stop the thefts.",
    "balancing": "Customers expect cameras at a shop door; only the door is filmed, never the street.",
    "balancing_safeguards": "Faces blurred at ingest, footage kept 72 hours, two people may view it.",
    "objection": "Sign at the door with the DPO's address; objections answered within a month.",
}


def url(name: str, assessment: Any, *args: Any) -> str:
    return reverse(f"dpia:{name}", args=[assessment.reference, *args])


def purpose_post(**fields: Any) -> dict[str, Any]:
    data = {
        "description": "Deter theft",
        "camera_name": "Entrance",
        "art6_basis": "legitimate_interests",
        "art9_condition": "",
        **BALANCING,
    }
    return data | fields


# Services ---------------------------------------------------------------------------------


def test_legitimate_interests_are_refused_without_the_whole_balancing_test(dpo: Any) -> None:
    version = newest(make_assessment(actor=dpo))
    with pytest.raises(DpiaError) as refused:
        purpose_add(
            version=version,
            actor=dpo,
            description="Deter theft",
            art6_basis="legitimate_interests",
            interest="Thefts",
            objection="Sign at the door",
        )
    assert refused.value.message == (
        "Legitimate interests need the balancing test. Still missing: necessity, "
        "balancing against people's rights, safeguards tipping the balance."
    )
    assert version.purposes.count() == 1  # only the one the assessment started with

    purpose = purpose_add(
        version=version, actor=dpo, description="Deter theft", art6_basis="legitimate_interests", **BALANCING
    )
    assert purpose.order == 1 and purpose.interest == BALANCING["interest"]
    assert balancing_missing({"art6_basis": "legitimate_interests", **BALANCING}) == []
    assert balancing_missing({"art6_basis": "consent"}) == []


def test_another_basis_needs_no_balancing_test_and_drops_an_old_one(dpo: Any) -> None:
    version = newest(make_assessment(actor=dpo))
    purpose = purpose_add(
        version=version, actor=dpo, description="Count visitors", art6_basis="legitimate_interests", **BALANCING
    )
    purpose_update(purpose=purpose, actor=dpo, description="Count visitors", art6_basis="consent", **BALANCING)
    purpose.refresh_from_db()
    assert purpose.art6_basis == "consent" and purpose.interest == "" and purpose.objection == ""
    with pytest.raises(DpiaError, match=r"Art\. 9 condition from the list"):
        purpose_update(purpose=purpose, actor=dpo, description="Count", art6_basis="consent", art9_condition="z")
    with pytest.raises(DpiaError, match="Describe the purpose"):
        purpose_update(purpose=purpose, actor=dpo, description="  ", art6_basis="consent")
    purpose_remove(purpose=purpose, actor=dpo)
    assert not Purpose.objects.filter(pk=purpose.pk).exists()
    actions = AssessmentEvent.objects.filter(assessment=version.assessment, action__startswith="purpose_")
    assert list(actions.values_list("action", "role")) == [
        ("purpose_add", "author"),
        ("purpose_update", "author"),
        ("purpose_remove", "author"),
    ]


def test_a_submitted_version_keeps_its_purposes(dpo: Any) -> None:
    version = newest(make_assessment(actor=dpo))
    purpose = version.purposes.get()
    AssessmentVersion.objects.filter(pk=version.pk).update(status="submitted")
    with pytest.raises(DpiaError, match="can no longer be changed"):
        purpose_update(purpose=purpose, actor=dpo, description="Something else", art6_basis="consent")
    with pytest.raises(DpiaError, match="can no longer be changed"):
        purpose_remove(purpose=purpose, actor=dpo)
    assert Purpose.objects.get(pk=purpose.pk).description == "Prevent theft at the entrance"


# Pages ------------------------------------------------------------------------------------


def test_the_page_lists_purposes_and_what_their_balancing_test_lacks(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo, cameras=[make_camera("Entrance")])
    html = logged_in(client, dpo).get(url("legal_basis", assessment)).content.decode()
    assert "Prevent theft at the entrance" in html
    assert "Legitimate interests — Art. 6(1)(f)" in html
    assert "The balancing test still lacks: legitimate interest pursued, necessity" in html
    assert '<option value="Entrance">' in html  # the assessment's cameras, suggested
    assert "Add a purpose" in html


def test_adding_a_purpose_without_the_balancing_test_points_at_what_is_missing(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    client = logged_in(client, dpo)
    response = client.post(url("purpose_add", assessment), purpose_post(necessity="", objection=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Needed when the basis is legitimate interests.") == 2
    assert "Thefts at the entrance: 14 recorded last year." in html  # what was typed is kept
    assert newest(assessment).purposes.count() == 1

    response = client.post(url("purpose_add", assessment), purpose_post(), follow=True)
    html = response.content.decode()
    assert "Purpose added." in html and "Sign at the door with the DPO&#x27;s address" in html
    assert newest(assessment).purposes.count() == 2


def test_editing_and_removing_a_purpose(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    purpose = newest(assessment).purposes.get()
    client = logged_in(client, dpo)
    assert "Prevent theft at the entrance" in client.get(url("purpose_edit", assessment, purpose.pk)).content.decode()
    response = client.post(url("purpose_edit", assessment, purpose.pk), purpose_post(description="Deter theft"))
    assert response.status_code == 302
    html = client.get(url("legal_basis", assessment)).content.decode()
    assert "Deter theft" in html and "still lacks" not in html
    client.post(url("purpose_remove", assessment, purpose.pk))
    assert "No purpose has been stated yet." in client.get(url("legal_basis", assessment)).content.decode()


def test_biometric_data_without_an_art9_condition_is_flagged_until_one_is_given(client: Any, dpo: Any) -> None:
    doc = copy.deepcopy(DOCUMENT)
    doc["stages"][0]["systems"][0]["data_categories"] = ["faces", "biometric"]
    assessment = make_assessment(actor=dpo, document=doc)
    client = logged_in(client, dpo)
    warning = "Special-category data without an Art. 9 condition"
    html = client.get(url("legal_basis", assessment)).content.decode()
    assert warning in html and "“Entrance camera” (Collection) creates biometric templates" in html
    assert "creates biometric templates" in client.get(url("flow_map", assessment)).content.decode()

    purpose = newest(assessment).purposes.get()
    client.post(url("purpose_edit", assessment, purpose.pk), purpose_post(art9_condition="a"))
    html = client.get(url("legal_basis", assessment)).content.decode()
    assert warning not in html and "Explicit consent — Art. 9(2)(a)" in html
    assert "creates biometric templates" not in client.get(url("flow_map", assessment)).content.decode()


def test_a_submitted_version_is_read_only(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    purpose = newest(assessment).purposes.get()
    AssessmentVersion.objects.filter(assessment=assessment).update(status="submitted")
    client = logged_in(client, dpo)
    html = client.get(url("legal_basis", assessment)).content.decode()
    assert "Prevent theft at the entrance" in html and "Add a purpose" not in html and "Edit purpose" not in html
    response = client.post(url("purpose_add", assessment), purpose_post(), follow=True)
    assert "can no longer be changed" in response.content.decode()
    response = client.post(url("purpose_edit", assessment, purpose.pk), purpose_post(), follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert newest(assessment).purposes.count() == 1


def test_purposes_of_another_assessment_answer_404_and_roles_are_checked(
    client: Any, dpo: Any, auditor: Any, handler: Any
) -> None:
    mine, theirs = make_assessment("Mine"), make_assessment("Theirs")
    their_purpose = newest(theirs).purposes.get()
    client = logged_in(client, dpo)
    assert client.get(url("purpose_edit", mine, their_purpose.pk)).status_code == 404
    assert client.post(url("purpose_remove", mine, their_purpose.pk)).status_code == 404
    assert Purpose.objects.filter(pk=their_purpose.pk).exists()

    html = logged_in(client, auditor).get(url("legal_basis", mine)).content.decode()
    assert "Prevent theft at the entrance" in html and "Add a purpose" not in html
    assert client.post(url("purpose_add", mine), purpose_post()).status_code == 403
    assert logged_in(client, handler).get(url("legal_basis", mine)).status_code == 404

"""Screening: the verdict from the answers and the camera register, the screening stored
with its snapshot, the assessment it starts pre-filled, and the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from compliance.models import Organisation, RetentionPolicy
from dpia.document import version_document
from dpia.models import Assessment, QuestionnaireTemplate, Screening, Verdict
from dpia.screening import register_facts, screening_verdict
from dpia.screening_questions import QUESTIONS
from dpia.services.common import DpiaError
from dpia.services.screening import screening_create, screening_start_assessment
from media_processing.models import Camera
from tests.support.dpia import newest
from tests.support.footage import events, logged_in, make_camera

pytestmark = pytest.mark.django_db

SQUARE = [[0.1, 0.1], [0.3, 0.1], [0.3, 0.3], [0.1, 0.3]]


def answers(**yes: str) -> dict[str, str]:
    """Every question answered no, except those given."""
    return {question.key: "no" for question in QUESTIONS} | yes


def verdict(cameras: list[Camera], **given: str) -> tuple[str, str]:
    found, reasons = screening_verdict(answers(**given), register_facts(cameras))
    return found, "\n".join(reasons)


# The verdict ------------------------------------------------------------------------------


def test_a_public_area_on_a_large_scale_requires_a_dpia() -> None:
    square = make_camera("Market square", zone_types=["public"])
    found, reasons = verdict([square], large_scale="yes")
    assert found == Verdict.REQUIRED
    assert "Art. 35(3)(c)" in reasons
    assert "the register shows Market square filming a public or customer area, and the processing" in reasons
    assert "Large scale: answered yes" in reasons


def test_constant_monitoring_of_employees_requires_a_dpia() -> None:
    warehouse = make_camera("Packing line", zone_types=["workplace"])
    found, reasons = verdict([warehouse], employee_monitoring="yes")
    assert found == Verdict.REQUIRED
    assert "Constant monitoring of employees' activity (answered yes" in reasons
    assert "Packing line filming a workplace" in reasons


def test_two_criteria_make_a_dpia_likely_and_the_reasons_name_them() -> None:
    found, reasons = verdict([], innovative="yes", matching="yes")
    assert found == Verdict.LIKELY
    assert "Innovative technology: answered yes" in reasons
    assert "Matching or combining data sets: answered yes" in reasons


def test_one_criterion_is_not_enough_and_the_verdict_says_to_record_it_and_screen_again() -> None:
    found, reasons = verdict([], innovative="yes")
    assert found == Verdict.NOT_REQUIRED
    assert "Innovative technology: answered yes" in reasons
    assert "Keep this screening as the record of why no DPIA is carried out" in reasons
    assert "screen again whenever the processing changes" in reasons


def test_nothing_met_is_not_required() -> None:
    found, reasons = verdict([make_camera(zone_types=[])])
    assert found == Verdict.NOT_REQUIRED
    assert "none of the nine EDPB criteria is met" in reasons


def test_the_register_answers_criteria_even_against_a_no() -> None:
    office = make_camera("Back office", zone_types=["workplace"], records_audio=True)
    found, reasons = verdict([office])
    assert found == Verdict.LIKELY
    assert (
        "Vulnerable people: the register shows Back office filming a workplace; this outweighs the answer no" in reasons
    )
    assert "Sensitive or highly personal data: the register shows Back office recording sound" in reasons


def test_not_sure_counts_towards_likely_but_never_towards_required() -> None:
    found, reasons = verdict([], innovative="yes", large_scale="unsure")
    assert found == Verdict.LIKELY
    assert "Large scale: answered “not sure”" in reasons
    found, reasons = verdict([], art35_public_monitoring="unsure")
    assert found == Verdict.LIKELY
    assert "settle it, as this case always needs a DPIA" in reasons


def test_biometric_identification_on_a_large_scale_is_special_category_data_on_a_large_scale() -> None:
    found, reasons = verdict([], biometric="yes", large_scale="yes")
    assert found == Verdict.REQUIRED
    assert "Art. 35(3)(b)" in reasons
    assert "Sensitive or highly personal data: you answered that biometric templates are made" in reasons


def test_register_facts_come_from_the_camera_rows() -> None:
    door = make_camera("Door", zone_types=["customer", "workplace"], privacy_masks=[SQUARE], anonymise_at_ingest=True)
    yard = make_camera("Yard", site="Depot", zone_types=["public"], records_audio=True, region_of_interest=SQUARE)
    facts = register_facts(Camera.objects.select_related("site").order_by("name"))
    assert facts["cameras"] == 2
    assert facts["sites"] == ["Depot", "Head office"]
    assert facts["zones"] == ["public", "customer", "workplace"]
    assert facts["audio"] is True
    assert facts["employees_in_view"] is True
    assert facts["masks"] is True  # every camera is masked or cropped
    assert facts["anonymise_at_ingest"] is False  # the yard is not
    door_row = next(row for row in facts["per_camera"] if row["id"] == door.pk)
    assert door_row | {"id": 0} == {
        "id": 0,
        "name": "Door",
        "site": "Head office",
        "zones": ["customer", "workplace"],
        "audio": False,
        "masks": 1,
        "region_of_interest": False,
        "anonymise_at_ingest": True,
        "purpose": "Deter theft at the entrance",
        "legal_basis": "legitimate_interests",
    }
    assert any(row["id"] == yard.pk and row["region_of_interest"] for row in facts["per_camera"])


# Storing a screening and starting its assessment ------------------------------------------


def test_a_screening_keeps_the_register_as_it_was_and_is_in_the_access_log(dpo: Any) -> None:
    camera = make_camera("Till", zone_types=["workplace"])
    screening = screening_create(
        actor=dpo, title=" Tills ", cameras=[camera], answers=answers(employee_monitoring="yes")
    )
    Camera.objects.filter(pk=camera.pk).update(zone_types=["customer"])
    screening.refresh_from_db()
    assert screening.title == "Tills"
    assert screening.verdict == Verdict.REQUIRED
    assert screening.register["zones"] == ["workplace"]
    assert list(screening.cameras.all()) == [camera]
    assert [event.actor_username for event in events("dpia.screening_create", screening)] == ["dora-dpo"]


def test_a_screening_needs_a_title(dpo: Any) -> None:
    with pytest.raises(DpiaError, match="Name the processing"):
        screening_create(actor=dpo, title="  ", cameras=[], answers=answers())


def started(dpo: Any, title: str = "Stores", **given: str) -> tuple[Screening, Assessment, dict[str, Any]]:
    """An assessment started from a screening of two cameras on two sites, the dock with its own policy."""
    Organisation.objects.filter(pk=Organisation.current().pk).update(name="Acme Retail", dpo_name="Dora Dee")
    if not Camera.objects.exists():
        make_camera("Entrance", zone_types=["customer"], privacy_masks=[SQUARE], anonymise_at_ingest=True)
        dock = make_camera("Dock", site="Depot", zone_types=["workplace"], records_audio=True, legal_basis="")
        RetentionPolicy.objects.create(category="raw_footage", camera=dock, period=7, action="delete")
    cameras = list(Camera.objects.all())
    screening = screening_create(actor=dpo, title=title, cameras=cameras, answers=answers(**given))
    assessment = screening_start_assessment(screening=screening, actor=dpo)
    return screening, assessment, version_document(newest(assessment))


def test_the_assessment_starts_with_a_map_of_the_five_stages_and_a_system_per_camera(dpo: Any) -> None:
    _screening, _assessment, document = started(dpo)
    stages = {stage["name"]: stage for stage in document["stages"]}
    assert list(stages) == ["Collection", "Storage", "Preprocessing", "Inference", "Output"]
    collection = stages["Collection"]["systems"]
    assert [system["name"] for system in collection] == ["Dock (Depot)", "Entrance (Head office)"]
    assert [system["location"] for system in collection] == ["device", "device"]
    assert "voice" in collection[0]["data_categories"]  # the dock records sound
    assert "voice" not in collection[1]["data_categories"]
    assert stages["Storage"]["systems"][0]["retention_days"] == 30  # the longest raw-footage period
    assert stages["Storage"]["systems"][0]["location"] == "on_premise"
    preprocessing = stages["Preprocessing"]["systems"][0]["safeguards"]
    assert "Location metadata" in preprocessing
    assert "Entrance: 1 privacy mask(s)" in preprocessing
    assert "Entrance: faces and plates blurred at ingestion" in preprocessing
    assert [system["name"] for system in stages["Output"]["systems"]] == ["DSAR answer packages", "Evidence clips"]
    inference = stages["Inference"]["systems"]
    assert all("biometric" not in system["data_categories"] for system in inference)


def test_biometric_identification_adds_a_matching_system_with_biometric_data(dpo: Any) -> None:
    _screening, _assessment, document = started(dpo, biometric="yes")
    inference = next(stage for stage in document["stages"] if stage["kind"] == "inference")
    matching = [system for system in inference["systems"] if "biometric" in system["data_categories"]]
    assert [system["name"] for system in matching] == ["Face matching (biometric identification)"]


def test_the_pre_filled_map_is_consistent_but_biometric_matching_needs_an_art9_condition(dpo: Any) -> None:
    from dpia.map_checks import map_findings, retention_limit_days

    _screening, assessment, document = started(dpo)
    assert map_findings(document, retention_limit_days=retention_limit_days(assessment)) == []
    _screening, assessment, document = started(dpo, biometric="yes", title="Faces")
    findings = map_findings(document, retention_limit_days=retention_limit_days(assessment))
    assert [finding.system for finding in findings] == ["Face matching (biometric identification)"]


def test_the_assessment_has_a_purpose_per_camera_and_the_suggested_risks(dpo: Any) -> None:
    _screening, _assessment, document = started(dpo)
    assert [(p["camera_name"], p["description"], p["art6_basis"]) for p in document["purposes"]] == [
        ("Dock", "Deter theft at the entrance", "legitimate_interests"),  # no basis in the register: the usual one
        ("Entrance", "Deter theft at the entrance", "legitimate_interests"),
    ]
    kinds = [risk["kind"] for risk in document["risks"]]
    assert kinds[:3] == ["illegitimate_access", "unwanted_modification", "disappearance"]
    assert all(risk["inherent_justification"] for risk in document["risks"])


def test_the_assessment_links_cameras_sites_and_the_policies_that_apply(dpo: Any) -> None:
    screening, assessment, _document = started(dpo)
    assert assessment.screening == screening
    assert assessment.title == "Stores"
    assert sorted(assessment.cameras.values_list("name", flat=True)) == ["Dock", "Entrance"]
    assert sorted(assessment.sites.values_list("name", flat=True)) == ["Depot", "Head office"]
    linked = {(policy.category, policy.camera.name if policy.camera else None, policy.period)
              for policy in assessment.retention_policies.all()}  # fmt: skip
    assert linked == {("raw_footage", None, 30), ("raw_footage", "Dock", 7), ("redacted_outputs", None, 30)}


def test_the_answers_the_register_gives_are_pre_filled(dpo: Any, settings: Any) -> None:
    settings.FACE_THRESHOLD = 0.35
    _screening, assessment, _document = started(dpo)
    given = newest(assessment).answers
    assert given["context_controller"] == "Acme Retail"
    assert given["context_dpo"] == "Dora Dee"
    assert "Stores: 2 camera(s) on Depot, Head office" in given["context_description"]
    assert "Dock (Depot): Workplace" in given["visual_zones"]
    assert "Entrance: 1 privacy mask(s), anonymised at ingestion" in given["visual_masks"]
    assert "Raw footage" in given["visual_retention"]
    assert given["visual_audio"] == "yes"
    assert given["model_threshold"] == 0.35
    assert "centerface" in given["model_name"]
    assert given["model_version"]
    questions = {q["key"] for section in newest(assessment).sections() for q in section.get("questions", [])}
    assert set(given) <= questions, "every pre-filled answer is a question of the template"


def test_a_second_start_is_refused(dpo: Any) -> None:
    screening, assessment, _document = started(dpo)
    with pytest.raises(DpiaError, match=assessment.reference):
        screening_start_assessment(screening=screening, actor=dpo)
    assert Assessment.objects.filter(screening=screening).count() == 1


def test_without_any_template_the_start_says_what_to_do(dpo: Any) -> None:
    QuestionnaireTemplate.objects.all().delete()
    screening = screening_create(actor=dpo, title="Stores", cameras=[], answers=answers())
    with pytest.raises(DpiaError, match="No questionnaire template"):
        screening_start_assessment(screening=screening, actor=dpo)


# Pages -----------------------------------------------------------------------------------


def form(**fields: Any) -> dict[str, Any]:
    return {"title": "Shop cameras", **answers(), **fields}


def test_the_form_asks_every_question_with_its_guidance(client: Any, dpo: Any) -> None:
    page = logged_in(client, dpo).get(reverse("dpia:screening_new")).content.decode()
    for question in QUESTIONS:
        assert str(question.label).replace("'", "&#x27;") in page
    assert "Art. 35(3)(c)" in page
    assert "<legend>" in page


def test_choosing_cameras_shows_what_the_register_answers(client: Any, dpo: Any) -> None:
    camera = make_camera("Lobby", zone_types=["public"])
    response = logged_in(client, dpo).post(
        reverse("dpia:screening_new"), {"title": "Lobby", "cameras": [camera.pk], "refresh": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Answered by the camera register:" in page
    assert "the register shows Lobby filming a public or customer area" in page
    assert 'name="systematic_monitoring" value="yes" required id="id_systematic_monitoring_0" checked' in page
    assert not Screening.objects.exists()


def test_screening_through_the_pages_then_starting_the_assessment(client: Any, dpo: Any) -> None:
    camera = make_camera("Lobby", zone_types=["public"])
    client = logged_in(client, dpo)
    response = client.post(reverse("dpia:screening_new"), form(cameras=[camera.pk], large_scale="yes"))
    screening = Screening.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dpia:screening", args=[screening.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Verdict: DPIA required" in page
    assert "Art. 35(3)(c)" in page
    assert "Start the DPIA from these answers" in page
    response = client.post(reverse("dpia:screening_start", args=[screening.pk]))
    assessment = Assessment.objects.get()
    assert response["Location"] == reverse("dpia:assessment", args=[assessment.reference])
    again = client.post(reverse("dpia:screening_start", args=[screening.pk]))
    assert again["Location"] == reverse("dpia:assessment", args=[assessment.reference])
    assert Assessment.objects.count() == 1
    page = client.get(reverse("dpia:screening", args=[screening.pk])).content.decode()
    assert assessment.reference in page
    assert "Start the DPIA from these answers" not in page
    listing = client.get(reverse("dpia:screenings")).content.decode()
    assert "Shop cameras" in listing and "DPIA required" in listing and assessment.reference in listing


def test_missing_answers_are_shown_not_saved(client: Any, dpo: Any) -> None:
    data = form()
    del data["large_scale"]
    response = logged_in(client, dpo).post(reverse("dpia:screening_new"), data)
    assert response.status_code == 200
    assert "Answer this question; choose “not sure” if you do not know yet." in response.content.decode()
    assert not Screening.objects.exists()


def test_a_start_refused_by_the_service_is_a_message(client: Any, dpo: Any) -> None:
    screening = screening_create(actor=dpo, title="Stores", cameras=[], answers=answers())
    QuestionnaireTemplate.objects.all().delete()
    response = logged_in(client, dpo).post(reverse("dpia:screening_start", args=[screening.pk]), follow=True)
    assert "No questionnaire template is installed" in response.content.decode()
    assert not Assessment.objects.exists()


def test_who_may_screen_and_see_screenings(client: Any, dpo: Any, auditor: Any, outsider: Any) -> None:
    screening = screening_create(actor=dpo, title="Stores", cameras=[], answers=answers())
    detail = reverse("dpia:screening", args=[screening.pk])
    start = reverse("dpia:screening_start", args=[screening.pk])
    assert logged_in(client, auditor).get(detail).status_code == 200
    assert "Start the DPIA from these answers" not in client.get(detail).content.decode()
    assert client.get(reverse("dpia:screening_new")).status_code == 403
    assert client.post(start).status_code == 403
    assert logged_in(client, outsider).get(detail).status_code == 404
    assert client.get(reverse("dpia:screenings")).status_code == 403
    assert logged_in(client, dpo).get(start).status_code == 405
    assert client.get(reverse("dpia:screening", args=[screening.pk + 1])).status_code == 404

"""The data-flow map: the SVG diagram, the inconsistency checks, and editing stages and
systems through the services and the pages."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.urls import reverse

from compliance.models import RetentionPolicy
from dpia.diagrams.flow import flow_svg
from dpia.map_checks import (
    BIOMETRIC_WITHOUT_ART9,
    RETENTION_OVER_POLICY,
    TRANSFER_WITHOUT_COUNTRY,
    TRANSFER_WITHOUT_SAFEGUARD,
    map_findings,
    retention_limit_days,
)
from dpia.models import AssessmentEvent, AssessmentVersion, FlowStage, FlowSystem
from dpia.services.assessments import version_start_next
from dpia.services.common import DpiaError
from dpia.services.flowmap import (
    flow_stage_add,
    flow_stage_move,
    flow_stage_remove,
    flow_stage_update,
    flow_system_add,
    flow_system_remove,
    flow_system_update,
)
from tests.support.dpia import DOCUMENT, make_assessment, newest
from tests.support.footage import logged_in, make_camera

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The picture as XML; parsing fails unless it is well-formed, as WeasyPrint needs."""
    return ET.fromstring(svg)  # noqa: S314 - the app's own output, not untrusted input


def texts(svg: str) -> list[str]:
    """The text lines of the picture, as a reader (or a PDF's text layer) gets them."""
    return [node.text or "" for node in parse(svg).iter(f"{SVG}text")]


def words(svg: str) -> str:
    """All the text of the picture, with wrapped lines joined again."""
    return " ".join(texts(svg))


def system(name: str = "Server", **fields: Any) -> dict[str, Any]:
    return {"name": name, "data_categories": ["images"], "location": "on_premise", **fields}


def document(*systems: dict[str, Any], purposes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "stages": [{"kind": "storage", "name": "Storage", "systems": list(systems)}],
        "purposes": purposes if purposes is not None else [{"description": "Theft", "art6_basis": "consent"}],
    }


def codes(doc: dict[str, Any], limit: int | None = None) -> list[str]:
    return [finding.code for finding in map_findings(doc, retention_limit_days=limit)]


# The diagram ----------------------------------------------------------------------------


def test_the_diagram_draws_every_stage_and_system_as_plain_accessible_svg() -> None:
    svg = str(flow_svg(DOCUMENT))
    root = parse(svg)
    lines = texts(svg)
    assert "Collection" in lines and "Storage" in lines
    assert "Entrance camera" in lines and "Obscura server" in lines
    assert "Retention: 30 days" in lines
    assert lines.index("Collection") < lines.index("Storage")  # left to right, in order
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert root.find(f"{SVG}title").get("id") == title_id  # type: ignore[union-attr]
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.get("id") == desc_id
    assert "Collection (1 system: Entrance camera)" in (desc.text or "")
    assert root.get("width") and root.get("height") and root.get("viewBox")
    # Nothing a PDF renderer or the page's CSP would drop.
    for banned in ("<script", "class=", "style=", "foreignObject", "onload"):
        assert banned not in svg


def test_a_third_country_is_marked_with_its_country_and_transfer() -> None:
    svg = str(flow_svg(document(system("Cloud analytics", location="third_country", country="United States"))))
    lines = texts(svg)
    assert "Third country: United States" in lines
    assert "Transfer: no transfer safeguard" in lines
    text = words(str(flow_svg(document(system("Cloud", location="third_country", transfer_safeguard="scc")))))
    assert "Third country: country not named" in text
    assert "Transfer: Standard contractual clauses" in text
    assert "Location: On premise" in texts(str(flow_svg(document(system()))))


def test_biometric_data_is_marked_by_a_label_and_a_hatched_band_not_colour_alone() -> None:
    svg = str(flow_svg(document(system("Face matcher", data_categories=["faces", "biometric"]))))
    assert any(line.startswith("Special category (Art. 9)") for line in texts(svg))
    root = parse(svg)
    pattern = root.find(f"{SVG}defs/{SVG}pattern")
    assert pattern is not None
    assert any(rect.get("fill") == f"url(#{pattern.get('id')})" for rect in root.iter(f"{SVG}rect"))
    plain = str(flow_svg(document(system("Camera", data_categories=["faces"]))))
    assert "Special category" not in plain and "url(#" not in plain


def test_names_are_escaped_and_long_texts_wrapped() -> None:
    hostile = "<script>alert('x')</script> & co"
    long_access = "Security officers of the head office " * 10
    doc = {"stages": [{"kind": "other", "name": hostile, "systems": [system(hostile, access=long_access)]}]}
    svg = str(flow_svg(doc))
    assert "<script" not in svg
    lines = texts(svg)
    assert hostile in " ".join(lines)  # the text itself survives, as text
    access = [line for line in lines if "officers" in line or "Security" in line]
    assert 1 < len(access) <= 3 and access[-1].endswith("…")


def test_an_empty_map_is_a_friendly_picture() -> None:
    svg = str(flow_svg({"stages": []}))
    assert "The data-flow map has no stages yet." in texts(svg)
    assert parse(svg).get("role") == "img"


def test_eight_stages_with_several_systems_each_all_appear() -> None:
    stages = [
        {"kind": "other", "name": f"Stage name {n}", "systems": [system(f"System {n}.{i}") for i in range(3)]}
        for n in range(8)
    ]
    svg = str(flow_svg({"stages": stages}))
    lines = texts(svg)
    assert all(f"Stage name {n}" in lines and f"System {n}.2" in lines for n in range(8))
    assert int(parse(svg).get("width", "0")) > int(parse(str(flow_svg(DOCUMENT))).get("width", "0"))


# The checks -----------------------------------------------------------------------------


def test_biometric_data_needs_an_art9_condition_in_some_purpose() -> None:
    matcher = system("Face matcher", data_categories=["biometric"])
    findings = map_findings(document(matcher), retention_limit_days=None)
    assert [(f.code, f.stage, f.system) for f in findings] == [(BIOMETRIC_WITHOUT_ART9, "Storage", "Face matcher")]
    assert "Art. 9(2) condition" in findings[0].message
    purposes = [{"description": "Find banned people", "art6_basis": "public_task", "art9_condition": "g"}]
    assert codes(document(matcher, purposes=purposes)) == []
    assert codes(document(system("Camera", data_categories=["faces"]))) == []


def test_a_third_country_needs_a_transfer_safeguard_and_a_country() -> None:
    assert codes(document(system(location="third_country"))) == [TRANSFER_WITHOUT_SAFEGUARD, TRANSFER_WITHOUT_COUNTRY]
    assert codes(document(system(location="third_country", country="Japan"))) == [TRANSFER_WITHOUT_SAFEGUARD]
    assert codes(document(system(location="third_country", country="Japan", transfer_safeguard="adequacy"))) == []
    assert codes(document(system(location="cloud"))) == []


def test_retention_longer_than_the_policy_is_flagged() -> None:
    findings = map_findings(document(system("Archive", retention_days=45)), retention_limit_days=30)
    assert [f.code for f in findings] == [RETENTION_OVER_POLICY]
    assert "45 days" in findings[0].message and "30 days" in findings[0].message
    assert codes(document(system(retention_days=30)), limit=30) == []
    assert codes(document(system(retention_days=400)), limit=None) == []  # no limit configured
    assert codes(document(system(retention_days=None)), limit=30) == []
    assert codes(document(system(retention_days=400, data_categories=["anonymised"])), limit=30) == []


def test_the_retention_limit_comes_from_the_linked_policies_else_the_cameras_footage_policy() -> None:
    entrance, yard = make_camera("Entrance"), make_camera("Yard")
    assessment = make_assessment(cameras=[entrance, yard])
    assert retention_limit_days(assessment) == 30  # the default raw-footage policy
    RetentionPolicy.objects.create(category="raw_footage", camera=yard, period=60, unit="days", action="delete")
    assert retention_limit_days(assessment) == 60  # the yard's override is the longest
    assert retention_limit_days(make_assessment()) == 30  # no camera: the default

    short = RetentionPolicy.objects.create(
        category="raw_footage", camera=entrance, period=36, unit="hours", action="delete"
    )
    assessment.retention_policies.set([short])
    assert retention_limit_days(assessment) == 2  # 36 hours round up to 2 days
    kept = RetentionPolicy.objects.get(category="access_log", camera=None)  # "keep": no limit
    assessment.retention_policies.add(kept)
    assert retention_limit_days(assessment) is None


# Services ---------------------------------------------------------------------------------


def stage_names(version: AssessmentVersion) -> list[str]:
    return list(version.stages.order_by("order", "id").values_list("name", flat=True))


def test_the_services_edit_the_map_and_write_the_history(dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    version = newest(assessment)
    inference = flow_stage_add(version=version, actor=dpo, kind="inference", name="  Person   detection ")
    assert stage_names(version) == ["Collection", "Storage", "Person detection"]
    flow_stage_move(stage=inference, actor=dpo, direction="up")
    assert stage_names(version) == ["Collection", "Person detection", "Storage"]
    with pytest.raises(DpiaError, match="already the first"):
        flow_stage_move(stage=FlowStage.objects.get(version=version, name="Collection"), actor=dpo, direction="up")
    flow_stage_update(stage=inference, actor=dpo, kind="preprocessing", name="Blurring")
    assert FlowStage.objects.get(pk=inference.pk).get_kind_display() == "Preprocessing"

    blur = flow_system_add(
        stage=inference,
        actor=dpo,
        name="Blur worker",
        location="cloud",
        data_categories=["faces", "images", "faces"],
        country="ignored",
        transfer_safeguard="scc",
        retention_days=0,
    )
    assert blur.data_categories == ["images", "faces"]  # no duplicates, in the vocabulary's order
    assert (blur.country, blur.transfer_safeguard) == ("", "")  # only a third country has a transfer
    flow_system_update(system=blur, actor=dpo, name="Blur worker", location="third_country", country="India")
    assert FlowSystem.objects.get(pk=blur.pk).country == "India"
    with pytest.raises(DpiaError, match="Unknown data categories: dna"):
        flow_system_update(system=blur, actor=dpo, name="Blur worker", location="device", data_categories=["dna"])
    flow_system_remove(system=blur, actor=dpo)
    flow_stage_remove(stage=inference, actor=dpo)
    assert stage_names(version) == ["Collection", "Storage"]

    actions = list(AssessmentEvent.objects.filter(assessment=assessment).values_list("action", "role"))
    assert ("flow_stage_add", "author") in actions and ("flow_stage_remove", "author") in actions
    assert len([a for a, _ in actions if a.startswith("flow_")]) == 7  # not the refused one


def test_a_submitted_version_is_not_changed(dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    version = newest(assessment)
    stage = version.stages.get(name="Storage")
    AssessmentVersion.objects.filter(pk=version.pk).update(status="submitted")
    with pytest.raises(DpiaError, match="can no longer be changed"):
        flow_stage_add(version=version, actor=dpo, kind="output", name="Reports")
    with pytest.raises(DpiaError):
        flow_stage_update(stage=stage, actor=dpo, kind="storage", name="Vault")
    with pytest.raises(DpiaError):
        flow_system_remove(system=stage.systems.get(), actor=dpo)
    assert stage_names(version) == ["Collection", "Storage"] and stage.systems.count() == 1


# Pages ------------------------------------------------------------------------------------


def url(name: str, assessment: Any, *args: Any) -> str:
    return reverse(f"dpia:{name}", args=[assessment.reference, *args])


def system_post(stage: FlowStage, **fields: Any) -> dict[str, Any]:
    data = {
        "name": "Analytics cloud",
        "location": "third_country",
        "country": "",
        "transfer_safeguard": "",
        "retention_days": "",
        "access": "",
        "safeguards": "",
        "data_categories": ["images"],
    } | fields
    return {f"stage-{stage.pk}-{key}": value for key, value in data.items()}


def test_the_map_page_shows_the_diagram_findings_and_stages(client: Any, dpo: Any) -> None:
    doc = copy.deepcopy(DOCUMENT)
    doc["stages"][1]["systems"][0]["retention_days"] = 90  # the default policy keeps footage 30 days
    assessment = make_assessment(actor=dpo, document=doc)
    html = logged_in(client, dpo).get(url("flow_map", assessment)).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert "1 inconsistency to resolve" in html
    assert "keeps data for 90 days, longer than the configured retention policy (30 days)" in html
    assert "Retention is checked against the configured policy: 30 days." in html
    assert "Add a stage" in html and "Add a system to “Storage”" in html
    assert 'type="checkbox" name="stage-' in html  # data categories as labelled checkboxes


def test_adding_renaming_moving_and_removing_through_the_pages(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    client = logged_in(client, dpo)
    response = client.post(url("flow_stage_add", assessment), {"kind": "output", "name": "Incident reports"})
    assert response.status_code == 302
    html = client.get(url("flow_map", assessment)).content.decode()
    assert "Stage “Incident reports” added." in html and "Incident reports</text>" in html

    stage = FlowStage.objects.get(name="Incident reports")
    assert "Incident reports" in client.get(url("flow_stage_edit", assessment, stage.pk)).content.decode()
    client.post(url("flow_stage_edit", assessment, stage.pk), {"kind": "output", "name": "Reports"})
    client.post(url("flow_stage_move", assessment, stage.pk), {"direction": "up"})
    assert stage_names(newest(assessment)) == ["Collection", "Reports", "Storage"]

    client.post(url("flow_system_add", assessment, stage.pk), system_post(stage))
    html = client.get(url("flow_map", assessment)).content.decode()
    assert "Third country: country not" in html  # in the diagram
    assert "sends personal data to a third country without a transfer safeguard" in html  # in the findings

    added = FlowSystem.objects.get(name="Analytics cloud")
    edit = {
        "name": "Analytics",
        "location": "third_country",
        "country": "Canada",
        "transfer_safeguard": "adequacy",
        "data_categories": ["detections"],
        "retention_days": "7",
    }
    client.post(url("flow_system_edit", assessment, added.pk), edit)
    html = client.get(url("flow_map", assessment)).content.decode()
    assert "Third country: Canada" in html and "No inconsistencies found" in html

    client.post(url("flow_system_remove", assessment, added.pk))
    client.post(url("flow_stage_remove", assessment, stage.pk))
    assert stage_names(newest(assessment)) == ["Collection", "Storage"]
    assert not FlowSystem.objects.filter(name="Analytics").exists()


def test_invalid_input_is_shown_again_with_its_errors(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    client = logged_in(client, dpo)
    response = client.post(url("flow_stage_add", assessment), {"kind": "output", "name": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    stage = FlowStage.objects.get(name="Storage")
    response = client.post(url("flow_system_add", assessment, stage.pk), system_post(stage, retention_days="-3"))
    html = response.content.decode()
    assert response.status_code == 200 and "greater than or equal to 0" in html and "<details open>" in html
    response = client.post(url("flow_stage_move", assessment, stage.pk), {"direction": "down"}, follow=True)
    assert "This stage is already the last." in response.content.decode()


def test_a_submitted_version_is_shown_read_only_and_refuses_changes(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    AssessmentVersion.objects.filter(assessment=assessment).update(status="submitted")
    client = logged_in(client, dpo)
    html = client.get(url("flow_map", assessment)).content.decode()
    assert "Add a stage" not in html and "Obscura server" in html
    response = client.post(url("flow_stage_add", assessment), {"kind": "output", "name": "Reports"}, follow=True)
    assert "can no longer be changed" in response.content.decode()
    stage = FlowStage.objects.get(name="Storage")
    response = client.get(url("flow_stage_edit", assessment, stage.pk), follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert stage_names(newest(assessment)) == ["Collection", "Storage"]


def test_rows_of_another_assessment_or_an_older_version_answer_404(client: Any, dpo: Any) -> None:
    mine, theirs = make_assessment("Mine", actor=dpo), make_assessment("Theirs", actor=dpo)
    their_stage = FlowStage.objects.get(version__assessment=theirs, name="Storage")
    their_system = their_stage.systems.get()
    client = logged_in(client, dpo)
    assert client.get(url("flow_stage_edit", mine, their_stage.pk)).status_code == 404
    assert client.post(url("flow_stage_remove", mine, their_stage.pk)).status_code == 404
    assert client.post(url("flow_system_add", mine, their_stage.pk), system_post(their_stage)).status_code == 404
    assert client.post(url("flow_system_remove", mine, their_system.pk)).status_code == 404
    assert FlowStage.objects.filter(pk=their_stage.pk).exists()

    old = newest(mine)
    AssessmentVersion.objects.filter(pk=old.pk).update(status="approved")
    version_start_next(assessment=mine, actor=dpo)
    old_stage = old.stages.get(name="Storage")
    assert client.post(url("flow_stage_remove", mine, old_stage.pk)).status_code == 404
    assert client.get(url("flow_stage_edit", mine, newest(mine).stages.get(name="Storage").pk)).status_code == 200


def test_who_may_see_and_change_the_map(client: Any, auditor: Any, handler: Any) -> None:
    assessment = make_assessment()
    html = logged_in(client, auditor).get(url("flow_map", assessment)).content.decode()
    assert "Obscura server" in html and "Add a stage" not in html and "Remove" not in html
    assert client.post(url("flow_stage_add", assessment), {"kind": "output", "name": "X"}).status_code == 403
    assert logged_in(client, handler).get(url("flow_map", assessment)).status_code == 404

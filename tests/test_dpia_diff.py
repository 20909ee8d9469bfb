"""What changed between two versions: the differences in words, grouped by part of the
assessment, long texts word by word and always escaped; and the diff page."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.urls import reverse

from dpia.diff import SEP, document_diff, grouped, inline_diff
from dpia.document import version_document
from dpia.services.assessments import version_start_next
from dpia.services.decisions import version_reject
from dpia.services.flowmap import flow_stage_add
from tests.support.dpia import make_assessment, newest
from tests.support.dpia_workflow import submitted
from tests.support.footage import logged_in

pytestmark = pytest.mark.django_db

TEMPLATE = {
    "sections": [
        {
            "key": "context",
            "title": "Context",
            "questions": [
                {"key": "description", "label": "Describe the processing", "type": "textarea"},
                {
                    "key": "subjects",
                    "label": "Who is filmed",
                    "type": "multichoice",
                    "choices": [{"value": "staff", "label": "Employees"}, {"value": "public", "label": "Passers-by"}],
                },
            ],
        }
    ]
}
BASE: dict[str, Any] = {
    "title": "Shop cameras",
    "status": "draft",
    "template": TEMPLATE,
    "scale": "four",
    "answers": {
        "description": "Two cameras film the entrance of the shop during opening hours.",
        "subjects": ["staff"],
    },
    "stages": [
        {
            "kind": "collection",
            "name": "Collection",
            "systems": [{"name": "Entrance camera", "data_categories": ["images"], "location": "device"}],
        }
    ],
    "purposes": [{"description": "Prevent theft", "art6_basis": "legitimate_interests"}],
    "measures": [{"title": "Blur faces", "status": "in_place"}],
    "risks": [
        {
            "title": "Leak",
            "kind": "illegitimate_access",
            "inherent_severity": 3,
            "inherent_likelihood": 2,
            "measures": [0],
        }
    ],
    "evaluations": [],
    "validation": {"dpo_opinion": "", "data_subject_views": "", "attestations": [], "decision_reason": ""},
}


def changed(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(BASE)
    document.update(changes)
    return document


def one(old: dict[str, Any], new: dict[str, Any]) -> Any:
    [change] = document_diff(old, new)
    return change


def test_the_same_document_has_no_differences() -> None:
    assert document_diff(BASE, copy.deepcopy(BASE)) == []


def test_answers_by_question_label_under_their_section_with_choice_labels() -> None:
    change = one(BASE, changed(answers={**BASE["answers"], "subjects": ["staff", "public"]}))
    assert (change.group, change.label, change.kind) == ("Context", "Who is filmed", "changed")
    assert (change.old, change.new) == ("Employees", "Employees, Passers-by")


def test_long_texts_are_shown_word_by_word_and_escaped() -> None:
    text = "Two cameras film the entrance of the <b>shop</b> during opening hours, and the car park at night."
    change = one(BASE, changed(answers={**BASE["answers"], "description": text}))
    assert change.inline is not None
    html = str(change.inline)
    assert "<del>" in html and "<ins>" in html
    assert "&lt;b&gt;shop&lt;/b&gt;" in html and "<b>" not in html
    assert "car park at night." in html


def test_inline_diff_marks_each_change_for_screen_readers() -> None:
    html = str(inline_diff("keep for 30 days", "keep for 7 days <script>"))
    assert '<del><span class="visually-hidden">[removed:] </span>30</del>' in html
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_map_changes_name_the_stage_the_system_and_the_field() -> None:
    stages = copy.deepcopy(BASE["stages"])
    stages[0]["systems"][0]["location"] = "third_country"
    stages.append({"kind": "storage", "name": "Cloud archive", "systems": [{"name": "Bucket", "location": "cloud"}]})
    changes = document_diff(BASE, changed(stages=stages))
    labels = {(change.label, change.kind, change.old, change.new) for change in changes}
    assert (f"Stage “Collection”{SEP}Entrance camera: location", "changed", "On the device", "Third country") in labels
    assert ("Stage “Cloud archive”", "added", "", "Storage; Bucket") in labels
    assert {change.group for change in changes} == {"Data-flow map"}


def test_a_stage_renamed_in_place_reads_as_changed() -> None:
    stages = copy.deepcopy(BASE["stages"])
    stages[0]["name"] = "Capture"
    change = one(BASE, changed(stages=stages))
    assert (change.kind, change.old, change.new) == ("changed", "Collection", "Capture")


def test_purposes_risks_measures_and_validation_in_words() -> None:
    risks = copy.deepcopy(BASE["risks"])
    risks[0]["inherent_severity"] = 4
    new = changed(
        purposes=[{"description": "Prevent theft", "art6_basis": "consent"}],
        risks=risks,
        measures=[{"title": "Blur faces", "status": "planned", "owner": "IT"}],
        validation={**BASE["validation"], "decision_reason": "Too broad."},
    )
    changes = {
        change.group: change for change in document_diff(BASE, new) if change.group != "Measures and action plan"
    }
    purpose = changes["Purposes and legal basis"]
    assert "Legitimate interests" in purpose.old and "Consent" in purpose.new
    assert (changes["Risks"].old, changes["Risks"].new) == ("3 (Significant)", "4 (Maximum)")
    assert changes["Validation"].new == "Too broad." and changes["Validation"].kind == "added"
    measures = [change for change in document_diff(BASE, new) if change.group == "Measures and action plan"]
    assert {(change.old, change.new) for change in measures} == {("In place", "Planned"), ("", "IT")}


def test_removed_items_and_grouping_in_reading_order() -> None:
    changes = document_diff(BASE, changed(risks=[], purposes=[], title="Shop and car park"))
    assert [group for group, _items in grouped(changes)] == ["Version", "Purposes and legal basis", "Risks"]
    assert all(change.kind in ("removed", "changed") for change in changes)


def two_versions(dpo: Any) -> Any:
    assessment = submitted(dpo)
    version_reject(version=newest(assessment), actor=dpo, reason="Add the output stage.")
    second = version_start_next(assessment=assessment, actor=dpo)
    flow_stage_add(version=second, actor=dpo, kind="output", name="Police hand-over")
    return assessment


def test_diff_page_shows_what_changed_between_two_versions(client: Any, dpo: Any) -> None:
    assessment = two_versions(dpo)
    url = reverse("dpia:version_diff", args=[assessment.reference])
    page = logged_in(client, dpo).get(url, {"a": 1, "b": 2}).content.decode()
    assert "From version 1 to version 2" in page
    assert "Stage “Police hand-over”" in page
    assert "Rejected" in page and "Draft" in page  # the status changed too
    assert "Add the output stage." in page  # v1's reasons, gone from v2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "Choose two versions to compare."),
        ({"a": "1"}, "Choose two versions to compare."),
        ({"a": "one", "b": "2"}, "Version numbers are whole numbers"),
        ({"a": "1", "b": "9"}, "This assessment has no version 9."),
    ],
)
def test_diff_page_explains_a_bad_choice(client: Any, dpo: Any, query: dict[str, str], message: str) -> None:
    assessment = two_versions(dpo)
    response = logged_in(client, dpo).get(reverse("dpia:version_diff", args=[assessment.reference]), query)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_versions_page_links_each_version_and_offers_the_comparison(client: Any, dpo: Any, auditor: Any) -> None:
    assessment = two_versions(dpo)
    page = logged_in(client, auditor).get(reverse("dpia:versions", args=[assessment.reference])).content.decode()
    assert reverse("dpia:version", args=[assessment.reference, 1]) in page
    assert reverse("dpia:version", args=[assessment.reference, 2]) in page
    assert "Show the differences" in page


def test_version_page_shows_a_frozen_version_as_decided(client: Any, dpo: Any) -> None:
    assessment = two_versions(dpo)
    first = assessment.versions.get(number=1)
    url = reverse("dpia:version", args=[assessment.reference, 1])
    page = logged_in(client, dpo).get(url).content.decode()
    assert "A frozen version" in page and "Add the output stage." in page
    assert "Police hand-over" not in page  # added to version 2 only
    for section in first.sections():
        assert section["title"] in page
    for stage in version_document(first)["stages"]:
        assert stage["name"] in page
    assert client.get(reverse("dpia:version", args=[assessment.reference, 5])).status_code == 404


def test_version_page_of_an_assessment_without_content(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo, document={})
    page = logged_in(client, dpo).get(reverse("dpia:version", args=[assessment.reference, 1]))
    assert page.status_code == 200
    assert "No risk assessed." in page.content.decode()

"""An assessment leaving and entering Obscura: the JSON export and import (a round trip
gives the same document; a wrong file is refused with a message), and the PDF report
read back with pypdf."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from dpia.document import version_document
from dpia.models import Assessment
from dpia.services.transfer import MAX_IMPORT_BYTES
from tests.support.dpia import make_assessment, newest
from tests.support.dpia_workflow import answer_required, approved
from tests.support.footage import logged_in, make_camera

pytestmark = pytest.mark.django_db


def exported(client: Any, assessment: Assessment, **query: Any) -> Any:
    response = client.get(reverse("dpia:export_json", args=[assessment.reference]), query)
    assert response.status_code == 200
    return response


def upload(client: Any, content: bytes, name: str = "assessment.json") -> Any:
    return client.post(reverse("dpia:import"), {"file": SimpleUploadedFile(name, content, "application/json")})


def test_export_then_import_gives_the_same_document(client: Any, dpo: Any) -> None:
    camera = make_camera("Entrance", site="Shop")
    assessment = make_assessment(actor=dpo, cameras=[camera], sites=[camera.site])
    answer_required(newest(assessment), actor=dpo)
    response = exported(logged_in(client, dpo), assessment)
    assert response["Content-Disposition"] == f'attachment; filename="{assessment.reference}-v1.json"'
    assert response.content.decode().startswith('{\n  "format": "obscura-dpia"')

    imported = upload(client, response.content, name=f"{assessment.reference}-v1.json")
    copy = Assessment.objects.exclude(pk=assessment.pk).get()
    assert imported.status_code == 302 and imported["Location"] == reverse("dpia:assessment", args=[copy.reference])
    before, after = version_document(newest(assessment)), version_document(newest(copy))
    assert after["reference"] == copy.reference != before["reference"]
    assert {key: value for key, value in after.items() if key != "reference"} == {
        key: value for key, value in before.items() if key != "reference"
    }
    assert list(copy.cameras.all()) == [camera] and list(copy.sites.all()) == [camera.site]
    history = copy.events.values_list("action", "summary")
    assert any(action == "import" and assessment.reference in summary for action, summary in history)


def test_import_of_a_decided_version_starts_a_fresh_draft(client: Any, dpo: Any, admin_role: Any) -> None:
    assessment = approved(dpo, admin_role)
    content = exported(logged_in(client, dpo), assessment, version=1).content
    assert json.loads(content)["status"] == "approved"
    upload(client, content)
    document = version_document(newest(Assessment.objects.exclude(pk=assessment.pk).get()))
    assert document["status"] == "draft" and document["evaluations"] == []
    assert (
        document["validation"]["attestations"] == []
        and document["stages"] == version_document(newest(assessment))["stages"]
    )


def test_import_names_cameras_and_sites_it_does_not_know(client: Any, dpo: Any) -> None:
    document = version_document(newest(make_assessment(actor=dpo)))
    document.update(cameras=["Loading bay"], sites=["Warehouse"])
    response = upload(logged_in(client, dpo), json.dumps(document).encode())
    page = client.get(response["Location"]).content.decode()
    assert "not known here and were not linked: Loading bay" in page
    assert "Warehouse" in page


def broken(document: dict[str, Any], **changes: Any) -> bytes:
    return json.dumps({**document, **changes}).encode()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda doc: b'{"format": "obscura-dpia", ', "not valid JSON (line 1"),
        (lambda doc: "caf\xe9".encode("latin-1"), "not a text file in UTF-8"),
        (lambda doc: broken(doc, format="something-else"), "not an Obscura impact assessment export"),
        (lambda doc: json.dumps([1, 2]).encode(), "not an Obscura impact assessment export"),
        (lambda doc: broken(doc, format_version=2), "format version 2; this Obscura reads format version 1"),
        (lambda doc: broken(doc, title=""), "It has no title."),
        (lambda doc: broken(doc, template={"sections": []}), "Questionnaire:"),
        (
            lambda doc: broken(
                doc, stages=[{"kind": "collection", "name": "C", "systems": [{"name": "X", "location": "moon"}]}]
            ),
            "Stage 1, system 1, location:",
        ),
        (lambda doc: broken(doc, risks=[{"kind": "bias", "title": "Bias"}]), "Risk 1, justification before measures:"),
        (
            lambda doc: broken(doc, measures=[{"title": "M", "status": "planned", "due_date": "31/12/2026"}]),
            "Measure 1, due date:",
        ),
        (lambda doc: broken(doc, stages="all of them"), "“stages” must be a list."),
    ],
)
def test_a_wrong_file_is_refused_with_a_message(client: Any, dpo: Any, make: Any, message: str) -> None:
    document = version_document(newest(make_assessment(actor=dpo)))
    response = upload(logged_in(client, dpo), make(document))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Assessment.objects.count() == 1


def test_a_file_over_five_megabytes_is_refused_unread(client: Any, dpo: Any) -> None:
    response = upload(logged_in(client, dpo), b" " * (MAX_IMPORT_BYTES + 1))
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()


def test_import_needs_the_edit_permission(client: Any, auditor: Any, dpo: Any) -> None:
    assert logged_in(client, auditor).get(reverse("dpia:import")).status_code == 403
    page = logged_in(client, dpo).get(reverse("dpia:import")).content.decode()
    assert 'type="file"' in page and "Exported assessment (JSON)" in page


def pdf_text(response: Any) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def words(value: str) -> str:
    return " ".join(value.split())


def test_report_of_a_draft_has_every_section_the_map_and_draft_on_each_page(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    response = logged_in(client, dpo).get(reverse("dpia:report_pdf", args=[assessment.reference]))
    assert response["Content-Disposition"] == f'attachment; filename="{assessment.reference}-v1.pdf"'
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert len(pages) > 1 and all("DRAFT" in page for page in pages)
    text = " ".join(pages)
    version = newest(assessment)
    for section in version.sections():
        assert words(section["title"]) in text
    for stage in version_document(version)["stages"]:
        assert stage["name"] in text
    # The diagram's own text (pypdf reads text inside drawn figures in layout mode only).
    drawn = " ".join(page.extract_text(extraction_mode="layout") for page in reader.pages)
    assert "Stage 1 · Collection" in drawn and "Data: Images of people, Faces" in drawn
    assert "Blur faces at ingestion" in text and "Someone without a need watches the footage" in text
    assert "EU AI Act" in text and "Not decided yet." in text


def test_report_of_an_approved_version_shows_the_sign_off(client: Any, dpo: Any, admin_role: Any, auditor: Any) -> None:
    assessment = approved(dpo, admin_role)
    text = pdf_text(
        logged_in(client, auditor).get(reverse("dpia:report_pdf", args=[assessment.reference]), {"version": 1})
    )
    assert "DRAFT" not in text
    assert "Approved" in text and "dora-dpo" in text and "Proportionate." in text
    assert "I have read the whole assessment" in text
    assert "Acceptable — Checked." in text  # the evaluations


def test_report_and_export_of_an_unknown_version_are_not_found(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    logged_in(client, dpo)
    for name in ("dpia:report_pdf", "dpia:export_json"):
        for version in ("2", "x"):
            assert client.get(reverse(name, args=[assessment.reference]), {"version": version}).status_code == 404

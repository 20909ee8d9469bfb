"""An impact assessment in a real browser, from screening to sign-off and the living review.

The DPO screens the entrance cameras, starts the DPIA the verdict asks for, completes the
questionnaire, adds a stage to the data-flow map and submits; an administrator evaluates
each section; the DPO gives the opinion, signs off and downloads the PDF, whose text holds
every section and the stage names of the diagram. A second version shows the diff. Then
the DPO lengthens the raw-footage retention on the Retention page, and the assessment is
flagged for review with that difference named.

A screenshot of each step goes to tmp_path, and with OBSCURA_DOC_SCREENSHOTS=1 also to
docs/images/dpia/, where docs/dpia.md shows them:

    OBSCURA_DOC_SCREENSHOTS=1 pytest tests/browser/test_dpia_walkthrough.py
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from playwright.sync_api import Page, ViewportSize, expect
from pypdf import PdfReader

from compliance.models import RetentionCategory, RetentionPolicy
from dpia.models import Assessment, VersionStatus
from tests.browser.conftest import Login, Screenshots, watch_for_errors
from tests.support.footage import make_camera

DOCS = Path(__file__).resolve().parents[2] / "docs" / "images" / "dpia"
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(300),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The questions the default template requires that the screening cannot answer.
ANSWERS = {
    "context": {"Controller": "Corner Shop Ltd, 12 Market Street"},
    "principles": {
        "Purposes": "Deter theft at the entrance and the till; evidence for the police after an incident.",
        "Data minimisation": "Two cameras only, the street masked, no audio, faces blurred before any analysis.",
        "Storage durations and their justification": "Raw footage 7 days: incidents are reported within days.",
        "Right of access": "Requests are logged in Obscura; third parties are blurred in the copy given.",
    },
    "visual_ai": {"Human review step": "A handler checks every redacted clip before it leaves."},
    "risks": {
        "Measures in place or planned, in summary": "Personal accounts, raw views logged, blur at ingest.",
        "How incidents are detected and handled": "The access log is verified daily; breaches go to the DPO.",
    },
}
YES_NO = {
    "principles": ("Is a warning sign placed where people can read it before entering each", "Yes"),
    "validation": ("Were the people concerned, or their representatives, asked for their v", "Yes"),
}
SECTIONS = ("Context", "Fundamental principles", "Cameras and visual AI", "Risks", "Validation")


def answer_section(page: Page, reference: str, section: str) -> None:
    page.goto(f"/dpia/{reference}/questionnaire/{section}/")
    for label, text in ANSWERS.get(section, {}).items():
        page.get_by_label(re.compile(f"^{re.escape(label)}")).fill(text)
    if section in YES_NO:
        legend, choice = YES_NO[section]
        page.get_by_role("group", name=legend).get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", level=2).first).to_be_visible()


def pdf_text(data: bytes) -> str:
    # The diagram's words are drawn inside SVG; the layout mode reads them too.
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text(extraction_mode="layout") for page in reader.pages)


def first_page_picture(data: bytes, path: Path) -> None:
    document = pypdfium2.PdfDocument(data)
    try:
        document[0].render(scale=1.5).to_pil().save(path)
    finally:
        document.close()


def test_a_dpo_screens_fills_submits_signs_off_and_sees_the_assessment_flagged(
    page: Page, login: Login, dpo: Any, admin_role: Any, tmp_path: Path, browser: Any, live_server: Any
) -> None:
    make_camera("Entrance", site="Corner shop", zone_types=["public", "customer"])
    make_camera("Till", site="Corner shop", zone_types=["customer", "workplace"], privacy_masks=[])
    problems = watch_for_errors(page)
    page.set_viewport_size(VIEWPORT)
    screenshots = Screenshots(tmp_path, DOCS)

    # Screening: the register answers for the zones; the DPO adds the scale.
    login(page, dpo)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="DPIA").click()
    page.get_by_role("link", name="Screen a processing").click()
    page.get_by_label("Processing screened").fill("Corner shop cameras")
    page.get_by_label("Entrance").check()
    page.get_by_label("Till").check()
    page.get_by_role("button", name="Show what the register says about these cameras").click()
    # The register already said yes where the zones tell; the DPO answers the rest.
    for group in page.get_by_role("group").all():
        radios = group.get_by_role("radio")
        if radios.count() and not any(radio.is_checked() for radio in radios.all()):
            group.get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Are employees' activities monitored constantly?").get_by_label(
        "Yes", exact=True
    ).check()
    screenshots.shot(page, "screening-form")
    page.get_by_role("button", name="Give the verdict").click()
    expect(page.get_by_role("heading", name="DPIA required")).to_be_visible()
    screenshots.shot(page, "screening")

    page.get_by_role("button", name="Start the DPIA from these answers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Corner shop cameras")
    assessment = Assessment.objects.get()
    reference = assessment.reference

    # The questionnaire: what the screening could not know.
    for section in ("context", "principles", "visual_ai", "risks", "validation"):
        answer_section(page, reference, section)

    # The map: the screening drew five stages; the DPO adds the off-site backup.
    page.get_by_role("link", name="Data-flow map").click()
    diagram = page.locator("svg[role=img]").first
    for stage in ("Collection", "Storage", "Preprocessing", "Inference", "Output"):
        expect(diagram).to_contain_text(stage)
    page.get_by_label("Kind of stage").last.select_option(label="Storage")
    page.get_by_label("Name", exact=True).last.fill("Backups")
    page.get_by_role("button", name="Add stage").click()
    expect(page.locator("svg[role=img]").first).to_contain_text("Backups")
    screenshots.shot(page, "map")

    page.get_by_role("link", name="Risks and measures").click()
    expect(page.get_by_role("heading", name="Risk map")).to_be_visible()
    expect(page.locator("svg[role=img]")).to_have_count(2)
    screenshots.shot(page, "heat-map")

    page.get_by_role("link", name="Evaluation and sign-off").click()
    page.get_by_role("button", name="Submit for evaluation").click()
    expect(page.get_by_text("Submitted for evaluation").first).to_be_visible()

    # The evaluator: another person, section by section.
    evaluator = browser.new_context(base_url=live_server.url)
    other = evaluator.new_page()
    other.set_viewport_size(VIEWPORT)
    evaluator_problems = watch_for_errors(other)
    login(other, admin_role)
    other.goto(f"/dpia/{reference}/evaluation/")
    for title in SECTIONS:
        group = other.get_by_role("group", name=f"Evaluation of “{title}”")
        group.get_by_label("Acceptable").check()
        form = other.locator("form", has=group)
        form.get_by_role("button", name="Save the evaluation").click()
    expect(other.get_by_text("Evaluated, awaiting the DPO").first).to_be_visible()
    evaluator.close()

    # The DPO: opinion, attestations, sign-off.
    page.reload()
    page.get_by_role("textbox", name="DPO opinion").fill(
        "Proportionate with the blur at ingest and 7 days of retention."
    )
    page.get_by_role("textbox", name="Views of the people concerned").fill(
        "Staff representatives consulted on 3 November."
    )
    page.get_by_role("button", name="Save the opinion").click()
    decision = page.get_by_role("group", name="Approve and sign off")
    for box in decision.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text("Approved").first).to_be_visible()
    assert assessment.versions.get().status == VersionStatus.APPROVED
    screenshots.shot(page, "signed-off")

    # The PDF: every section, the diagram's stage names, the sign-off.
    page.get_by_role("link", name="Versions").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").first.click()
    data = Path(download.value.path()).read_bytes()
    text = pdf_text(data)
    for title in (*SECTIONS, "Collection", "Storage", "Preprocessing", "Inference", "Output", "Backups"):
        assert title in text, f"{title!r} is not in the PDF"
    assert "Proportionate with the blur at ingest" in text
    assert "DRAFT" not in text
    picture = tmp_path / "report-first-page.png"
    first_page_picture(data, picture)
    screenshots.keep(picture)

    # A second version and the differences.
    page.get_by_role("link", name="Evaluation and sign-off").click()
    page.get_by_role("button", name="Start a new version").click()
    page.goto(f"/dpia/{reference}/questionnaire/principles/")
    page.get_by_label("Storage durations and their justification").fill(
        "Raw footage 14 days: the landlord's incident reports arrive within two weeks."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    page.goto(f"/dpia/{reference}/versions/")
    page.get_by_label("Compare version").select_option("1")
    page.get_by_label("with version").select_option("2")
    page.get_by_role("button", name="Show the differences").click()
    changed = page.get_by_role("row", name=re.compile("^Storage durations and their justification changed"))
    expect(changed).to_contain_text("Raw footage 7 days")
    expect(changed).to_contain_text("Raw footage 14 days")
    screenshots.shot(page, "diff")

    # Reality moves: the raw-footage retention is lengthened on the Retention page.
    policy = RetentionPolicy.objects.get(category=RetentionCategory.RAW_FOOTAGE, camera=None)
    page.goto("/retention/")
    page.locator(f"#period-{policy.pk}").fill(str(policy.period + 60))
    page.locator("form", has=page.locator(f"#period-{policy.pk}")).get_by_role("button", name="Save").click()
    page.goto(f"/dpia/{reference}/")
    expect(
        page.get_by_role("heading", name="Review needed: the configuration differs from the approved assessment")
    ).to_be_visible()
    expect(page.get_by_text("Raw footage").first).to_be_visible()
    screenshots.shot(page, "review-needed")

    assert problems == [] and evaluator_problems == []

"""Risks and measures: the rating rules (a justification for every rating, three levels on
the three-by-three scale), the action plan's owner and due date, the level rule and Art. 36,
the heat map, the catalogue and screening suggestions, and the tab's pages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dpia.diagrams.heatmap import heatmap_svg
from dpia.document import version_document
from dpia.models import AssessmentEvent, AssessmentVersion, Measure, Risk, Safeguard
from dpia.risk_catalogue import residual_high, risk_level, suggested_risks
from dpia.services.assessments import version_start_next
from dpia.services.common import DpiaError
from dpia.services.risks import measure_add, risk_add, risk_update
from tests.support.dpia import DOCUMENT, RISK, make_assessment, newest
from tests.support.footage import logged_in

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
RATED = {key: value for key, value in RISK.items() if key != "measures"}


def page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def risks_url(assessment: Any) -> str:
    return reverse("dpia:risks", args=[assessment.reference])


def freeze(version: AssessmentVersion) -> None:
    """Mark a version approved, as the workflow would (its rules are tested elsewhere)."""
    AssessmentVersion.objects.filter(pk=version.pk).update(status="approved")


# Rating rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["inherent", "current", "residual"])
def test_every_rating_needs_its_justification(dpo: Any, stage: str) -> None:
    version = newest(make_assessment(actor=dpo))
    with pytest.raises(DpiaError, match="Justify the rating") as refused:
        risk_add(version=version, actor=dpo, values=RATED | {f"{stage}_justification": "  "})
    assert {"inherent": "before measures", "current": "current measures", "residual": "residual"}[stage] in str(
        refused.value
    )
    assert version.risks.count() == 1  # only the one the document brought


def test_a_risk_with_every_reason_is_added_and_recorded_in_the_history(dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    risk = risk_add(version=newest(assessment), actor=dpo, values=RATED | {"title": "Clips leak by e-mail"})
    assert risk.order == 1 and risk.residual_justification == RATED["residual_justification"]
    event = AssessmentEvent.objects.filter(assessment=assessment, action="risk_add").get()
    assert event.role == "author" and "Clips leak by e-mail" in event.summary


def test_the_three_by_three_scale_refuses_a_fourth_level(dpo: Any) -> None:
    version = newest(make_assessment(actor=dpo, scale="three", document={}))
    with pytest.raises(DpiaError, match="three levels: rate the severity before measures from 1 to 3, not 4"):
        risk_add(version=version, actor=dpo, values=RATED | {"inherent_severity": 4})
    risk = risk_add(version=version, actor=dpo, values=RATED | {"inherent_severity": 3, "inherent_likelihood": 3})
    assert (risk.inherent_severity, risk.inherent_likelihood) == (3, 3)


def test_the_rating_selects_show_the_scale_in_words(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo, scale="three")
    html = page(logged_in(client, dpo), reverse("dpia:risk_add", args=[assessment.reference]))
    for label in ("Minimal", "Severe", "Remote", "Possible", "Probable"):
        assert label in html
    assert "Maximum" not in html and "Negligible" not in html
    four = make_assessment(actor=dpo)
    html = page(client, reverse("dpia:risk_add", args=[four.reference]))
    assert all(label in html for label in ("Negligible", "Limited", "Significant", "Maximum"))


@pytest.mark.parametrize(
    ("severity", "likelihood", "scale", "level"),
    [
        (1, 1, "four", "low"),
        (2, 2, "four", "low"),
        (3, 1, "four", "low"),
        (2, 3, "four", "medium"),
        (4, 1, "four", "medium"),
        (3, 3, "four", "high"),
        (4, 2, "four", "high"),
        (2, 1, "three", "low"),
        (3, 1, "three", "medium"),
        (2, 2, "three", "medium"),
        (3, 2, "three", "high"),
    ],
)
def test_risk_levels(severity: int, likelihood: int, scale: str, level: str) -> None:
    assert risk_level(severity, likelihood, scale) == level
    assert risk_level(likelihood, severity, scale) == level  # the rule is symmetric


def test_a_rating_off_the_scale_has_no_level() -> None:
    with pytest.raises(ValueError, match="between 1 and 3"):
        risk_level(4, 1, "three")


# Measures and the action plan -----------------------------------------------------------


@pytest.mark.parametrize("status", ["planned", "in_progress"])
def test_a_planned_measure_needs_an_owner_and_a_due_date(dpo: Any, status: str) -> None:
    version = newest(make_assessment(actor=dpo))
    with pytest.raises(DpiaError, match="action plan, which needs an owner and a due date"):
        measure_add(version=version, actor=dpo, values={"title": "Signs at the door", "status": status})
    with pytest.raises(DpiaError, match="needs a due date"):
        measure_add(version=version, actor=dpo, values={"title": "Signs", "status": status, "owner": "Facilities"})
    measure = measure_add(
        version=version, actor=dpo,
        values={"title": "Signs", "status": status, "owner": "Facilities", "due_date": "2026-05-01"},
    )  # fmt: skip
    assert measure.due_date == date(2026, 5, 1)


def test_a_measure_in_place_needs_no_owner(dpo: Any) -> None:
    version = newest(make_assessment(actor=dpo))
    measure = measure_add(version=version, actor=dpo, values={"title": "Locked server room", "status": "in_place"})
    assert measure.owner == "" and measure.due_date is None


def test_a_measure_started_from_the_catalogue_copies_its_name_and_how(dpo: Any) -> None:
    version = newest(make_assessment(actor=dpo))
    masks = Safeguard.objects.get(key="privacy-masks")
    risk = version.risks.get()
    measure = measure_add(
        version=version, actor=dpo, values={"status": "in_place"}, safeguard=masks, risks=[risk]
    )  # fmt: skip
    assert (measure.title, measure.description, measure.safeguard) == (masks.name, masks.how, masks)
    assert list(risk.measures.order_by("id")) == [*version.measures.filter(title="Blur faces at ingestion"), measure]


def test_the_action_plan_lists_planned_measures_and_flags_overdue_ones_in_words(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    version = newest(assessment)
    today = timezone.localdate()
    late = measure_add(
        version=version, actor=dpo, risks=version.risks.all(),
        values={"title": "Retrain staff", "status": "in_progress", "owner": "HR", "due_date": today - timedelta(3)},
    )  # fmt: skip
    measure_add(
        version=version, actor=dpo,
        values={"title": "Encrypt disks", "status": "planned", "owner": "IT", "due_date": today + timedelta(days=30)},
    )  # fmt: skip
    html = page(logged_in(client, dpo), risks_url(assessment))
    plan = html[html.index("Action plan") :]
    assert plan.index("Retrain staff") < plan.index("Encrypt disks")  # soonest due first
    assert plan.count("Overdue") == 1
    assert plan.index("Overdue") < plan.index("Encrypt disks")
    assert "HR" in plan and "IT" in plan and "In progress" in plan and "Planned" in plan
    assert "Blur faces at ingestion" not in plan  # in place: not an action
    measures = html[html.index('id="measures-heading"') : html.index("Action plan")]
    assert reverse("dpia:measure_edit", args=[assessment.reference, late.pk]) in measures
    assert "R1" in measures


# Heat map, levels and Art. 36 -----------------------------------------------------------


def two_risk_document(scale: str = "four") -> dict[str, Any]:
    second = RATED | {"title": "Bias <against> & women", "inherent_severity": 4, "inherent_likelihood": 2,
                      "residual_severity": 3, "residual_likelihood": 3}  # fmt: skip
    return {"scale": scale, "risks": [RATED | {"measures": []}, second]}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 -- the app's own markup, not outside input


def cell_of(svg: str, number: str) -> tuple[str, str, str]:
    root = parse(svg)
    for cell in root.iter(f"{SVG}g"):
        if "data-severity" in cell.attrib and any(g.get("data-risk") == number for g in cell.iter(f"{SVG}g")):
            return cell.attrib["data-severity"], cell.attrib["data-likelihood"], cell.attrib["data-level"]
    raise AssertionError(f"{number} is not on the map")


def test_the_heat_map_places_each_risk_in_its_cell_and_names_the_levels() -> None:
    document = two_risk_document()
    before = heatmap_svg(document, stage="before")
    assert cell_of(before, "R1") == ("3", "3", "high")
    assert cell_of(before, "R2") == ("4", "2", "high")
    residual = heatmap_svg(document, stage="residual")
    assert cell_of(residual, "R1") == ("2", "1", "low")
    assert cell_of(residual, "R2") == ("3", "3", "high")
    current = heatmap_svg(document, stage="current")
    assert cell_of(current, "R1") == ("3", "2", "medium")
    root = parse(residual)
    assert root.get("role") == "img" and "script" not in residual and "class=" not in residual
    assert root.find(f"{SVG}title").text == "Residual risk map (after planned measures)"  # type: ignore[union-attr]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"low", "medium", "high"} <= set(texts)  # each cell names its level, not by colour alone
    assert {"Negligible", "Limited", "Significant", "Maximum", "Severity", "Likelihood"} <= set(texts)
    description = root.find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    assert "R2 Bias <against> & women: severity Significant, likelihood Significant: high risk" in description
    assert "Bias &lt;against&gt; &amp; women" in residual  # escaped, still well-formed XML


def test_the_three_by_three_heat_map_uses_its_own_labels() -> None:
    document = {"scale": "three", "risks": [RATED | {"residual_severity": 3, "residual_likelihood": 2}]}
    svg = heatmap_svg(document)
    assert cell_of(svg, "R1") == ("3", "2", "high")
    texts = {t.text for t in parse(svg).iter(f"{SVG}text")}
    assert {"Minimal", "Severe", "Remote", "Probable"} <= texts and "Maximum" not in texts


def test_a_crowded_cell_still_accounts_for_every_risk() -> None:
    document = {"scale": "four", "risks": [RATED | {"title": f"Risk {n}"} for n in range(9)]}
    svg = heatmap_svg(document, stage="before")
    assert "+" in "".join(t.text or "" for t in parse(svg).iter(f"{SVG}text"))
    assert all(f"R{n} Risk {n - 1}" in svg for n in range(1, 10))  # the description lists them all


def test_residual_high_risks_name_prior_consultation_on_the_page(client: Any, dpo: Any) -> None:
    document = two_risk_document()
    assert residual_high(document) == ["Bias <against> & women"]
    assessment = make_assessment(actor=dpo)
    html = page(logged_in(client, dpo), risks_url(assessment))
    assert "Art. 36" not in html
    risk_update(risk=newest(assessment).risks.get(), actor=dpo, values=document["risks"][1])
    html = page(client, risks_url(assessment))
    assert "Prior consultation of the supervisory authority needed (Art. 36)" in html
    assert "Bias &lt;against&gt; &amp; women" in html


# Catalogue and screening suggestions ----------------------------------------------------


def test_risks_are_added_from_the_catalogue_once(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    url = reverse("dpia:risks_from_catalogue", args=[assessment.reference])
    logged_in(client, dpo)
    response = client.post(url, {"kinds": ["bias", "chilling_effect"]}, follow=True)
    assert "2 risks added from the catalogue; confirm their ratings." in response.content.decode()
    added = list(newest(assessment).risks.filter(kind__in=["bias", "chilling_effect"]).order_by("order"))
    assert [risk.title for risk in added] == [
        "The system works worse for some groups of people",
        "People change how they behave because they feel watched",
    ]
    assert all("Suggested from the risk catalogue" in risk.inherent_justification for risk in added)
    response = client.post(url, {"kinds": ["bias"]}, follow=True)
    assert "already in the assessment" in response.content.decode()
    assert newest(assessment).risks.count() == 3
    assert client.post(url, {}, follow=True).content.decode().count("Tick at least one risk") == 1


def test_the_screening_suggests_the_classic_events_and_the_relevant_ai_risks() -> None:
    plain = suggested_risks({})
    assert [risk["kind"] for risk in plain] == ["illegitimate_access", "unwanted_modification", "disappearance"]
    facts = {"zones": ["public"], "biometric": True, "automated_decisions": True, "cameras": 4, "vulnerable": True}
    kinds = [risk["kind"] for risk in suggested_risks(facts)]
    assert {"function_creep", "reidentification", "wrongful_accusation", "bias", "automated_decisions",
            "chilling_effect"} <= set(kinds)  # fmt: skip
    for risk in suggested_risks(facts):
        for stage in ("inherent", "current", "residual"):
            assert "Suggested from the screening facts" in risk[f"{stage}_justification"]
            assert "confirm" in risk[f"{stage}_justification"]
        assert risk["measures"] == []
    access = suggested_risks(facts)[0]
    assert access["inherent_severity"] > suggested_risks({})[0]["inherent_severity"]
    assert "vulnerable people" in access["inherent_justification"]


def test_suggestions_fit_the_three_by_three_scale_and_pass_the_rules(dpo: Any) -> None:
    facts = {"zones": ["public", "sensitive"], "biometric": True, "vulnerable": True, "audio": True, "cameras": 40}
    version = newest(make_assessment(actor=dpo, scale="three", document={}))
    for suggested in suggested_risks(facts, scale="three"):
        assert all(suggested[f"{stage}_{axis}"] <= 3 for stage in ("inherent", "current", "residual")
                   for axis in ("severity", "likelihood"))  # fmt: skip
        risk_add(version=version, actor=dpo, values=suggested)
    assert version.risks.count() == len(suggested_risks(facts))


def test_masks_and_anonymisation_lower_the_current_rating() -> None:
    bare = suggested_risks({"cameras": 3})
    protected = suggested_risks({"cameras": 3, "masks": True, "anonymise_at_ingest": True})
    assert protected[0]["current_severity"] < bare[0]["current_severity"]
    assert protected[0]["current_likelihood"] < bare[0]["current_likelihood"]
    assert "blurred" in protected[0]["current_justification"]


# Pages ----------------------------------------------------------------------------------


def risk_form(**changes: Any) -> dict[str, Any]:
    return {key: value for key, value in RATED.items()} | changes


def test_a_risk_added_on_the_page_shows_in_the_table_with_its_level(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    logged_in(client, dpo)
    url = reverse("dpia:risk_add", args=[assessment.reference])
    response = client.post(url, risk_form(title="Gait recognised", residual_justification=""))
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    response = client.post(url, risk_form(title="Gait recognised", residual_severity=4, residual_likelihood=3))
    assert response.status_code == 302 and response["Location"] == risks_url(assessment)
    html = page(client, risks_url(assessment))
    row = html[html.index("Gait recognised") :]
    assert "R2" in html and "Severity Maximum, likelihood Significant" in row and "high risk" in row


def test_a_risk_is_changed_and_linked_to_measures_on_its_page(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    version = newest(assessment)
    risk, measure = version.risks.get(), version.measures.get()
    logged_in(client, dpo)
    url = reverse("dpia:risk_edit", args=[assessment.reference, risk.pk])
    html = page(client, url)
    assert "Blur faces at ingestion" in html and "Logging of every view of raw footage" in html  # suggestions
    response = client.post(url, risk_form(title="Renamed", current_likelihood=1, measures=[]))
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.title == "Renamed" and risk.current_likelihood == 1 and not risk.measures.exists()
    client.post(url, risk_form(measures=[measure.pk]))
    assert list(risk.measures.all()) == [measure]


def test_measures_are_added_changed_and_removed_on_their_pages(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    version = newest(assessment)
    logged_in(client, dpo)
    masks = Safeguard.objects.get(key="privacy-masks")
    add = reverse("dpia:measure_add", args=[assessment.reference])
    assert f'<option value="{masks.pk}" selected>' in page(client, f"{add}?safeguard={masks.pk}")
    response = client.post(add, {"safeguard": masks.pk, "status": "planned", "owner": "IT"})
    assert "which needs a due date for it" in response.content.decode()
    response = client.post(add, {"safeguard": masks.pk, "status": "planned", "owner": "IT", "due_date": "2030-01-31"})
    assert response.status_code == 302
    measure = version.measures.get(safeguard=masks)
    assert measure.title == masks.name
    edit = reverse("dpia:measure_edit", args=[assessment.reference, measure.pk])
    client.post(edit, {"title": "Masks on cameras 1-3", "status": "done", "risks": [version.risks.get().pk]})
    measure.refresh_from_db()
    assert (measure.title, measure.status, measure.safeguard) == ("Masks on cameras 1-3", "done", None)
    client.post(reverse("dpia:measure_remove", args=[assessment.reference, measure.pk]))
    assert not Measure.objects.filter(pk=measure.pk).exists()
    client.post(reverse("dpia:risk_remove", args=[assessment.reference, version.risks.get().pk]))
    assert not version.risks.exists()


def test_rows_of_another_assessment_or_version_are_not_found(client: Any, dpo: Any) -> None:
    mine, other = make_assessment(actor=dpo), make_assessment("Car park", actor=dpo)
    foreign_risk, foreign_measure = newest(other).risks.get(), newest(other).measures.get()
    logged_in(client, dpo)
    ref = mine.reference
    assert client.get(reverse("dpia:risk_edit", args=[ref, foreign_risk.pk])).status_code == 404
    assert client.get(reverse("dpia:measure_edit", args=[ref, foreign_measure.pk])).status_code == 404
    assert client.post(reverse("dpia:risk_remove", args=[ref, foreign_risk.pk])).status_code == 404
    assert client.post(reverse("dpia:measure_remove", args=[ref, foreign_measure.pk])).status_code == 404
    assert Risk.objects.filter(pk=foreign_risk.pk).exists()
    old = newest(mine)
    old_risk = old.risks.get()
    freeze(old)
    version_start_next(assessment=mine, actor=dpo)
    assert client.get(reverse("dpia:risk_edit", args=[ref, old_risk.pk])).status_code == 404


def test_a_decided_version_is_read_only(client: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    version = newest(assessment)
    risk = version.risks.get()
    freeze(version)
    with pytest.raises(DpiaError, match="can no longer be changed"):
        risk_update(risk=risk, actor=dpo, values=RATED | {"title": "Changed"})
    logged_in(client, dpo)
    html = page(client, risks_url(assessment))
    assert "can be read, not changed" in html and "Add a risk" not in html and "Remove" not in html
    html = page(client, reverse("dpia:risk_edit", args=[assessment.reference, risk.pk]))
    assert "Risk (read only)" in html and "disabled" in html and "Save the risk" not in html
    response = client.post(reverse("dpia:risk_edit", args=[assessment.reference, risk.pk]), risk_form(title="X"))
    assert response.status_code == 302
    assert "can no longer be changed" in page(client, response["Location"])
    response = client.get(reverse("dpia:risk_add", args=[assessment.reference]))
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.title == RATED["title"]


def test_who_may_see_and_change_risks(client: Any, auditor: Any, outsider: Any, dpo: Any) -> None:
    assessment = make_assessment(actor=dpo)
    risk = newest(assessment).risks.get()
    edit = reverse("dpia:risk_edit", args=[assessment.reference, risk.pk])
    assert logged_in(client, outsider).get(risks_url(assessment)).status_code == 404
    assert client.get(edit).status_code == 404
    logged_in(client, auditor)
    html = page(client, risks_url(assessment))
    assert "Someone without a need watches the footage" in html and "Add a risk" not in html
    assert 'role="img"' in html and "Risk map before measures" in html and "Residual risk map" in html
    assert "Risk (read only)" in page(client, edit)
    assert client.post(edit, risk_form(title="X")).status_code == 403
    assert client.get(reverse("dpia:risk_add", args=[assessment.reference])).status_code == 403
    assert (
        client.post(reverse("dpia:risks_from_catalogue", args=[assessment.reference]), {"kinds": ["bias"]}).status_code
        == 403
    )
    assert client.get(reverse("dpia:risk_remove", args=[assessment.reference, risk.pk])).status_code in (403, 405)


def test_the_tab_uses_the_same_document_as_the_pdf(dpo: Any) -> None:
    """The heat map on the page is drawn from the version's document, which the PDF prints too."""
    version = newest(make_assessment(actor=dpo))
    document = version_document(version)
    assert document["risks"][0]["title"] == RATED["title"]
    assert cell_of(heatmap_svg(document, stage="before"), "R1") == ("3", "3", "high")


def test_the_author_switches_to_the_three_by_three_scale_once_no_rating_uses_the_fourth_level(
    client: Any, dpo: Any
) -> None:
    document = {**DOCUMENT, "risks": [{**RISK, "inherent_severity": 4}]}
    assessment = make_assessment(actor=dpo, document=document)
    client.force_login(dpo)
    url = reverse("dpia:risk_scale", args=[assessment.reference])

    page = client.post(url, {"scale": "three"}, follow=True).content.decode()
    assert "have a rating above 3" in page and RISK["title"] in page
    assert newest(assessment).scale == "four"

    risk = newest(assessment).risks.get()
    risk.inherent_severity = 3
    risk.save()
    page = client.post(url, {"scale": "three"}, follow=True).content.decode()
    assert newest(assessment).scale == "three"
    assert "Severe" in page and "Probable" in page  # the three-by-three words on the page

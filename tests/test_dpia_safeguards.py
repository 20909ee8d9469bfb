"""The safeguard catalogue: seeded with the source article's six techniques and the common
controls, readable by everyone who sees assessments, editable by editors (each change in
the access log), and never changing a measure already taken from it."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from dpia.feared_events import CATALOGUE
from dpia.models import Safeguard
from dpia.services.common import DpiaError
from dpia.services.risks import measure_add
from dpia.services.safeguards import safeguard_create, safeguard_update
from tests.support.dpia import make_assessment, newest
from tests.support.footage import events, logged_in

pytestmark = pytest.mark.django_db

# key: (effort, words in the effect on accuracy, words in the suitability for small businesses)
ARTICLE = {
    "data-minimisation": ("low", "Minimal", "Yes"),
    "on-premise-anonymisation": ("low", "Depends on the task", "Yes"),
    "pseudonymisation": ("medium", "Low", "vault"),
    "federated-learning": ("high", "Close to a model trained centrally", "edge devices"),
    "differential-privacy": ("medium", "Small to moderate drop", "libraries"),
    "homomorphic-encryption": ("very_high", "much slower", "Generally no"),
}


def load_again() -> None:
    importlib.import_module("dpia.migrations.0006_safeguard_catalogue").load_safeguards(apps, None)


def values(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Dashcam lens covers",
        "kind": "privacy",
        "how": "Cover the lens when the vehicle is parked.",
        "effort": "low",
        "accuracy_effect": "None",
        "small_business": "Yes",
        "active": True,
    } | changes


def test_the_six_safeguards_of_the_article_are_seeded_with_their_facts() -> None:
    for key, (effort, accuracy, small) in ARTICLE.items():
        safeguard = Safeguard.objects.get(key=key)
        assert safeguard.kind == "privacy" and safeguard.effort == effort
        assert accuracy in safeguard.accuracy_effect and small in safeguard.small_business
        assert len(safeguard.how) > 60 and safeguard.active


def test_common_controls_are_seeded_and_cover_every_risk_of_the_catalogue() -> None:
    kinds = set(Safeguard.objects.exclude(key__in=ARTICLE).values_list("kind", flat=True))
    assert kinds == {"privacy", "security", "organisational"}
    assert Safeguard.objects.count() >= 18
    for name in ("Personal accounts and roles", "Encryption at rest", "Retention schedule with automatic deletion",
                 "Four-eyes review before disclosure", "Backups and restore tests", "Staff training"):  # fmt: skip
        assert Safeguard.objects.filter(name=name).exists()
    referenced = {key for risk in CATALOGUE.values() for key in risk.safeguards}
    assert referenced <= set(Safeguard.objects.values_list("key", flat=True))


def test_seeding_again_adds_nothing_and_keeps_an_administrators_edits(dpo: Any) -> None:
    count = Safeguard.objects.count()
    masks = Safeguard.objects.get(key="privacy-masks")
    safeguard_update(safeguard=masks, actor=dpo, values=values(name="Masks", how="Our own words"))
    load_again()
    assert Safeguard.objects.count() == count
    masks.refresh_from_db()
    assert (masks.name, masks.how) == ("Masks", "Our own words")


def test_the_catalogue_page_shows_every_column_to_those_who_see_assessments(client: Any, auditor: Any) -> None:
    html = logged_in(client, auditor).get(reverse("dpia:safeguards")).content.decode()
    for heading in ("How it works", "Effort", "Effect on accuracy", "For small businesses"):
        assert f'<th scope="col">{heading}</th>' in html
    assert "Homomorphic encryption" in html and "Very high" in html and "Generally no" in html
    assert "Add a safeguard" not in html
    assert reverse("dpia:safeguards") in client.get(reverse("dpia:index")).content.decode()


@pytest.mark.parametrize("name", ["safeguards", "safeguard_new"])
def test_people_without_the_assessments_are_refused(client: Any, handler: Any, name: str) -> None:
    assert logged_in(client, handler).get(reverse(f"dpia:{name}")).status_code == 403


def test_only_editors_add_and_change_entries(client: Any, auditor: Any) -> None:
    logged_in(client, auditor)
    masks = Safeguard.objects.get(key="privacy-masks")
    assert client.get(reverse("dpia:safeguard_new")).status_code == 403
    assert client.get(reverse("dpia:safeguard_edit", args=[masks.pk])).status_code == 403
    assert client.post(reverse("dpia:safeguard_edit", args=[masks.pk]), values(name="X")).status_code == 403
    masks.refresh_from_db()
    assert masks.name != "X"


def test_a_safeguard_is_added_on_its_page_and_logged(client: Any, dpo: Any) -> None:
    logged_in(client, dpo)
    response = client.post(reverse("dpia:safeguard_new"), values(key=""))
    assert response.status_code == 302 and response["Location"] == reverse("dpia:safeguards")
    added = Safeguard.objects.get(key="dashcam-lens-covers")
    assert added.name == "Dashcam lens covers" and added.kind == "privacy"
    assert "Dashcam lens covers" in client.get(reverse("dpia:safeguards")).content.decode()
    [entry] = events("dpia.safeguard_create", added)
    assert entry.actor_username == dpo.username
    response = client.post(reverse("dpia:safeguard_new"), values(key="dashcam-lens-covers", name="Again"))
    assert response.status_code == 200 and "already exists" in response.content.decode()


def test_a_safeguard_is_changed_on_its_page_but_keeps_its_key(client: Any, dpo: Any) -> None:
    logged_in(client, dpo)
    entry = Safeguard.objects.get(key="differential-privacy")
    url = reverse("dpia:safeguard_edit", args=[entry.pk])
    assert "Differential privacy" in client.get(url).content.decode()
    response = client.post(url, values(key="renamed", name="Differential privacy", effort="high", active=""))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.key, entry.effort, entry.active) == ("differential-privacy", "high", False)
    [logged] = events("dpia.safeguard_update", entry)
    assert "effort" in logged.reason and "active" in logged.reason
    html = client.get(reverse("dpia:safeguards")).content.decode()
    assert "Not offered for new measures" in html


def test_a_change_needs_a_name_how_and_known_choices(dpo: Any) -> None:
    entry = Safeguard.objects.get(key="backups")
    with pytest.raises(DpiaError, match=r"Give the safeguard a name\. Say how the safeguard works\."):
        safeguard_update(safeguard=entry, actor=dpo, values=values(name=" ", how=""))
    with pytest.raises(DpiaError, match="effort"):
        safeguard_create(actor=dpo, values=values(effort="trivial"))


def test_editing_the_catalogue_never_changes_a_measure_taken_from_it(client: Any, dpo: Any) -> None:
    version = newest(make_assessment(actor=dpo))
    backups = Safeguard.objects.get(key="backups")
    measure = measure_add(version=version, actor=dpo, values={"status": "in_place"}, safeguard=backups)
    safeguard_update(safeguard=backups, actor=dpo, values=values(name="Offsite copies", how="Elsewhere."))
    measure.refresh_from_db()
    assert measure.title == "Backups and restore tests" and "restore" in measure.description

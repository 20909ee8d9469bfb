"""Questionnaire templates: the pages that list, show, create and choose them, and the
command that loads them from files."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from compliance.models import AccessEvent
from dpia.models import QuestionnaireTemplate
from tests.support.dpia import make_assessment, newest
from tests.support.footage import logged_in

pytestmark = pytest.mark.django_db

SHOP = """
name: Small shop
description: A short questionnaire for a single shop.
sections:
  - key: basics
    title: The basics
    help: What the cameras are for.
    parts: [flow_map]
    questions:
      - key: shop_purpose
        label: Why do you film?
        type: textarea
        required: true
        help: One sentence per camera.
      - key: shop_signs
        label: Are there signs?
        type: yesno
        help: At each entrance.
      - key: shop_signs_where
        label: Where are they?
        type: text
        help: Name each entrance.
        show_if: {question: shop_signs, equals: "yes"}
"""


def built_in() -> QuestionnaireTemplate:
    return QuestionnaireTemplate.objects.get(key="obscura-visual-ai")


# The pages ------------------------------------------------------------------------------


def test_the_list_shows_the_built_in_default_and_who_may_add_one(client: Any, dpo: Any, auditor: Any) -> None:
    html = logged_in(client, auditor).get(reverse("dpia:templates")).content.decode()
    assert "Cameras and visual AI" in html and "Built in" in html and "Default" in html
    assert reverse("dpia:template_new") not in html
    assert reverse("dpia:templates") in client.get(reverse("dpia:index")).content.decode()

    html = logged_in(client, dpo).get(reverse("dpia:templates")).content.decode()
    assert reverse("dpia:template_new") in html


def test_a_template_page_shows_its_sections_questions_and_conditions(client: Any, auditor: Any) -> None:
    html = logged_in(client, auditor).get(reverse("dpia:template", args=[built_in().pk])).content.decode()
    assert "Fundamental principles" in html and "Human review step" in html
    assert "<code>ai_remote_biometric_identification</code> = yes" in html
    assert "Copy this template" not in html  # reading only


def test_a_pasted_template_is_created_and_used_by_new_assessments(client: Any, dpo: Any) -> None:
    client = logged_in(client, dpo)
    response = client.post(reverse("dpia:template_new"), {"text": SHOP, "name": "", "key": "", "description": ""})
    template = QuestionnaireTemplate.objects.get(key="small-shop")
    assert response["Location"] == reverse("dpia:template", args=[template.pk])
    assert not template.built_in and template.created_by == dpo
    assert template.description == "A short questionnaire for a single shop."
    assert AccessEvent.objects.filter(action="dpia.template_create", target_id=str(template.pk)).exists()
    html = client.get(response["Location"]).content.decode()
    assert "Why do you film?" in html and "The template “Small shop” was created." in html

    client.post(reverse("dpia:template_default", args=[template.pk]))
    assert list(QuestionnaireTemplate.objects.filter(is_default=True)) == [template]
    version = newest(make_assessment(actor=dpo))
    assert version.template_name == "Small shop"
    html = client.get(reverse("dpia:questionnaire", args=[version.assessment.reference])).content.decode()
    assert "The basics" in html


def test_an_uploaded_json_file_is_accepted(client: Any, dpo: Any) -> None:
    upload = SimpleUploadedFile("shop.json", json.dumps(yaml.safe_load(SHOP)).encode(), "application/json")
    logged_in(client, dpo).post(
        reverse("dpia:template_new"), {"file": upload, "name": "From JSON", "key": "from-json", "text": ""}
    )
    template = QuestionnaireTemplate.objects.get(key="from-json")
    assert template.name == "From JSON" and template.body["sections"][0]["key"] == "basics"


def test_an_invalid_template_is_refused_with_every_problem_listed(client: Any, dpo: Any) -> None:
    broken = SHOP.replace("type: text\n", "type: slider\n").replace("shop_signs, equals", "shop_sign, equals")
    response = logged_in(client, dpo).post(reverse("dpia:template_new"), {"text": broken, "name": "Broken"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 problems to correct" in html
    assert "unknown type “slider”" in html and "“show_if” names “shop_sign”" in html
    assert "slider" in html.split("<textarea", 1)[1]  # the text is kept to correct it
    assert not QuestionnaireTemplate.objects.filter(name="Broken").exists()


def test_text_that_is_not_yaml_is_refused_with_its_line(client: Any, dpo: Any) -> None:
    response = logged_in(client, dpo).post(
        reverse("dpia:template_new"), {"text": "sections:\n  - key: a\n   title: [", "name": "Bad"}
    )
    assert "cannot be read as YAML or JSON" in response.content.decode()
    assert "line 3" in response.content.decode()


def test_a_key_already_taken_is_refused(client: Any, dpo: Any) -> None:
    response = logged_in(client, dpo).post(
        reverse("dpia:template_new"), {"text": SHOP, "name": "Mine", "key": "obscura-visual-ai"}
    )
    assert "already has the key “obscura-visual-ai”" in response.content.decode()
    assert QuestionnaireTemplate.objects.count() == 1


def test_a_copy_starts_from_the_text_of_the_template(client: Any, dpo: Any) -> None:
    client = logged_in(client, dpo)
    template = built_in()
    assert "Copy this template" in client.get(reverse("dpia:template", args=[template.pk])).content.decode()
    html = client.get(reverse("dpia:template_new"), {"copy": template.pk}).content.decode()
    assert 'value="Copy of Cameras and visual AI"' in html
    assert "key: ai_real_time" in html and "equals: &#x27;yes&#x27;" in html

    text = yaml.safe_dump(template.body, allow_unicode=True, sort_keys=False)
    client.post(reverse("dpia:template_new"), {"text": text, "name": "Copy of Cameras and visual AI"})
    copied = QuestionnaireTemplate.objects.get(key="copy-of-cameras-and-visual-ai")
    assert copied.body == template.body and not copied.built_in and not copied.is_default


def test_only_editors_create_or_choose_templates(client: Any, auditor: Any, outsider: Any) -> None:
    template = built_in()
    client = logged_in(client, auditor)
    assert client.get(reverse("dpia:template_new")).status_code == 403
    assert client.post(reverse("dpia:template_default", args=[template.pk])).status_code == 403
    client = logged_in(client, outsider)
    assert client.get(reverse("dpia:templates")).status_code == 403
    assert client.get(reverse("dpia:template", args=[template.pk])).status_code == 403


def test_choosing_the_default_is_a_post(client: Any, dpo: Any) -> None:
    url = reverse("dpia:template_default", args=[built_in().pk])
    assert logged_in(client, dpo).get(url).status_code == 405


# The command ----------------------------------------------------------------------------


def test_the_command_loads_the_built_in_template_without_arguments() -> None:
    QuestionnaireTemplate.objects.filter(key="obscura-visual-ai").update(body={"sections": []})
    out = StringIO()
    call_command("load_dpia_templates", stdout=out)
    assert "Updated “Cameras and visual AI” (obscura-visual-ai): 5 sections" in out.getvalue()
    assert len(built_in().body["sections"]) == 5


def test_the_command_loads_a_file_and_updates_it_the_next_time(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text("key: shop\n" + SHOP)
    out = StringIO()
    call_command("load_dpia_templates", str(path), stdout=out)
    assert "Created “Small shop” (shop): 1 sections, 3 questions." in out.getvalue()

    path.write_text("key: shop\n" + SHOP.replace("Why do you film?", "What is each camera for?"))
    call_command("load_dpia_templates", str(path), stdout=out)
    template = QuestionnaireTemplate.objects.get(key="shop")
    assert template.body["sections"][0]["questions"][0]["label"] == "What is each camera for?"
    assert QuestionnaireTemplate.objects.filter(key="shop").count() == 1
    assert built_in().is_default


def test_the_command_refuses_an_invalid_file_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(SHOP.replace("type: yesno", "type: maybe"))
    with pytest.raises(CommandError, match=r"broken.yaml was not loaded:\n  - .*unknown type “maybe”"):
        call_command("load_dpia_templates", str(path))
    assert not QuestionnaireTemplate.objects.filter(key="broken").exists()

    path.write_text("key: obscura-visual-ai\n" + SHOP)
    with pytest.raises(CommandError, match="is a built-in template"):
        call_command("load_dpia_templates", str(path))

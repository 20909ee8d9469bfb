"""Questionnaire templates: the list, one template's questions, a new template from a file,
pasted text or a copy, and the choice of the default for new assessments."""

from __future__ import annotations

from typing import Any

import yaml
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from compliance.access import client_ip, require_perm
from dpia.models import QuestionnaireTemplate
from dpia.questionnaire import iter_questions, parse_template, validate_template
from dpia.services.common import DpiaError
from dpia.services.templates import TemplateInvalid, template_create, template_make_default

MAX_UPLOAD = 512 * 1024  # far above any questionnaire; keeps a wrong file from filling memory


class TemplateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    key = forms.SlugField(
        label=gettext_lazy("Key"),
        max_length=80,
        required=False,
        help_text=gettext_lazy("Optional: a short identifier; made from the name when left empty."),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    file = forms.FileField(
        label=gettext_lazy("Template file"),
        required=False,
        help_text=gettext_lazy("A YAML or JSON file; when given, the text below is not used."),
    )
    text = forms.CharField(
        label=gettext_lazy("Template text"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        required=False,
        help_text=gettext_lazy(
            "YAML or JSON: a list of sections, each with a key, a title, a help text, its parts and its questions."
        ),
    )

    def source_text(self) -> str:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return str(self.cleaned_data.get("text") or "")
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 512 KB; a template is much smaller."))
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None


def _template(user: Any, pk: int, perm: str = "dpia.view_dpia") -> QuestionnaireTemplate:
    require_perm(user, "dpia.view_dpia")
    require_perm(user, perm)
    return get_object_or_404(QuestionnaireTemplate, pk=pk)


def _counts(template: QuestionnaireTemplate) -> dict[str, Any]:
    return {
        "template": template,
        "sections": len(template.body.get("sections", [])),
        "questions": sum(1 for _ in iter_questions(template.body)),
    }


def template_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "dpia.view_dpia")
    rows = [_counts(template) for template in QuestionnaireTemplate.objects.order_by("name")]
    return render(request, "dpia/templates.html", {"rows": rows, "can_edit": request.user.has_perm("dpia.edit_dpia")})


def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request.user, pk)
    context = _counts(template) | {
        "problems": validate_template(template.body),
        "can_edit": request.user.has_perm("dpia.edit_dpia"),
    }
    return render(request, "dpia/template.html", context)


def template_new(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "dpia.view_dpia")
    require_perm(request.user, "dpia.edit_dpia")
    problems: list[str] = []
    if request.method == "POST":
        form = TemplateForm(request.POST, request.FILES)
        if form.is_valid():
            created = _create(request, form, problems)
            if created is not None:
                messages.success(request, _("The template “%(name)s” was created.") % {"name": created.name})
                return redirect("dpia:template", created.pk)
    else:
        form = TemplateForm(initial=_copy_initial(request.GET.get("copy", "")))
    return render(request, "dpia/template_new.html", {"form": form, "problems": problems})


def _create(request: HttpRequest, form: TemplateForm, problems: list[str]) -> QuestionnaireTemplate | None:
    """The new template, or None with what is wrong added to `problems` or to the form."""
    try:
        text = form.source_text()
    except forms.ValidationError as exc:
        form.add_error("file", exc)
        return None
    if not text.strip():
        form.add_error("text", _("Upload a template file or paste its text."))
        return None
    data, errors = parse_template(text)
    if data is None:
        problems.extend(errors)
        return None
    fields = form.cleaned_data
    try:
        return template_create(
            actor=request.user,
            name=fields["name"] or str(data.get("name") or ""),
            key=fields["key"] or str(data.get("key") or ""),
            description=fields["description"] or str(data.get("description") or ""),
            language=str(data.get("language") or "en"),
            body=data,
            ip=client_ip(request),
        )
    except TemplateInvalid as exc:
        problems.extend(exc.errors)
        return None


def _copy_initial(copy: str) -> dict[str, Any]:
    """A copy of an existing template, as text to edit, under a new name."""
    source = QuestionnaireTemplate.objects.filter(pk=int(copy)).first() if copy.isdigit() else None
    if source is None:
        return {}
    text = yaml.safe_dump(source.body, allow_unicode=True, sort_keys=False, width=100)
    return {
        "name": _("Copy of %(name)s") % {"name": source.name},
        "description": source.description,
        "text": text,
    }


@require_POST
def template_default(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request.user, pk, "dpia.edit_dpia")
    try:
        template_make_default(template=template, actor=request.user, ip=client_ip(request))
    except DpiaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("New assessments will use “%(name)s”.") % {"name": template.name})
    return redirect("dpia:template", template.pk)


urlpatterns: list[URLPattern] = [
    path("templates/", template_list, name="templates"),
    path("templates/new/", template_new, name="template_new"),
    path("templates/<int:pk>/", template_detail, name="template"),
    path("templates/<int:pk>/default/", template_default, name="template_default"),
]

"""Creating questionnaire templates, loading them from files, and choosing the default.

Templates are not part of any assessment (each version keeps a frozen copy of the one
it started from), so their changes go to the access log rather than to an assessment's
history.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from compliance.access_log import record_access
from dpia.models import QuestionnaireTemplate
from dpia.questionnaire import body_of, parse_template, validate_template
from dpia.services.common import DpiaError

BUILT_IN = Path(__file__).resolve().parents[1] / "questionnaires" / "default.yaml"


class TemplateInvalid(DpiaError):
    """A template the services refuse, with every problem found in `errors`."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(_("The template cannot be used: %(errors)s") % {"errors": " ".join(errors)})
        self.errors = errors


def template_create(
    *,
    actor: Any,
    name: str,
    body: dict[str, Any],
    key: str = "",
    description: str = "",
    language: str = "en",
    ip: str | None = None,
) -> QuestionnaireTemplate:
    """A new template from a checked body; its key is `key`, or made from the name and kept unique."""
    name = name.strip()
    errors = ([] if name else [_("Give the template a name.")]) + validate_template(body)
    chosen = slugify(key.strip())
    if key.strip() and not chosen:
        errors.append(_("The key must hold letters or digits."))
    elif chosen and QuestionnaireTemplate.objects.filter(key=chosen).exists():
        errors.append(_("Another template already has the key “%(key)s”; choose another.") % {"key": chosen})
    if errors:
        raise TemplateInvalid(errors)
    with transaction.atomic():
        template = QuestionnaireTemplate.objects.create(
            key=chosen or _free_key(name),
            name=name,
            description=description.strip(),
            language=language.strip() or "en",
            body=body_of(body),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record_access(actor=actor, action="dpia.template_create", target=template, reason=template.name, ip=ip)
    return template


def _free_key(name: str) -> str:
    base = slugify(name)[:70] or "template"
    key, number = base, 1
    while QuestionnaireTemplate.objects.filter(key=key).exists():
        number += 1
        key = f"{base}-{number}"
    return key


def template_make_default(
    *, template: QuestionnaireTemplate, actor: Any, ip: str | None = None
) -> QuestionnaireTemplate:
    """Make `template` the one new assessments start from (and no other)."""
    with transaction.atomic():
        template = QuestionnaireTemplate.objects.select_for_update().get(pk=template.pk)
        if validate_template(template.body):
            raise DpiaError(_("This template has problems; correct them in a copy before making it the default."))
        QuestionnaireTemplate.objects.filter(is_default=True).exclude(pk=template.pk).update(is_default=False)
        template.is_default = True
        template.save(update_fields=["is_default"])
        record_access(actor=actor, action="dpia.template_default", target=template, reason=template.name, ip=ip)
    return template


def template_load_file(*, path: Path, actor: Any = None) -> tuple[QuestionnaireTemplate, bool]:
    """Create or update the template a YAML or JSON file describes; (template, created).

    The file names its `key` (else the file name is used) and `name`. Only the file
    shipped with Obscura may update a built-in template. A file with `is_default: true`,
    or the first template when none is the default, becomes the default.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateInvalid([_("%(path)s cannot be read: %(error)s") % {"path": path, "error": exc}]) from None
    data, errors = parse_template(text)
    if data is None:
        raise TemplateInvalid(errors)
    built_in = path.resolve() == BUILT_IN
    key = slugify(str(data.get("key") or path.stem))
    name = str(data.get("name") or "").strip()
    errors = validate_template(data) + ([] if name else [_("The file needs a “name”.")])
    existing = QuestionnaireTemplate.objects.filter(key=key).first()
    if existing is not None and existing.built_in and not built_in:
        errors.append(_("“%(key)s” is a built-in template; give your template another key.") % {"key": key})
    if errors:
        raise TemplateInvalid(errors)
    with transaction.atomic():
        template, created = QuestionnaireTemplate.objects.update_or_create(
            key=key,
            defaults={
                "name": name,
                "description": str(data.get("description") or ""),
                "language": str(data.get("language") or "en"),
                "body": body_of(data),
                "built_in": built_in,
            },
        )
        action = "dpia.template_create" if created else "dpia.template_update"
        record_access(actor=actor, action=action, target=template, reason=f"{template.name} ({path.name})")
        # The shipped file says it is the default; it may not take that from a template chosen here.
        wants_default = data.get("is_default") is True and not built_in
        if wants_default or not QuestionnaireTemplate.objects.filter(is_default=True).exists():
            template_make_default(template=template, actor=actor)
    template.refresh_from_db()
    return template, created

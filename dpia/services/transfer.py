"""An assessment as a JSON file, and a new assessment from such a file.

The file is the version document (`dpia.document.version_document`) written as JSON.
An import checks the whole file before writing anything: its format and format version,
that it is JSON at all, and every row against the model's own field rules (choices,
lengths, dates, required justifications), so a wrong file ends as a message naming the
place, never as a half-made assessment or a database error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils.translation import gettext as _

from dpia.document import (
    FORMAT,
    FORMAT_VERSION,
    MEASURE_FIELDS,
    PURPOSE_FIELDS,
    RISK_FIELDS,
    STAGE_FIELDS,
    SYSTEM_FIELDS,
)
from dpia.models import (
    Assessment,
    DataCategory,
    FlowStage,
    FlowSystem,
    Measure,
    Purpose,
    QuestionnaireTemplate,
    Risk,
    Scale,
)
from dpia.questionnaire import validate_template
from dpia.reading import field_label
from dpia.risk_catalogue import scale_top
from dpia.services.assessments import assessment_create
from dpia.services.common import DpiaError, record_event
from media_processing.models import Camera, Site

MAX_IMPORT_BYTES = 5 * 1024 * 1024


@dataclass
class Imported:
    assessment: Assessment
    unknown_cameras: list[str] = field(default_factory=list)
    unknown_sites: list[str] = field(default_factory=list)


def document_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder) + "\n"


def document_read(upload: IO[bytes], *, size: int | None = None) -> dict[str, Any]:
    """The document in an uploaded export file, checked; DpiaError says what is wrong with the file."""
    if size is not None and size > MAX_IMPORT_BYTES:
        raise DpiaError(_("The file is larger than 5 MB; an exported assessment is much smaller. Check the file."))
    data = upload.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise DpiaError(_("The file is larger than 5 MB; an exported assessment is much smaller. Check the file."))
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise DpiaError(_("The file is not a text file in UTF-8, so it cannot be an exported assessment.")) from None
    except json.JSONDecodeError as exc:
        raise DpiaError(
            _("The file is not valid JSON (line %(line)s, column %(column)s: %(problem)s). Was it edited by hand?")
            % {"line": exc.lineno, "column": exc.colno, "problem": exc.msg}
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DpiaError(
            _("This file is not an Obscura impact assessment export (its “format” is not “%(format)s”).")
            % {"format": FORMAT}
        )
    if document.get("format_version") != FORMAT_VERSION:
        raise DpiaError(
            _("This export has format version %(found)s; this Obscura reads format version %(known)s.")
            % {"found": document.get("format_version"), "known": FORMAT_VERSION}
        )
    problems = document_problems(document)
    if problems:
        raise DpiaError(_("The file cannot be imported: %(problems)s") % {"problems": " ".join(problems)})
    return document


def document_problems(document: dict[str, Any]) -> list[str]:
    """Every reason the document cannot become an assessment, each naming its place in the file."""
    problems: list[str] = []
    if not isinstance(document.get("title"), str) or not document["title"].strip():
        problems.append(_("It has no title."))
    if not isinstance(document.get("answers", {}), dict):
        problems.append(_("“answers” must be a mapping of question keys to answers."))
    if document.get("scale", Scale.FOUR) not in Scale.values:
        problems.append(_("“scale” must be one of: %(values)s.") % {"values": ", ".join(Scale.values)})
    template_errors = validate_template(document.get("template"))
    problems.extend(_("Questionnaire: %(error)s") % {"error": error} for error in template_errors[:5])
    for key in ("stages", "purposes", "measures", "risks", "cameras", "sites"):
        if not isinstance(document.get(key, []), list):
            problems.append(_("“%(key)s” must be a list.") % {"key": key})
    if problems:
        return problems
    for number, stage in enumerate(document.get("stages", []), start=1):
        place = _("stage %(number)s") % {"number": number}
        problems.extend(_row_problems(place, stage, FlowStage, STAGE_FIELDS))
        for index, system in enumerate(_list(stage, "systems"), start=1):
            where = _("%(place)s, system %(number)s") % {"place": place, "number": index}
            problems.extend(_row_problems(where, system, FlowSystem, SYSTEM_FIELDS))
            problems.extend(_category_problems(where, system))
    for place, key, model, fields in (
        (_("purpose"), "purposes", Purpose, PURPOSE_FIELDS),
        (_("measure"), "measures", Measure, (*MEASURE_FIELDS, "due_date")),
        (_("risk"), "risks", Risk, RISK_FIELDS),
    ):
        for number, row in enumerate(document.get(key, []), start=1):
            problems.extend(_row_problems(f"{place} {number}", row, model, fields))
    problems.extend(_rating_problems(document))
    return problems


def _list(row: Any, key: str) -> list[Any]:
    value = row.get(key, []) if isinstance(row, dict) else []
    return value if isinstance(value, list) else []


def _row_problems(place: str, row: Any, model: type[models.Model], fields: tuple[str, ...]) -> list[str]:
    """The model's own field checks (choices, lengths, required values, dates) on one row of the file."""
    if not isinstance(row, dict):
        return [_("%(place)s is not a mapping.") % {"place": place.capitalize()}]
    instance = model(**{name: row[name] for name in fields if name in row and row[name] is not None})
    foreign = [item.name for item in model._meta.fields if item.is_relation] + ["order"]
    try:
        instance.clean_fields(exclude=foreign)
    except ValidationError as error:
        return [
            _("%(place)s, %(field)s: %(message)s")
            % {
                "place": place.capitalize(),
                "field": field_label(model, name),
                "message": " ".join(messages),
            }
            for name, messages in error.message_dict.items()
        ]
    return []


def _category_problems(place: str, system: dict[str, Any]) -> list[str]:
    categories = system.get("data_categories", [])
    if isinstance(categories, list) and all(item in DataCategory.values for item in categories):
        return []
    return [_("%(place)s: unknown personal data categories.") % {"place": place.capitalize()}]


def _rating_problems(document: dict[str, Any]) -> list[str]:
    top = scale_top(document.get("scale", Scale.FOUR))
    measures = len(document.get("measures", []))
    problems = []
    for number, risk in enumerate(document.get("risks", []), start=1):
        ratings = [risk.get(name) for name in RISK_FIELDS if name.endswith(("_severity", "_likelihood"))]
        if any(_number(value) > top for value in ratings):
            problems.append(_("Risk %(number)s is rated above the top of its scale.") % {"number": number})
        links = risk.get("measures", [])
        if not isinstance(links, list) or any(not isinstance(i, int) or not 0 <= i < measures for i in links):
            problems.append(_("Risk %(number)s links to a measure the file does not have.") % {"number": number})
    return problems


def _number(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0  # not a number: the field check has said so already


def assessment_import(*, actor: Any, upload: IO[bytes], size: int | None, name: str, ip: str | None = None) -> Imported:
    """A new assessment (draft version 1) from an exported file, with the file's questionnaire
    copy and answers; cameras and sites are linked by name where they exist here."""
    document = document_read(upload, size=size)
    template = QuestionnaireTemplate(
        name=str(document.get("template_name") or _("Imported questionnaire"))[:200], body=document["template"]
    )
    cameras = {camera.name: camera for camera in Camera.objects.filter(name__in=_names(document, "cameras"))}
    sites = {site.name: site for site in Site.objects.filter(name__in=_names(document, "sites"))}
    with transaction.atomic():
        assessment = assessment_create(
            actor=actor,
            title=document["title"][:200],
            template=template,
            cameras=cameras.values(),
            sites=sites.values(),
            answers=document.get("answers") or {},
            document=document,
            scale=document.get("scale", Scale.FOUR),
            ip=ip,
        )
        record_event(
            assessment,
            version=assessment.versions.get(),
            actor=actor,
            action="import",
            summary=_("Imported from the file “%(name)s” (exported from %(reference)s version %(version)s).")
            % {"name": name, "reference": document.get("reference", "?"), "version": document.get("version", "?")},
            ip=ip,
        )
    return Imported(
        assessment,
        unknown_cameras=[item for item in _names(document, "cameras") if item not in cameras],
        unknown_sites=[item for item in _names(document, "sites") if item not in sites],
    )


def _names(document: dict[str, Any], key: str) -> list[str]:
    return [str(item) for item in document.get(key, []) if isinstance(item, str) and item]

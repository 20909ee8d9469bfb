"""What changed between two versions of an assessment, from their documents.

`document_diff(old, new)` compares two `dpia.document.version_document` dicts and lists
each difference as a `Change`, grouped by part of the assessment in the order a reader
goes through it: the version itself, the questionnaire sections (answers by question
label), the data-flow map, the purposes, the risks, the measures, the evaluation and the
validation. Items of a list (stages, systems, purposes, risks, measures) are matched by
name first, then by position, so an item renamed in place reads as "changed" rather than
as one removed and one added.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dpia.document import MEASURE_FIELDS, PURPOSE_FIELDS, RISK_FIELDS, SYSTEM_FIELDS, VALIDATION_FIELDS
from dpia.models import AssessmentVersion, FlowSystem, Measure, Purpose, Risk
from dpia.questionnaire import display_answer
from dpia.reading import (
    EVALUATION_CHOICES,
    MEASURE_CHOICES,
    PURPOSE_CHOICES,
    RISK_CHOICES,
    STAGE_CHOICES,
    SYSTEM_CHOICES,
    VERSION_CHOICES,
    Choices,
    field_label,
    level_text,
    template_questions,
    text,
    value_text,
)

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
# Texts longer than this (or on several lines) are shown as a word-by-word diff.
LONG_TEXT = 80
SEP = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "


@dataclass(frozen=True)
class Change:
    group: str
    label: str
    kind: str
    old: str
    new: str
    inline: SafeString | None = None

    @property
    def kind_label(self) -> str:
        return {ADDED: _("added"), REMOVED: _("removed"), CHANGED: _("changed")}[self.kind]


def document_diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every difference between two version documents, grouped in reading order."""
    return [
        *_version(old, new),
        *_answers(old, new),
        *_stages(old, new),
        *_items(_("Purposes and legal basis"), old, new, "purposes", "description", Purpose, PURPOSE_FIELDS),
        *_risks(old, new),
        *_items(_("Measures and action plan"), old, new, "measures", "title", Measure, _measure_fields()),
        *_evaluations(old, new),
        *_fields(
            _("Validation"),
            "",
            old.get("validation") or {},
            new.get("validation") or {},
            VALIDATION_FIELDS,
            lambda field: field_label(AssessmentVersion, field),
        ),
    ]


def grouped(changes: Iterable[Change]) -> list[tuple[str, list[Change]]]:
    """The changes under their group headings, groups in the order they first appear."""
    groups: dict[str, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.group, []).append(change)
    return list(groups.items())


def inline_diff(old: str, new: str) -> SafeString:
    """`new` with the words removed from `old` in <del> and the words added in <ins>, escaped."""
    before, after = _words(old), _words(new)
    parts: list[str] = []
    removed, added = escape(_("[removed:]")), escape(_("[added:]"))
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape("".join(before[i1:i2])))
            continue
        # The hidden words tell screen readers, which mostly ignore <del> and <ins>.
        if i2 > i1:
            parts.append(f'<del><span class="visually-hidden">{removed} </span>{escape("".join(before[i1:i2]))}</del>')
        if j2 > j1:
            parts.append(f'<ins><span class="visually-hidden">{added} </span>{escape("".join(after[j1:j2]))}</ins>')
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def _words(value: str) -> list[str]:
    return re.findall(r"\S+|\s+", value)


def _change(group: str, label: str, old: str, new: str) -> Iterator[Change]:
    if old == new:
        return
    kind = ADDED if not old else REMOVED if not new else CHANGED
    long = kind == CHANGED and (max(len(old), len(new)) > LONG_TEXT or "\n" in old + new)
    yield Change(group, label, kind, old, new, inline_diff(old, new) if long else None)


def _fields(
    group: str,
    prefix: str,
    old: dict[str, Any],
    new: dict[str, Any],
    fields: Iterable[str],
    label: Callable[[str], str],
    choices: dict[str, Choices] | None = None,
    show: Callable[[str, Any], str] | None = None,
) -> Iterator[Change]:
    for field in fields:
        if show is not None:
            before, after = show(field, old.get(field)), show(field, new.get(field))
        else:
            kind = (choices or {}).get(field)
            before, after = value_text(old.get(field), kind), value_text(new.get(field), kind)
        yield from _change(group, f"{prefix}{label(field)}", before, after)


def _version(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    group = _("Version")
    labels = {"title": _("Title"), "template_name": _("Questionnaire template"), "status": _("Status")}
    yield from _fields(group, "", old, new, labels, labels.__getitem__, VERSION_CHOICES)
    yield from _fields(group, "", old, new, ("scale",), lambda field: field_label(AssessmentVersion, field))


def _answers(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    questions = template_questions(old.get("template") or {}) | template_questions(new.get("template") or {})
    before, after = old.get("answers") or {}, new.get("answers") or {}
    for key in [*questions, *sorted((set(before) | set(after)) - set(questions))]:
        if key in questions:
            section, question = questions[key]
            group, label = section.get("title", section.get("key", "")), question.get("label", key)
        else:
            group, label, question = _("Other answers"), key, {}
        yield from _change(
            group, label, display_answer(question, before.get(key)), display_answer(question, after.get(key))
        )


def _pairs(
    old: list[dict[str, Any]], new: list[dict[str, Any]], key: str
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Items matched by `key` first, then the rest by position; an unmatched side is {}."""
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    left, right = list(old), list(new)
    for item in list(right):
        match = next((candidate for candidate in left if candidate.get(key) == item.get(key)), None)
        if match is not None:
            left.remove(match)
            right.remove(item)
            pairs.append((match, item))
    pairs.extend(zip(left, right, strict=False))
    shorter = min(len(left), len(right))
    pairs.extend((item, {}) for item in left[shorter:])
    pairs.extend(({}, item) for item in right[shorter:])
    order = {id(item): index for index, item in enumerate(new)}
    return sorted(pairs, key=lambda pair: order.get(id(pair[1]), len(new)))


def _name(before: dict[str, Any], after: dict[str, Any], key: str) -> str:
    return text((after or before).get(key))[:80]


def _summary(
    item: dict[str, Any], fields: Iterable[str], label: Callable[[str], str], choices: dict[str, Choices]
) -> str:
    return "; ".join(
        f"{label(field)}: {value_text(item.get(field), choices.get(field))}" for field in fields if item.get(field)
    )


def _one_sided(
    group: str, label: str, before: dict[str, Any], after: dict[str, Any], describe: Callable[[dict[str, Any]], str]
) -> Iterator[Change]:
    """An item only one of the versions has, described in one line (its name when nothing else is known)."""
    yield from _change(
        group, label, (describe(before) or label) if before else "", (describe(after) or label) if after else ""
    )


def _items(
    group: str,
    old: dict[str, Any],
    new: dict[str, Any],
    name: str,
    key: str,
    model: Any,
    fields: tuple[str, ...],
) -> Iterator[Change]:
    choices = {"purposes": PURPOSE_CHOICES, "measures": MEASURE_CHOICES}[name]
    label = lambda field: field_label(model, field)  # noqa: E731
    for before, after in _pairs(old.get(name) or [], new.get(name) or [], key):
        title = _name(before, after, key)
        if not before or not after:
            yield from _one_sided(group, title, before, after, lambda item: _summary(item, fields, label, choices))
            continue
        yield from _fields(group, f"{title}{SEP}", before, after, fields, label, choices)


def _measure_fields() -> tuple[str, ...]:
    return (*MEASURE_FIELDS, "due_date", "safeguard")


def _stages(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    group = _("Data-flow map")
    label = lambda field: field_label(FlowSystem, field)  # noqa: E731
    for before, after in _pairs(old.get("stages") or [], new.get("stages") or [], "name"):
        stage = _name(before, after, "name")
        prefix = _("Stage “%(stage)s”") % {"stage": stage}
        if not before or not after:
            yield from _one_sided(group, prefix, before, after, _stage_summary)
            continue
        yield from _fields(group, f"{prefix}{SEP}", before, after, ("name", "kind"), _stage_label, STAGE_CHOICES)
        for old_system, new_system in _pairs(before.get("systems", []), after.get("systems", []), "name"):
            system = f"{prefix}{SEP}{_name(old_system, new_system, 'name')}"
            if not old_system or not new_system:
                describe = lambda item: _summary(item, SYSTEM_FIELDS[1:], label, SYSTEM_CHOICES)  # noqa: E731
                yield from _one_sided(group, system, old_system, new_system, describe)
                continue
            yield from _fields(group, f"{system}: ", old_system, new_system, SYSTEM_FIELDS, label, SYSTEM_CHOICES)


def _stage_summary(stage: dict[str, Any]) -> str:
    systems = [text(system.get("name")) for system in stage.get("systems", [])]
    return "; ".join([value_text(stage.get("kind"), STAGE_CHOICES["kind"]), *systems])


def _stage_label(field: str) -> str:
    return {"name": _("name"), "kind": _("kind of stage")}.get(field, field)


def _risks(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    group = _("Risks")
    label = lambda field: field_label(Risk, field)  # noqa: E731
    for before, after in _pairs(old.get("risks") or [], new.get("risks") or [], "title"):
        title = _name(before, after, "title")
        if not before or not after:
            describe = lambda item: _summary(item, ("kind", "impacts"), label, RISK_CHOICES)  # noqa: E731
            yield from _one_sided(group, title, before, after, describe)
            continue
        for field in (*RISK_FIELDS, "measures"):
            yield from _change(
                group,
                f"{title}{SEP}{label(field)}",
                _risk_value(old, field, before.get(field)),
                _risk_value(new, field, after.get(field)),
            )


def _risk_value(document: dict[str, Any], field: str, value: Any) -> str:
    """A risk's field in words: ratings on the document's scale, linked measures by title."""
    if field.endswith(("_severity", "_likelihood")):
        which = "severity" if field.endswith("_severity") else "likelihood"
        return level_text(value, document.get("scale") or "four", which)
    if field == "measures":
        titles = [text(measure.get("title")) for measure in document.get("measures") or []]
        return "; ".join(titles[index] for index in value or [] if isinstance(index, int) and 0 <= index < len(titles))
    return value_text(value, RISK_CHOICES.get(field))


def _evaluations(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Change]:
    titles = {
        section.get("key"): section.get("title", section.get("key"))
        for document in (old, new)
        for section in (document.get("template") or {}).get("sections", [])
    }

    def by_section(document: dict[str, Any]) -> dict[str, str]:
        return {
            item["section"]: " — ".join(
                part
                for part in (value_text(item.get("verdict"), EVALUATION_CHOICES["verdict"]), item.get("comment"))
                if part
            )
            for item in document.get("evaluations") or []
        }

    before, after = by_section(old), by_section(new)
    for section in dict.fromkeys([*before, *after]):
        yield from _change(
            _("Evaluation"), str(titles.get(section, section)), before.get(section, ""), after.get(section, "")
        )

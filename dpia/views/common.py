"""What the assessment pages share: the section navigation and the page context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from dpia.models import Assessment, AssessmentVersion
from dpia.services.common import DpiaError, current_version, require_draft

# (URL name, label): the tabs of an assessment, in the order a DPO works through them.
TABS = (
    ("dpia:assessment", _("Overview")),
    ("dpia:questionnaire", _("Questionnaire")),
    ("dpia:flow_map", _("Data-flow map")),
    ("dpia:legal_basis", _("Legal basis")),
    ("dpia:risks", _("Risks and measures")),
    ("dpia:evaluation", _("Evaluation and sign-off")),
    ("dpia:versions", _("Versions")),
)


def tabs(assessment: Assessment, current: str) -> list[dict[str, Any]]:
    items = []
    for name, label in TABS:
        try:
            url = reverse(name, args=[assessment.reference])
        except NoReverseMatch:  # a part not installed yet
            continue
        items.append({"url": url, "label": label, "current": name == current})
    return items


def assessment_context(
    request: HttpRequest, assessment: Assessment, current: str, version: AssessmentVersion | None = None
) -> dict[str, Any]:
    """The context every assessment page starts from: the assessment, the version shown, the tabs."""
    version = version or current_version(assessment)
    return {
        "assessment": assessment,
        "version": version,
        "tabs": tabs(assessment, current),
        "can_edit": version.editable and request.user.has_perm("dpia.edit_dpia"),
    }


def draft_or_message(request: HttpRequest, assessment: Assessment) -> bool:
    """Whether the newest version is a draft; if not, the reason is shown to the user."""
    try:
        require_draft(current_version(assessment))
    except DpiaError as error:
        messages.error(request, error.message)
        return False
    return True


Done = TypeVar("Done")


def attempt(request: HttpRequest, run: Callable[[], Done], success: Callable[[Done], str]) -> Done | None:
    """Run one change; show the service's refusal, or `success(result)`, as the page's message."""
    try:
        result = run()
    except DpiaError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, success(result))
    return result

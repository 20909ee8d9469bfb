"""Figures the assessment overview shows from the living-assessment part, loaded by its
includes (`dpia/_effort.html`) so the overview view need not know them."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from dpia.effort import Effort, assessment_effort
from dpia.models import Assessment

register = template.Library()


@register.simple_tag
def effort_of(assessment: Assessment) -> Effort:
    """`{% effort_of assessment as effort %}`: hours per role spent on the assessment."""
    return assessment_effort(assessment)


@register.filter
def duration(hours: float | None) -> str:
    """Hours as a person reads them: "12 min", "2 h 05 min"; small sittings do not vanish as 0.0."""
    if hours is None:
        return "—"
    minutes = round(hours * 60)
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(hours)d h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60}

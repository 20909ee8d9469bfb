"""Figures the assessment overview shows from the living-assessment part, loaded by its
includes (`dpia/_effort.html`) so the overview view need not know them."""

from __future__ import annotations

from django import template

from dpia.effort import Effort, assessment_effort
from dpia.models import Assessment

register = template.Library()


@register.simple_tag
def effort_of(assessment: Assessment) -> Effort:
    """`{% effort_of assessment as effort %}`: hours per role spent on the assessment."""
    return assessment_effort(assessment)

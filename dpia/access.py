"""Who may see or change an assessment; the only place DPIA views decide it."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from compliance.access import require_perm
from dpia.models import Assessment


def access_assessment(user: Any, reference: str, perm: str = "dpia.view_dpia") -> Assessment:
    """The assessment named `reference`, if `user` has `perm`.

    Without the view permission the answer is 404, so references do not leak; with it but
    without `perm` (e.g. an auditor trying to edit) the answer is 403.
    """
    if not user.has_perm("dpia.view_dpia"):
        raise Http404
    try:
        assessment = Assessment.objects.get(reference=reference)
    except Assessment.DoesNotExist:
        raise Http404 from None
    require_perm(user, perm)
    return assessment

"""Choosing the risk scale of a draft: four levels, or the UK regulator's three by three."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dpia.models import AssessmentVersion, Scale
from dpia.risk_catalogue import STAGES, scale_top
from dpia.services.common import DpiaError, locked_draft, record_edit


def version_scale_set(*, version: AssessmentVersion, scale: str, actor: Any) -> AssessmentVersion:
    """Rate the version's risks on `scale` from now on.

    Ratings keep their numbers and read in the new scale's words, so a switch to three
    levels is refused while a rating uses the fourth: the author lowers those first.
    """
    if scale not in Scale.values:
        raise DpiaError(_("Choose one of the scales offered."))
    with transaction.atomic():
        version = locked_draft(version)
        if version.scale == scale:
            return version
        top = scale_top(scale)
        too_high = [
            risk.title
            for risk in version.risks.order_by("order", "id")
            if any(getattr(risk, f"{stage}_{axis}") > top for stage in STAGES for axis in ("severity", "likelihood"))
        ]
        if too_high:
            raise DpiaError(
                _(
                    "These risks have a rating above %(top)s, which the chosen scale does not have; "
                    "rate them again first: %(titles)s."
                )
                % {"top": top, "titles": ", ".join(f"“{title}”" for title in too_high)}
            )
        version.scale = scale
        version.save(update_fields=["scale"])
        record_edit(
            version,
            actor,
            "scale",
            _("Risk scale changed to: %(scale)s.") % {"scale": version.get_scale_display()},
        )
    return version

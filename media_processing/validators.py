"""Validation of the JSON fields of the camera register (zones, masks, region of interest)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def validate_zone_types(value: Any) -> None:
    from media_processing.models import ZoneType  # the models import these validators

    if not isinstance(value, list) or any(zone not in ZoneType.values for zone in value):
        raise ValidationError(_("Choose zones among: public area, customer area, workplace, sensitive area."))


def validate_polygon_field(value: Any) -> None:
    if value is None:
        return
    from media_processing.engine.masks import validate_polygon

    try:
        validate_polygon(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def validate_polygons_field(value: Any) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Privacy masks must be a list of polygons."))
    for number, polygon in enumerate(value, start=1):
        try:
            validate_polygon_field(polygon)
        except ValidationError as exc:
            raise ValidationError(
                _("Mask %(number)d: %(problem)s") % {"number": number, "problem": " ".join(exc.messages)}
            ) from None

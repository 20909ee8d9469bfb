"""Whether a redaction covered what it had to: the measure behind the missed-face rate.

A face counts as covered when at least `min_covered` of its box lies under the covers
drawn on that frame, drawn exactly as the renderer draws them (shape and margin).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .render import Mode, Region, RenderStyle, redact_regions

MIN_COVERED = 0.7


def uncovered(
    faces: Sequence[Region],
    regions: Sequence[Region],
    style: RenderStyle,
    *,
    width: int,
    height: int,
    min_covered: float = MIN_COVERED,
) -> list[Region]:
    """The `faces` that the `regions` (drawn with `style`) leave mostly visible."""
    if not faces:
        return []
    mask = np.zeros((height, width, 3), np.uint8)
    painter = RenderStyle(mode=Mode.FILL, shape=style.shape, margin=style.margin, fill_bgr=(255, 255, 255))
    redact_regions(mask, regions, painter)
    result = []
    for face in faces:
        left, top = max(0, int(face.x)), max(0, int(face.y))
        right, bottom = min(width, int(np.ceil(face.x + face.w))), min(height, int(np.ceil(face.y + face.h)))
        if right <= left or bottom <= top:
            continue
        share = float((mask[top:bottom, left:right, 0] > 0).mean())
        if share < min_covered:
            result.append(face)
    return result

"""Whether a redaction covered what it had to: the measure behind the missed-face rate
and the irreversibility checks.

Covers are painted exactly as the renderer draws them (shape and margin) into a mask;
a box's covered share is the fraction of its pixels under that mask.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .render import Mode, Region, RenderStyle, redact_regions

MIN_COVERED = 0.7


def covered_shares(
    boxes: Sequence[Region], regions: Sequence[Region], style: RenderStyle, *, width: int, height: int
) -> list[float]:
    """For each box, the fraction of its pixels that the `regions`, drawn with `style`, cover."""
    if not boxes:
        return []
    mask = np.zeros((height, width, 3), np.uint8)
    painter = RenderStyle(mode=Mode.FILL, shape=style.shape, margin=style.margin, fill_bgr=(255, 255, 255))
    redact_regions(mask, regions, painter)
    shares = []
    for box in boxes:
        left, top = max(0, int(box.x)), max(0, int(box.y))
        right, bottom = min(width, int(np.ceil(box.x + box.w))), min(height, int(np.ceil(box.y + box.h)))
        inside = mask[top:bottom, left:right, 0]
        shares.append(float((inside > 0).mean()) if inside.size else 1.0)
    return shares


def uncovered(
    faces: Sequence[Region],
    regions: Sequence[Region],
    style: RenderStyle,
    *,
    width: int,
    height: int,
    min_covered: float = MIN_COVERED,
) -> list[Region]:
    """The `faces` that the `regions` (drawn with `style`) leave mostly visible: less
    than `min_covered` of the box covered."""
    shares = covered_shares(faces, regions, style, width=width, height=height)
    return [face for face, share in zip(faces, shares, strict=True) if share < min_covered]

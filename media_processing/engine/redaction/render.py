"""Irreversible covers: blur, pixelate or solid fill, as a box or an ellipse.

Blur and pixelate first shrink the region to a few pixels across (`detail_cells`), so
what is left of a face is a handful of averages: no sharpening or deconvolution can
bring back what is no longer there. A blur is a smooth upscale of those averages; a
pixelation shows them as blocks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

from ..detection.base import Region


class Mode(StrEnum):
    BLUR = "blur"
    PIXELATE = "pixelate"
    FILL = "fill"


class Shape(StrEnum):
    BOX = "box"
    ELLIPSE = "ellipse"


@dataclass(frozen=True)
class RenderStyle:
    """How covers look. `margin` widens each region by that fraction of its size on
    every side (detectors draw tight boxes; hair, ears and chin identify too)."""

    mode: Mode = Mode.BLUR
    shape: Shape = Shape.ELLIPSE
    margin: float = 0.2
    detail_cells: int = 6
    fill_bgr: tuple[int, int, int] = (0, 0, 0)

    def __post_init__(self) -> None:
        if not 0 <= self.margin <= 2:
            raise ValueError("margin must be between 0 and 2 (a fraction of the region's size)")
        if not 1 <= self.detail_cells <= 64:
            raise ValueError("detail_cells must be between 1 and 64")


# The side (pixels) at which a blur is computed before being scaled up to the region.
_BLUR_SIDE = 64
# What is left of the contrast between the cells: a face detector still recognises the
# light-dark layout of a face (forehead, eyes, mouth) in a few soft cells, so a blurred
# face could be "found" again; at 40 % of it nothing is (tests/engine run the model on
# redacted output).
_CELL_CONTRAST = 0.4


def redact_regions(frame: np.ndarray, regions: Iterable[Region], style: RenderStyle) -> np.ndarray:
    """Cover every region of `frame` (height x width x 3, uint8 BGR) in place and return it.

    Regions are clipped to the frame; empty ones are skipped.
    """
    height, width = frame.shape[:2]
    for region in regions:
        bounds = _bounds(region, style.margin, width, height)
        if bounds is not None:
            _cover(frame, bounds, style)
    return frame


def _bounds(region: Region, margin: float, width: int, height: int) -> tuple[int, int, int, int] | None:
    dx, dy = region.w * margin, region.h * margin
    left = max(0, int(np.floor(region.x - dx)))
    top = max(0, int(np.floor(region.y - dy)))
    right = min(width, int(np.ceil(region.x + region.w + dx)))
    bottom = min(height, int(np.ceil(region.y + region.h + dy)))
    if right - left < 1 or bottom - top < 1:
        return None
    return left, top, right, bottom


def _cover(frame: np.ndarray, bounds: tuple[int, int, int, int], style: RenderStyle) -> None:
    left, top, right, bottom = bounds
    patch = frame[top:bottom, left:right]
    covered = _covered_patch(patch, style)
    if style.shape == Shape.BOX:
        patch[:] = covered
        return
    h, w = int(patch.shape[0]), int(patch.shape[1])
    mask = np.zeros((h, w), dtype=np.uint8)
    cv2.ellipse(mask, (w // 2, h // 2), (max(1, w // 2), max(1, h // 2)), 0, 0, 360, 255, thickness=-1)
    # In place through the view (OpenCV writes into the frame's own pixels; 80x faster
    # than NumPy's masked copy); checked below, since a copy would leave the face bare.
    written = cv2.copyTo(covered, mask, patch)
    if written is not patch:
        np.copyto(patch, covered, where=mask[:, :, None] > 0)


def _covered_patch(patch: np.ndarray, style: RenderStyle) -> np.ndarray:
    h, w = patch.shape[:2]
    if style.mode == Mode.FILL:
        return np.full_like(patch, style.fill_bgr)
    # Few cells across the longer side, at least one along each.
    scale = style.detail_cells / max(h, w)
    small_size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = _flattened(cv2.resize(patch, small_size, interpolation=cv2.INTER_AREA))
    if style.mode == Mode.PIXELATE:
        return cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)
    # Soften the cells into a blur at a small size (the cost of a blur grows with its
    # kernel and its area), then scale up: the same look as blurring at full size.
    mid_scale = min(1.0, _BLUR_SIDE / max(h, w))
    mid_size = (max(1, round(w * mid_scale)), max(1, round(h * mid_scale)))
    smooth = cv2.resize(small, mid_size, interpolation=cv2.INTER_LINEAR)
    kernel = max(3, (min(mid_size) // 4) | 1)
    smooth = cv2.GaussianBlur(smooth, (kernel, kernel), 0)
    return cv2.resize(smooth, (w, h), interpolation=cv2.INTER_LINEAR) if mid_scale < 1.0 else smooth


def _flattened(cells: np.ndarray) -> np.ndarray:
    """The cells pulled towards their mean colour, keeping `_CELL_CONTRAST` of the contrast."""
    values = cells.astype(np.float32)
    mean = values.reshape(-1, values.shape[-1]).mean(axis=0)
    return np.clip(mean + _CELL_CONTRAST * (values - mean), 0, 255).astype(np.uint8)

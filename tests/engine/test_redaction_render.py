"""Covers drawn over regions: what is inside loses its detail, what is outside is untouched."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import pytest

from media_processing.engine.redaction import Keyframe, ManualTrack, Mode, RenderStyle, Shape, redact_regions


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float


def detailed_frame(height: int = 240, width: int = 320) -> np.ndarray:
    """Fine random texture: every pixel differs, like the detail of a face."""
    return np.random.default_rng(1).integers(0, 256, size=(height, width, 3), dtype=np.uint8)


def high_frequency(patch: np.ndarray) -> float:
    return float(cv2.Laplacian(cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY), cv2.CV_64F).var())


@pytest.mark.parametrize("mode", [Mode.BLUR, Mode.PIXELATE])
def test_blur_and_pixelate_leave_only_a_few_averages(mode: Mode) -> None:
    frame = detailed_frame()
    original = frame.copy()
    redact_regions(frame, [Rect(100, 60, 80, 100)], RenderStyle(mode=mode, shape=Shape.BOX, margin=0))
    inside, before = frame[60:160, 100:180], original[60:160, 100:180]
    assert high_frequency(inside) < 0.02 * high_frequency(before)
    # Nothing of the original pixels can be read back: no correlation left.
    correlation = np.corrcoef(inside.astype(float).ravel(), before.astype(float).ravel())[0, 1]
    assert abs(correlation) < 0.2
    if mode == Mode.PIXELATE:
        assert len(np.unique(inside.reshape(-1, 3), axis=0)) <= 6 * 6
    outside = np.ones(frame.shape[:2], dtype=bool)
    outside[60:160, 100:180] = False
    assert np.array_equal(frame[outside], original[outside])


def test_fill_paints_the_box_and_the_margin() -> None:
    frame = detailed_frame()
    redact_regions(frame, [Rect(100, 100, 50, 50)], RenderStyle(mode=Mode.FILL, shape=Shape.BOX, margin=0.2))
    assert (frame[90:160, 90:160] == 0).all()  # 10 px margin on each side
    assert (frame[85:88, 85:88] != 0).any()


def test_an_ellipse_leaves_the_corners() -> None:
    frame = detailed_frame()
    original = frame.copy()
    redact_regions(frame, [Rect(100, 100, 60, 60)], RenderStyle(mode=Mode.FILL, shape=Shape.ELLIPSE, margin=0))
    assert (frame[130, 130] == 0).all()
    assert np.array_equal(frame[100, 100], original[100, 100])


def test_regions_are_clipped_to_the_frame() -> None:
    frame = detailed_frame()
    redact_regions(
        frame,
        [Rect(-20, -20, 50, 50), Rect(300, 220, 100, 100), Rect(400, 400, 10, 10)],
        RenderStyle(mode=Mode.FILL, shape=Shape.BOX, margin=0),
    )
    assert (frame[0:30, 0:30] == 0).all() and (frame[220:, 300:] == 0).all()


def test_a_style_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="margin"):
        RenderStyle(margin=-1)
    with pytest.raises(ValueError, match="detail_cells"):
        RenderStyle(detail_cells=0)


def test_manual_boxes_move_linearly_between_keyframes() -> None:
    track = ManualTrack([Keyframe(20, 100, 50, 40, 40), Keyframe(10, 0, 50, 20, 20)])
    assert track.box_at(9) is None and track.box_at(21) is None
    start, middle, end = track.box_at(10), track.box_at(15), track.box_at(20)
    assert start is not None and middle is not None and end is not None
    assert (start.x, start.w) == (0, 20)
    assert (middle.x, middle.y, middle.w, middle.h) == (50, 50, 30, 30)
    assert (end.x, end.w) == (100, 40)
    single = ManualTrack([Keyframe(5, 1, 2, 3, 4)])
    assert single.box_at(5) is not None and single.box_at(6) is None


def test_manual_boxes_refuse_bad_keyframes() -> None:
    with pytest.raises(ValueError, match="at least one"):
        ManualTrack([])
    with pytest.raises(ValueError, match="same frame"):
        ManualTrack([Keyframe(1, 0, 0, 5, 5), Keyframe(1, 3, 3, 5, 5)])
    with pytest.raises(ValueError, match="positive"):
        ManualTrack([Keyframe(1, 0, 0, 0, 5)])

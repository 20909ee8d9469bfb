"""Which detectors run: the defaults (faces and plates) plus a site's own."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .base import Box, Detector, check_frame
from .centerface import DEFAULT_THRESHOLD, CenterFace
from .people import HogPeople
from .plates import HaarPlates


def build_detectors(
    *,
    faces: bool = True,
    plates: bool = True,
    people: bool = False,
    extra: Iterable[Detector] = (),
    face_threshold: float = DEFAULT_THRESHOLD,
    face_input_width: int | None = None,
) -> list[Detector]:
    """The enabled built-in detectors, in the order faces, plates, people, then `extra`.

    Models are loaded (and their checksums verified) here, once; reuse the list for
    every frame. Raises MediaError `model-invalid` when a model cannot be used.
    """
    detectors: list[Detector] = []
    if faces:
        detectors.append(CenterFace(threshold=face_threshold, input_width=face_input_width))
    if plates:
        detectors.append(HaarPlates())
    if people:
        detectors.append(HogPeople())
    detectors.extend(extra)
    return detectors


def detect_all(detectors: Sequence[Detector], frame: np.ndarray) -> list[Box]:
    """Every detector's boxes for one frame, in detector order, each in the frame's pixels.

    Boxes of different detectors are not merged: an area found as face and as person
    yields both boxes, and rendering covers their union.
    """
    check_frame(frame)
    return [box for detector in detectors for box in detector.detect(frame)]

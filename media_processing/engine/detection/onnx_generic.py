"""A site's own ONNX object detector (plates, people, ...), configured by path and class map.

Two output layouts are understood:

- "yolov8": Ultralytics YOLOv8/v11 export. Input float32 [1, 3, H, W], RGB 0..1,
  letterboxed (resized to fit, aspect ratio kept, centred on grey 114). One output
  [1, 4 + C, N] (or [1, N, 4 + C]): box centre x, centre y, width, height in input
  pixels, then one score per class, no objectness. NMS is done here, per label.
- "ssd": TensorFlow Object Detection API export (tf2onnx). Input uint8 [1, H, W, 3],
  RGB, the whole frame resized to `input_size`. Outputs named `detection_boxes`
  [1, N, 4] (ymin, xmin, ymax, xmax, 0..1), `detection_scores` [1, N] and
  `detection_classes` [1, N]; the model has already done NMS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import cv2
import numpy as np

from ..errors import MediaError
from .base import Box, boxes_from_corners, check_frame, nms, read_model
from .onnx_session import open_session, prepare_model

OutputFormat = Literal["yolov8", "ssd"]
LETTERBOX_GREY = 114
NMS_IOU = 0.45


class OnnxObjectDetector:
    """Detector for an ONNX model in one of the layouts above.

    `class_map` maps the model's class indices to our labels (for example
    `{0: "person"}` for COCO, `{0: "plate"}` for a plate model); classes not in it
    are ignored. `input_size` is the model's (width, height). `threshold` is the
    minimum class score. `expected_sha256`, when given, pins the model file (MediaError
    `model-invalid` otherwise); `model_sha256` is always the file's hash.
    """

    def __init__(
        self,
        model_path: Path,
        class_map: Mapping[int, str],
        input_size: tuple[int, int],
        threshold: float = 0.25,
        output_format: OutputFormat = "yolov8",
        *,
        expected_sha256: str | None = None,
        providers: Sequence[str] | None = None,
    ) -> None:
        if output_format not in ("yolov8", "ssd"):
            raise ValueError(f"output_format must be 'yolov8' or 'ssd'; got {output_format!r}")
        if not class_map:
            raise ValueError("class_map must name at least one class")
        self.name = f"onnx-{output_format}:{model_path.name}"
        self.class_map = dict(class_map)
        self.labels: tuple[str, ...] = tuple(dict.fromkeys(self.class_map.values()))
        self.input_size = input_size
        self.threshold = threshold
        self.output_format = output_format
        what = f"the detection model {model_path.name}"
        data, self.model_sha256 = read_model(model_path, expected_sha256, what=what)
        self._session = open_session(prepare_model(data, what=what), providers=providers, what=what)
        self._input = self._session.get_inputs()[0].name
        outputs = [output.name for output in self._session.get_outputs()]
        self._outputs = _ssd_outputs(outputs, what) if output_format == "ssd" else outputs[:1]
        self.providers_used: list[str] = list(self._session.get_providers())

    def detect(self, frame: np.ndarray) -> list[Box]:
        height, width = check_frame(frame)
        if self.output_format == "yolov8":
            corners, scores, labels = self._detect_yolov8(frame)
        else:
            corners, scores, labels = self._detect_ssd(frame)
        return boxes_from_corners(corners, scores, labels, width=width, height=height)

    def _detect_yolov8(self, frame: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
        blob, ratio, left, top = letterbox(frame, self.input_size)
        (output,) = self._session.run(self._outputs, {self._input: blob})
        predictions = np.asarray(output, dtype=np.float32)[0]
        # Some exports give [N, 4 + C]; there are always more candidates than classes.
        if predictions.shape[0] > predictions.shape[1]:
            predictions = predictions.T
        indices = [index for index in self.class_map if 0 <= index < predictions.shape[0] - 4]
        if not indices:
            return _nothing()
        class_scores = predictions[[4 + index for index in indices]]
        best = class_scores.argmax(axis=0)
        scores = class_scores[best, np.arange(class_scores.shape[1])]
        chosen = scores >= self.threshold
        centre_x, centre_y, box_w, box_h = predictions[:4, chosen]
        corners = np.stack([centre_x - box_w / 2, centre_y - box_h / 2, centre_x + box_w / 2, centre_y + box_h / 2], 1)
        corners = (corners - [left, top, left, top]) / ratio
        labels = [self.class_map[indices[int(position)]] for position in best[chosen]]
        return _per_label_nms(corners, scores[chosen], labels)

    def _detect_ssd(self, frame: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
        height, width = frame.shape[:2]
        resized = cv2.resize(frame, self.input_size, interpolation=cv2.INTER_LINEAR)
        blob = np.ascontiguousarray(resized[:, :, ::-1])[None]
        outputs = self._session.run(self._outputs, {self._input: blob})
        boxes, scores, classes = (np.asarray(value)[0] for value in outputs)
        classes = classes.astype(np.int64)
        chosen = (scores >= self.threshold) & np.isin(classes, list(self.class_map))
        ymin, xmin, ymax, xmax = boxes[chosen].T.astype(np.float32)
        corners = np.stack([xmin * width, ymin * height, xmax * width, ymax * height], axis=1)
        labels = [self.class_map[int(index)] for index in classes[chosen]]
        return corners, scores[chosen].astype(np.float32), labels


def letterbox(frame: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, float, int, int]:
    """The frame as YOLO input: resized to fit `size` (width, height) with its aspect ratio,
    centred on grey, RGB, 0..1, NCHW float32. Also returns the scale and the left and top
    padding, to map boxes back: frame = (input - padding) / scale."""
    height, width = frame.shape[:2]
    target_w, target_h = size
    ratio = min(target_w / width, target_h / height)
    new_w, new_h = max(1, round(width * ratio)), max(1, round(height * ratio))
    left, top = (target_w - new_w) // 2, (target_h - new_h) // 2
    canvas = np.full((target_h, target_w, 3), LETTERBOX_GREY, dtype=np.uint8)
    interpolation = cv2.INTER_AREA if ratio < 1 else cv2.INTER_LINEAR
    canvas[top : top + new_h, left : left + new_w] = cv2.resize(frame, (new_w, new_h), interpolation=interpolation)
    blob = cv2.dnn.blobFromImage(canvas, 1 / 255, (target_w, target_h), (0, 0, 0), swapRB=True, crop=False)
    return blob, ratio, left, top


def _per_label_nms(
    corners: np.ndarray, scores: np.ndarray, labels: list[str]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    keep: list[int] = []
    label_array = np.asarray(labels, dtype=object)
    for label in dict.fromkeys(labels):
        members = np.flatnonzero(label_array == label)
        keep.extend(members[nms(corners[members], scores[members], NMS_IOU)].tolist())
    return corners[keep].astype(np.float32), scores[keep], [labels[index] for index in keep]


def _ssd_outputs(names: list[str], what: str) -> list[str]:
    """The names of the boxes, scores and classes outputs, in that order."""
    wanted = []
    for key in ("detection_boxes", "detection_scores", "detection_classes"):
        found = [name for name in names if key in name]
        if not found:
            raise MediaError(
                f"{what[:1].upper()}{what[1:]} does not have the outputs of an 'ssd' model, so it cannot be used. "
                "Ask your administrator to check its configured output format.",
                "model-invalid",
                detail=f"no output named like {key!r} among {names}",
            )
        wanted.append(found[0])
    return wanted


def _nothing() -> tuple[np.ndarray, np.ndarray, list[str]]:
    return np.empty((0, 4), np.float32), np.empty((0,), np.float32), []

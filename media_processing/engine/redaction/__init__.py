"""Redaction: drawing irreversible covers over regions of a frame, and the manual boxes
a reviewer adds. Detection lives in `engine.detection`; this package only draws."""

from .manual import Keyframe, ManualTrack
from .render import Mode, RenderStyle, Shape, redact_regions

__all__ = ["Keyframe", "ManualTrack", "Mode", "RenderStyle", "Shape", "redact_regions"]

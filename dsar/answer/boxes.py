"""The boxes a reviewer draws by hand over someone the detector missed, checked before
they are kept: each a list of keyframes in time order, inside the picture and the clip,
big enough to cover a face. Frames and pixels are those of the clip (its detection store).
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

from django.utils.translation import gettext as _

from dsar.services.common import DsarError
from media_processing.models import TrackSet

MIN_BOX_PIXELS = 4
MAX_BOXES = 50
MAX_KEYFRAMES = 500
NOTE_CHARS = 200
# Rounding of the player's coordinates must not refuse a box drawn right up to the edge.
EDGE_TOLERANCE = 0.05


def frame_total(track_set: TrackSet) -> int:
    """Frames of the clip the detection store covers, counted from the clip's start."""
    return track_set.start_frame + track_set.frame_count


def clean_boxes(raw: Any, track_set: TrackSet) -> list[tuple[dict[str, Any], int | None]]:
    """The boxes as stored ({"keyframes": [{frame, x, y, w, h}], "note"}) with the number
    each had before, or a DsarError saying which box and keyframe is wrong and why."""
    if not isinstance(raw, list):
        raise DsarError(_("The boxes must be a list of boxes, each with its keyframes."))
    if len(raw) > MAX_BOXES:
        raise DsarError(_("At most %(count)d boxes can be drawn on one clip.") % {"count": MAX_BOXES})
    return [_clean_box(number, box, track_set) for number, box in enumerate(raw, start=1)]


def _clean_box(number: int, box: Any, track_set: TrackSet) -> tuple[dict[str, Any], int | None]:
    keyframes = box.get("keyframes") if isinstance(box, dict) else None
    if not isinstance(keyframes, list) or not keyframes:
        raise DsarError(_("Box %(number)d has no keyframe: draw it on a frame of the clip.") % {"number": number})
    if len(keyframes) > MAX_KEYFRAMES:
        raise DsarError(_("Box %(number)d has too many keyframes.") % {"number": number})
    keys = [_clean_keyframe(number, key, track_set) for key in keyframes]
    frames = [key["frame"] for key in keys]
    if any(later <= earlier for earlier, later in pairwise(frames)):
        raise DsarError(_("The keyframes of box %(number)d must be in time order, one per frame.") % {"number": number})
    note = box.get("note") if isinstance(box.get("note"), str) else ""
    was = box.get("was")
    was = was if isinstance(was, int) and not isinstance(was, bool) else None
    return {"keyframes": keys, "note": note.strip()[:NOTE_CHARS]}, was


def _clean_keyframe(number: int, key: Any, track_set: TrackSet) -> dict[str, Any]:
    names = ("frame", "x", "y", "w", "h")
    if not isinstance(key, dict) or any(not _is_number(key.get(name)) for name in names):
        raise DsarError(
            _("A keyframe of box %(number)d is incomplete: it needs a frame and a box.") % {"number": number}
        )
    frame = key["frame"]
    if frame != int(frame) or not 0 <= frame < frame_total(track_set):
        raise DsarError(
            _("Box %(number)d has a keyframe at frame %(frame)s, outside the clip (frames 0 to %(last)d).")
            % {"number": number, "frame": frame, "last": frame_total(track_set) - 1}
        )
    x, y, w, h = (float(key[name]) for name in names[1:])
    if w < MIN_BOX_PIXELS or h < MIN_BOX_PIXELS:
        raise DsarError(
            _("Box %(number)d is too small at frame %(frame)d: draw it at least %(side)d pixels wide and high.")
            % {"number": number, "frame": frame, "side": MIN_BOX_PIXELS}
        )
    width, height = track_set.width + EDGE_TOLERANCE, track_set.height + EDGE_TOLERANCE
    if x < -EDGE_TOLERANCE or y < -EDGE_TOLERANCE or x + w > width or y + h > height:
        raise DsarError(
            _("Box %(number)d goes outside the picture at frame %(frame)d (%(width)d by %(height)d pixels).")
            % {"number": number, "frame": frame, "width": track_set.width, "height": track_set.height}
        )
    x, y = max(0.0, x), max(0.0, y)
    w, h = min(w, track_set.width - x), min(h, track_set.height - y)
    return {"frame": int(frame), "x": round(x, 1), "y": round(y, 1), "w": round(w, 1), "h": round(h, 1)}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)

"""The media engine: plain Python (no Django) around Pillow, ffmpeg and ffprobe.

Lifecycle of an upload, each step a function of this package:

1. `probe` - what the file is (picture or video, size, duration, streams, recording time),
   without decoding it; size limits first.
2. `validate` - whether it is footage we accept, ending in a bounded decode test.
3. `strip_image` / `strip_video` - the stored copy, with every piece of metadata removed.
4. `sha256_file` - the stored copy's hash for the audit record.
5. `apply_masks` - privacy masks and region of interest, applied to the stored copy.
6. `extract_frame` / `cut_clip` - stills and clips for reviews and access requests.

For redaction: `detection` (CenterFace faces, Haar plates, HOG people, any ONNX
detector, behind one `Detector` interface), `tracking` (stable anonymous track ids
with norfair) and `redaction` (irreversible covers, manual boxes). Command line:
`python -m media_processing.engine detect FILE... --json`.

Every function raises `MediaError` (a message for people, a stable `code`) for input it
cannot process, and ValueError for invalid arguments. External tools run under
`Tools` limits (time, memory); `Limits` bounds what is accepted.
"""

from .clip import ClipResult, Segment, cut_clip
from .errors import MediaError
from .frames import extract_frame
from .hashing import sha256_file
from .limits import Limits
from .masks import Polygon, apply_masks, validate_polygon
from .probe import MediaInfo, StreamInfo, probe
from .strip import StripResult, strip_image, strip_video
from .tools import Tools, run_tool
from .validate import validate

__all__ = [
    "ClipResult",
    "Limits",
    "MediaError",
    "MediaInfo",
    "Polygon",
    "Segment",
    "StreamInfo",
    "StripResult",
    "Tools",
    "apply_masks",
    "cut_clip",
    "extract_frame",
    "probe",
    "run_tool",
    "sha256_file",
    "strip_image",
    "strip_video",
    "validate",
    "validate_polygon",
]

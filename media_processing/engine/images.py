"""Pillow helpers shared by the engine: opening pictures safely, orientation, EXIF dates."""

from __future__ import annotations

import struct
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PIL import ExifTags, Image, ImageFile, UnidentifiedImageError

from .errors import MediaError
from .limits import Limits

# Still-picture formats ingestion accepts (JPEG includes MPO, which it opens). Pillow
# reads more (EPS runs Ghostscript; FLI/SGI/PCX/ICNS are fuzzing favourites no camera
# produces), so everything else is left to ffprobe, which accepts only video containers.
STILL_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "HEIF", "AVIF", "BMP", "JPEG2000", "PPM")
SHORT_FORMAT = {
    "JPEG": "jpeg",
    "MPO": "jpeg",
    "PNG": "png",
    "GIF": "gif",
    "WEBP": "webp",
    "TIFF": "tiff",
    "HEIF": "heif",
    "AVIF": "avif",
    "BMP": "bmp",
    "JPEG2000": "jp2",
    "PPM": "ppm",
}
ANIMATED_FORMATS = frozenset({"GIF", "WEBP"})

# Every exception a Pillow decoder (or pillow_heif) is known to raise on a damaged file.
DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    struct.error,
    EOFError,
    MemoryError,
    ZeroDivisionError,
    TypeError,
    IndexError,
    KeyError,
    RuntimeError,
    AttributeError,
    zlib.error,
)

ORIENTATION_TAG = 0x0112
_SWAPPING_ORIENTATIONS = frozenset({5, 6, 7, 8})
_heif_registered = False


class NotAPicture(Exception):
    """Pillow does not recognise the file as one of STILL_FORMATS (it may be a video)."""


def register_heif() -> None:
    """Load Pillow's plugins and teach it HEIC/HEIF, without thumbnails or depth maps."""
    global _heif_registered
    if _heif_registered:
        return
    Image.init()  # `Image.open(formats=...)` only knows plugins that are already loaded
    try:
        import pillow_heif
    except ImportError:  # HEIF then reads as "not supported", which is what it is
        return
    pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
    _heif_registered = True


@contextmanager
def open_picture(path: Path, limits: Limits) -> Iterator[Image.Image]:
    """Open a picture lazily (no pixel decode) with Pillow's bomb guard set to our limit.

    Inside the block, Pillow's DecompressionBombWarning is an error too, so seeking or
    loading a frame larger than `limits.max_pixels` raises instead of allocating.
    Raises NotAPicture when Pillow does not recognise the file, MediaError
    `too-many-pixels` for a bomb, MediaError `unreadable` for a recognised but broken header.
    """
    register_heif()
    # One global in Pillow; set it from the limits every time so both checks agree.
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    with warnings.catch_warnings():
        # Damaged metadata makes Pillow warn ("Tag data larger than file"); the metadata is
        # discarded anyway, so those warnings are noise. Bomb warnings are errors.
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(path, formats=STILL_FORMATS)
        except UnidentifiedImageError as exc:
            raise NotAPicture(str(exc)) from exc
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise too_many_pixels(str(exc)) from exc
        except DECODE_ERRORS as exc:
            raise MediaError(
                "This picture's header is damaged, so it cannot be read. Export or copy it again from the source.",
                "unreadable",
                detail=repr(exc),
            ) from exc
        # Pillow's switch for padding truncated pictures with grey is one global, and
        # another library in the same process may turn it on (WeasyPrint does, when it is
        # imported to render a PDF): inside this block it is off, so a truncated picture
        # fails the decode test instead of being stored half grey.
        tolerated = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            with image:
                yield image
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = tolerated


def too_many_pixels(detail: str) -> MediaError:
    return MediaError(
        "This picture or video frame has too many pixels to process safely. Reduce its resolution and upload it again.",
        "too-many-pixels",
        detail=detail,
    )


def frame_count(image: Image.Image) -> int:
    """Number of frames Pillow sees (1 for plain stills)."""
    return int(getattr(image, "n_frames", 1))


def read_exif(image: Image.Image) -> Image.Exif | None:
    """The picture's EXIF without decoding pixels; None when absent or unreadable."""
    # Pillow's PNG reader decodes the whole image to look for an eXIf chunk after the
    # pixel data; probing must stay cheap, so a PNG counts only what preceded the pixels.
    if image.format == "PNG" and "exif" not in image.info:
        return None
    try:
        return image.getexif()
    except DECODE_ERRORS:
        return None


def orientation(image: Image.Image) -> int:
    """EXIF orientation 1..8 (1 when absent or unreadable: the EXIF is about to go anyway)."""
    exif = read_exif(image)
    value = exif.get(ORIENTATION_TAG, 1) if exif is not None else 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def displayed_size(image: Image.Image) -> tuple[int, int]:
    """Width and height as a viewer shows the picture, after the EXIF orientation."""
    width, height = image.size
    if orientation(image) in _SWAPPING_ORIENTATIONS:
        return height, width
    return width, height


def exif_creation_time(image: Image.Image) -> datetime | None:
    """When the picture was taken, from EXIF.

    Aware when EXIF also gives the UTC offset (OffsetTimeOriginal and friends); naive
    (camera wall-clock time) otherwise. None when absent or not a real date.
    """
    exif = read_exif(image)
    if exif is None:
        return None
    try:
        sub = exif.get_ifd(ExifTags.IFD.Exif)
    except DECODE_ERRORS:
        return None
    candidates = (
        (sub.get(ExifTags.Base.DateTimeOriginal), sub.get(ExifTags.Base.OffsetTimeOriginal)),
        (sub.get(ExifTags.Base.DateTimeDigitized), sub.get(ExifTags.Base.OffsetTimeDigitized)),
        (exif.get(ExifTags.Base.DateTime), sub.get(ExifTags.Base.OffsetTime)),
    )
    for value, offset in candidates:
        moment = parse_exif_datetime(value, offset)
        if moment is not None:
            return moment
    return None


def parse_exif_datetime(value: object, offset: object = None) -> datetime | None:
    """Parse EXIF "YYYY:MM:DD HH:MM:SS" plus an optional "+HH:MM" offset."""
    text = _exif_text(value)
    if not text:
        return None
    try:
        moment = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    zone = _parse_offset(_exif_text(offset))
    return moment.replace(tzinfo=zone) if zone else moment


def _exif_text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return value.strip("\x00 ").strip() if isinstance(value, str) else ""


def _parse_offset(text: str) -> timezone | None:
    if len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    if hours > 14 or minutes >= 60:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)

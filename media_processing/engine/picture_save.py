"""Turning a decoded picture into clean pixels and saving them with no metadata at all."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageCms, ImageOps, JpegImagePlugin

from .images import DECODE_ERRORS


@dataclass(frozen=True)
class PictureFormat:
    pillow: str
    ext: str


JPEG = PictureFormat("JPEG", "jpg")
PNG = PictureFormat("PNG", "png")
WEBP = PictureFormat("WEBP", "webp")
TIFF = PictureFormat("TIFF", "tiff")
AVIF = PictureFormat("AVIF", "avif")

# HEIC becomes JPEG because browsers cannot show HEIC; a static GIF becomes PNG (same
# pixels, no palette limits); formats browsers do not show (BMP, JPEG 2000, PPM) too.
_OUTPUT = {"jpeg": JPEG, "png": PNG, "webp": WEBP, "tiff": TIFF, "heif": JPEG, "avif": AVIF}
_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})
_PNG_MODES = frozenset({"1", "L", "LA", "RGB", "RGBA", "I;16", "I"})
_TIFF_MODES = _PNG_MODES | {"CMYK", "F"}
_GREY_MODES = frozenset({"1", "L", "I;16", "I", "F"})
_ICC_MODES = {"RGB": "RGB", "RGBA": "RGBA", "CMYK": "RGB"}
_srgb: ImageCms.ImageCmsProfile | None = None


def output_format(source_format: str) -> PictureFormat:
    """The format a picture of `source_format` (MediaInfo.format) is stored in."""
    return _OUTPUT.get(source_format, PNG)


def clean_pixels(image: Image.Image, target: PictureFormat) -> Image.Image:
    """Return the loaded `image` upright, in sRGB, in a mode `target` stores, with no info.

    The result is built from raw pixel bytes, so no EXIF, XMP, ICC profile, text chunk or
    any other entry of `image.info` can ride along into the saved file.
    """
    upright = apply_orientation(image)
    expanded = _expand_palette(upright)
    srgb = to_srgb(expanded, image.info.get("icc_profile"))
    converted = _mode_for(srgb, target)
    return Image.frombytes(converted.mode, converted.size, converted.tobytes())


def apply_orientation(image: Image.Image) -> Image.Image:
    """Rotate/flip the pixels as the EXIF (or XMP) orientation says; unreadable EXIF means as stored."""
    try:
        return ImageOps.exif_transpose(image)
    except DECODE_ERRORS:
        return image.copy()


def has_alpha(image: Image.Image) -> bool:
    return image.mode in _ALPHA_MODES or "transparency" in image.info


def _expand_palette(image: Image.Image) -> Image.Image:
    if image.mode in ("P", "PA"):
        return image.convert("RGBA" if has_alpha(image) else "RGB")
    return image


def to_srgb(image: Image.Image, icc_profile: object) -> Image.Image:
    """Convert colours from the embedded profile to sRGB, so the profile can be dropped.

    Profiles that do not match the pixel mode (or are broken) are dropped without
    conversion: the colours may shift slightly, but nothing is lost that identifies anyone.
    """
    if not isinstance(icc_profile, bytes) or not icc_profile or image.mode not in _ICC_MODES:
        return image.convert("RGB") if image.mode == "CMYK" else image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        converted = ImageCms.profileToProfile(image, source, _srgb_profile(), outputMode=_ICC_MODES[image.mode])
    except (ImageCms.PyCMSError, *DECODE_ERRORS):
        return image.convert("RGB") if image.mode == "CMYK" else image
    return converted if converted is not None else image


def _srgb_profile() -> ImageCms.ImageCmsProfile:
    global _srgb
    if _srgb is None:
        _srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return _srgb


def _mode_for(image: Image.Image, target: PictureFormat) -> Image.Image:
    mode = image.mode
    if target is JPEG:
        wanted = "L" if mode in _GREY_MODES else "RGB"
    elif target is PNG:
        wanted = mode if mode in _PNG_MODES else _colour_mode(image)
    elif target is TIFF:
        wanted = mode if mode in _TIFF_MODES else _colour_mode(image)
    else:
        wanted = _colour_mode(image)
    return image if mode == wanted else image.convert(wanted)


def _colour_mode(image: Image.Image) -> str:
    return "RGBA" if has_alpha(image) else "RGB"


def jpeg_subsampling(image: Image.Image) -> int:
    """The source's chroma subsampling (0 = 4:4:4, 1 = 4:2:2, 2 = 4:2:0); 4:2:0 when unknown."""
    if image.format in ("JPEG", "MPO"):
        sampling = JpegImagePlugin.get_sampling(image)
        if sampling in (0, 1, 2):
            return sampling
    return 2


def save_picture(image: Image.Image, path: Path, target: PictureFormat, *, lossless: bool, subsampling: int) -> None:
    """Save clean pixels (from `clean_pixels`) as `target`, passing no metadata options."""
    options: dict[str, Any]
    if target is JPEG:
        options = {"quality": 95, "subsampling": subsampling}
    elif target is WEBP:
        options = {"lossless": True} if lossless else {"quality": 95}
    elif target is TIFF:
        options = {"compression": "tiff_deflate"}
    elif target is AVIF:
        options = {"quality": 90}
    else:
        options = {}
    image.save(path, format=target.pillow, **options)

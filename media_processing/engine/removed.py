"""Describing, in words a person understands, what stripping took out of a file."""

from __future__ import annotations

from PIL import ExifTags, Image

from .images import DECODE_ERRORS, frame_count, orientation, read_exif
from .probe import MediaInfo, StreamInfo

# Container tags that describe the file's structure, not the recording or its owner.
STRUCTURAL_TAGS = frozenset({"major_brand", "minor_version", "compatible_brands"})

_SERIAL_TAGS = (ExifTags.Base.BodySerialNumber, ExifTags.Base.LensSerialNumber, ExifTags.Base.CameraSerialNumber)
_OWNER_TAGS = (ExifTags.Base.Artist, ExifTags.Base.CameraOwnerName, ExifTags.Base.Copyright)


def picture_metadata(image: Image.Image) -> list[str]:
    """What a loaded picture carries besides its pixels, one phrase per kind."""
    info = image.info
    items = [*_exif_phrase(image)]
    if "xmp" in info or "XML:com.adobe.xmp" in info:
        items.append("XMP")
    if "photoshop" in info:
        items.append("IPTC")
    if "comment" in info:
        items.append("comment")
    items.extend(_text_chunks(image))
    if "icc_profile" in info:
        items.append("colour profile (colours converted to sRGB)")
    items.extend(_extra_frames(image))
    return items


def _exif_phrase(image: Image.Image) -> list[str]:
    exif = read_exif(image)
    if exif is None:
        return []
    try:
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except DECODE_ERRORS:
        sub, gps = {}, {}
    if not exif and not sub and not gps:
        return []
    found = {**exif, **sub}
    details = [
        label
        for label, present in (
            ("GPS position", bool(gps)),
            ("camera serial number", any(tag in found for tag in _SERIAL_TAGS)),
            ("camera make and model", ExifTags.Base.Make in found or ExifTags.Base.Model in found),
            ("owner or artist name", any(tag in found for tag in _OWNER_TAGS)),
            ("maker notes", ExifTags.Base.MakerNote in found),
            ("date and time", ExifTags.Base.DateTimeOriginal in found or ExifTags.Base.DateTime in found),
            ("orientation flag (applied to the pixels)", orientation(image) != 1),
        )
        if present
    ]
    return [f"EXIF (including {', '.join(details)})" if details else "EXIF"]


def _text_chunks(image: Image.Image) -> list[str]:
    if image.format != "PNG":
        return []
    try:
        keys = sorted(getattr(image, "text", {}) or {})
    except DECODE_ERRORS:
        return []
    return [f"PNG text chunks: {', '.join(keys)}"] if keys else []


def _extra_frames(image: Image.Image) -> list[str]:
    try:
        frames = frame_count(image)
    except DECODE_ERRORS:
        return []
    if frames <= 1:
        return []
    if image.format == "MPO":
        return [f"{frames - 1} extra embedded picture(s) (previews or depth maps)"]
    if image.format == "TIFF":
        return [f"pages 2 to {frames} (only the first page is kept)"]
    return [f"frames 2 to {frames} (only the first frame is kept)"]


def video_parts(info: MediaInfo, *, kept: set[int]) -> list[str]:
    """The streams, tags and chapters of a video that are not in the output.

    `kept` holds the stream indexes the output keeps (their tags still go).
    """
    kept_kinds = {stream.kind for stream in info.streams if stream.index in kept}
    items = [_stream_phrase(stream, kept_kinds) for stream in info.streams if stream.index not in kept]
    tags = [key for key in info.tags if key not in STRUCTURAL_TAGS]
    if tags:
        items.append(f"container tags: {', '.join(tags)}")
    stream_tags = sorted({key for stream in info.streams for key in stream.tags})
    if stream_tags:
        items.append(f"stream tags: {', '.join(stream_tags)}")
    if info.chapters:
        items.append(f"{info.chapters} chapter(s)")
    return items


def _stream_phrase(stream: StreamInfo, kept_kinds: set[str]) -> str:
    index, kind, codec = stream.index, stream.kind, stream.codec
    if kind == "data":
        return f"data stream {index} ({codec})"
    if kind == "attachment":
        return f"attached picture or file, stream {index}"
    if kind in kept_kinds:
        return f"{kind} stream {index} ({codec}; only the first {kind} stream is kept)"
    if kind in ("video", "audio"):
        return f"{kind} stream {index} ({codec})"
    return f"{kind} stream {index}"

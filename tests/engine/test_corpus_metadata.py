"""Real files with GPS, serial numbers, names and telemetry: none of it survives ingestion.

Every file of shared/testdata/metadata (and the two portraits whose XMP names the people
in them) goes probe -> validate -> strip. exiftool and ffprobe, which share no code with
the engine, then look for what must be gone. Each check first runs on the original, so a
check that finds nothing anywhere cannot pass unnoticed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from media_processing.engine import Limits, MediaError, StripResult, Tools, probe, strip_image, strip_video, validate

from .conftest import TESTDATA, corpus_params, exiftool, ffprobe, leftovers

FACES = "faces/test-assets/metadata/faces"

# Files of the corpus that cannot be ingested, and why (checked, not skipped).
REJECTED = {
    "metadata/exif-samples/jpg/gps/README": "unsupported",  # a text file
    "metadata/exiftool/t/images/QuickTime.heic": "decode-failed",  # sample with its image data cut off
    "metadata/exiftool/t/images/QuickTime.mov": "decode-failed",  # sample with its video data cut off
    "metadata/jcodec/src/test/resources/metaedit/keyed.mp4": "decode-failed",  # 405 kB of an 11 s 1080p video
    "metadata/test-assets/metadata/dates/future42603.mp4": "no-video-stream",  # both tracks' headers broken
    # exiftool/Pillow samples of 1x1 to 10x10 pixels: below min_side, so also stripped below
    # with min_side=1, as their metadata is the richest in the corpus.
    "metadata/Pillow/Tests/images/empty_gps_ifd.jpg": "too-small",
    "metadata/Pillow/Tests/images/exif_gps.jpg": "too-small",
    "metadata/exiftool/t/images/Apple.jpg": "too-small",
    "metadata/exiftool/t/images/ExifTool.jpg": "too-small",
    "metadata/exiftool/t/images/GoPro.jpg": "too-small",
    "metadata/exiftool/t/images/Google.jpg": "too-small",
    "metadata/exiftool/t/images/IPTC.jpg": "too-small",
    "metadata/exiftool/t/images/MWG.jpg": "too-small",
    "metadata/exiftool/t/images/RIFF.webp": "too-small",
    "metadata/exiftool/t/images/XMP.jpg": "too-small",
}

# What the oracle must find in these originals (so its silence on the outputs means something).
EXPECTED_IN_ORIGINAL = {
    "metadata/gpmf-parser/samples/karma.mp4": {"gps", "serial", "data-stream"},
    "metadata/gpmf-parser/samples/max-heromode.mp4": {"gps", "location", "data-stream"},
    "metadata/jcodec/src/test/resources/metaedit/itunes.mov": {"gps", "location"},
    "metadata/exiftool/t/images/GPS.jpg": {"gps", "make-model"},
    "metadata/exiftool/t/images/GoPro.jpg": {"gps", "serial", "make-model"},
    "metadata/exiftool/t/images/IPTC.jpg": {"iptc"},
    "metadata/exiftool/t/images/XMP.jpg": {"xmp"},
    "metadata/exif-samples/jpg/gps/DSCN0010.jpg": {"gps", "make-model", "maker-notes"},
    "metadata/SwiftVideoUtils/Tests/SwiftVideoUtils/TestImage.heic": {"gps", "xmp", "make-model"},
    "metadata/exif-samples/heic/IMG_5195.HEIC": {"gps", "make-model"},
    f"{FACES}/portrait.jpg": {"xmp", "names"},
    f"{FACES}/portrait-orientation-6.jpg": {"xmp", "names"},
}

SERIAL_TAGS = {"SerialNumber", "InternalSerialNumber", "LensSerialNumber", "BodySerialNumber", "CameraSerialNumber"}
NAME_TAGS = {"RegionName", "RegionPersonDisplayName", "PersonInImage", "Artist", "Creator", "By-line", "OwnerName"}
# Groups (exiftool family 0) that carry no information about people, places or devices.
HARMLESS_GROUPS = {"ExifTool", "File", "Composite", "JFIF", "PNG", "RIFF", "QuickTime", "Meta", "EXIF", "Matroska"}


def _tag(key: str) -> tuple[str, str]:
    """("EXIF", "GPSLatitude") from "EXIF:GPS:GPSLatitude"."""
    parts = key.split(":")
    return parts[0], parts[-1]


def findings(tags: dict[str, Any], probe_data: dict[str, Any] | None) -> dict[str, list[str]]:
    """What identifying metadata exiftool (and ffprobe, for videos) see in one file."""
    found: dict[str, list[str]] = {}

    def add(category: str, what: str) -> None:
        found.setdefault(category, []).append(what)

    for key in tags:
        group, name = _tag(key)
        if group in ("System", "SourceFile", "ExifTool") or key == "SourceFile":
            continue
        if name.startswith("GPS") or "xyz" in name.lower():
            add("gps", key)
        if "location" in name.lower() and group != "File":
            add("location", key)
        if name in SERIAL_TAGS or name.endswith("SerialNumber"):
            add("serial", key)
        if name in ("Make", "Model"):
            add("make-model", key)
        if group == "MakerNotes" or name.startswith("MakerNote"):
            add("maker-notes", key)
        if group == "XMP":
            add("xmp", key)
        if group in ("IPTC", "Photoshop"):
            add("iptc", key)
        if name in NAME_TAGS:
            add("names", key)
    for stream in (probe_data or {}).get("streams", []):
        if stream.get("codec_type") not in ("video", "audio"):
            add("data-stream", f"stream {stream['index']} ({stream.get('codec_type')})")
        for key in stream.get("tags", {}):
            if key in ("creation_time", "location", "timecode") or key.startswith("com.apple.quicktime"):
                add("location" if "location" in key else "stream-tag", key)
    for key in (probe_data or {}).get("format", {}).get("tags", {}):
        if "location" in key or key.startswith("com.apple.quicktime") or key in ("creation_time", "firmware"):
            add("location" if "location" in key else "container-tag", key)
    return found


def person_names(tags: dict[str, Any]) -> set[str]:
    """Values of the tags that name people (face regions, authors)."""
    names: set[str] = set()
    for key, value in tags.items():
        if _tag(key)[1] in NAME_TAGS:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and len(item) >= 6:
                    names.add(item)
    return names


def _is_video(path: Path) -> bool:
    return path.suffix.lower() in (".mp4", ".mov")


def _ingest(path: Path, out: Path, tools: Tools, limits: Limits) -> StripResult:
    info = probe(path, tools=tools, limits=limits)
    validate(path, info, tools=tools, limits=limits)
    if info.kind == "image":
        return strip_image(path, out, info=info, limits=limits)
    return strip_video(path, out, info=info, keep_audio=True, tools=tools, limits=limits)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("path", corpus_params("metadata", FACES))
def test_no_identifying_metadata_survives(path: Path, tmp_path: Path, tools: Tools) -> None:
    relative = str(path.relative_to(TESTDATA))
    original_tags = exiftool(path)
    before = findings(original_tags, ffprobe(path) if _is_video(path) and relative not in REJECTED else None)
    assert EXPECTED_IN_ORIGINAL.get(relative, set()) <= set(before), f"oracle misses metadata in {relative}"

    result = _ingest_or_expected_error(path, relative, tmp_path, tools)
    if result is None:
        return

    output = result.path
    assert leftovers(output.parent) == []
    output_tags = exiftool(output)
    after = findings(output_tags, ffprobe(output) if result.format in ("mp4", "mkv", "webm") else None)
    assert after == {}, f"{relative}: still present after stripping: {after} (original had {sorted(before)})"
    _assert_only_harmless_groups(output_tags, relative)
    content = output.read_bytes()
    for name in person_names(original_tags):
        assert name.encode() not in content and name.encode("utf-16-le") not in content, name
    _assert_readable(output, result.format)
    _assert_orientation_applied(path, output)


def _ingest_or_expected_error(path: Path, relative: str, tmp_path: Path, tools: Tools) -> StripResult | None:
    out = tmp_path / "out"
    out.mkdir()
    expected = REJECTED.get(relative)
    if expected is None:
        return _ingest(path, out, tools, Limits())
    with pytest.raises(MediaError) as caught:
        _ingest(path, out, tools, Limits())
    assert caught.value.code == expected, caught.value.detail
    assert caught.value.message
    assert list(out.iterdir()) == []
    if expected != "too-small":
        return None
    return _ingest(path, out, tools, Limits(min_side=1))


def _assert_only_harmless_groups(tags: dict[str, Any], relative: str) -> None:
    groups = {_tag(key)[0] for key in tags if key != "SourceFile"} - {"System"}
    unexpected = groups - HARMLESS_GROUPS
    assert not unexpected, f"{relative}: output has metadata groups {unexpected}"
    exif = [key for key in tags if key.startswith("EXIF:") and not key.startswith("EXIF:IFD0:")]
    assert not exif, f"{relative}: EXIF beyond TIFF's structural tags: {exif}"


def _assert_readable(output: Path, extension: str) -> None:
    if extension in ("mp4", "mkv", "webm"):
        streams = ffprobe(output)["streams"]
        assert [s["codec_type"] for s in streams][:1] == ["video"]
        assert {s["codec_type"] for s in streams} <= {"video", "audio"}
        return
    with Image.open(output) as stored:
        stored.load()
        assert not set(stored.info) & {"exif", "xmp", "icc_profile", "comment", "photoshop"}


def _assert_orientation_applied(path: Path, output: Path) -> None:
    if _is_video(path):
        return
    with Image.open(path) as original:
        width, height = original.size
        orientation = original.getexif().get(0x0112, 1)
    if orientation not in (5, 6, 7, 8) or width == height or original.format == "HEIF":
        return
    with Image.open(output) as stored:
        assert stored.size == (height, width)

"""What an answer package holds and how it is checked: each file's SHA-256, size and
format, the manifest (JSON for machines, text for people), the README on playing the
files and checking their hashes, and the zip, written under a temporary name and
renamed only once complete, so a half-written package is never offered.

The manifest cannot list itself; the zip's own SHA-256 is kept on the package row and
shown on the download page, since a file cannot hold its own hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from media_processing import engine_config
from media_processing.engine.errors import MediaError
from media_processing.engine.hashing import sha256_file
from media_processing.engine.probe import probe

MANIFEST_VERSION = 1
# Already-compressed media gain nothing from deflate; text does.
_STORED_SUFFIXES = {".mp4", ".jpg", ".jpeg", ".png", ".webp", ".pdf", ".zip"}


@dataclass(frozen=True)
class FileEntry:
    """One file of the package: its path inside the zip, where it lies now, and its facts."""

    name: str
    sha256: str
    size: int
    media_type: str
    format: str
    source: str = ""  # the file on disk; not part of the manifest

    def as_manifest(self) -> dict[str, Any]:
        facts = asdict(self)
        facts.pop("source")
        return facts


def _media_format(path: Path) -> tuple[str, str]:
    """The MIME type and a readable format of a clip or still, as ffprobe sees it."""
    try:
        info = probe(path, tools=engine_config.tools(), limits=engine_config.limits())
    except MediaError:
        return "application/octet-stream", _("unknown format")
    if info.kind == "image":
        return f"image/{info.format.lower()}", _("%(format)s picture, %(width)s x %(height)s pixels") % {
            "format": info.format.upper(),
            "width": info.width,
            "height": info.height,
        }
    sound = _("with sound (%(codec)s)") % {"codec": info.audio_codec} if info.has_audio else _("without sound")
    return "video/mp4", _("%(codec)s video in an MP4 file, %(width)s x %(height)s pixels, %(seconds)s s, %(sound)s") % {
        "codec": "H.264" if info.video_codec == "h264" else info.video_codec,
        "width": info.width,
        "height": info.height,
        "seconds": f"{info.duration_s or 0:.1f}",
        "sound": sound,
    }


_PLAIN = {
    ".json": ("application/json", gettext_noop("JSON data")),
    ".txt": ("text/plain", gettext_noop("plain text (UTF-8)")),
    ".pdf": ("application/pdf", gettext_noop("PDF document")),
}


def file_entry(path: Path, name: str) -> FileEntry:
    """Hash and describe one file that goes into the package under `name`."""
    suffix = path.suffix.lower()
    if suffix in _PLAIN:
        media_type, description = _PLAIN[suffix]
        described = _(description)
    else:
        media_type, described = _media_format(path)
    return FileEntry(
        name=name,
        sha256=sha256_file(path),
        size=path.stat().st_size,
        media_type=media_type,
        format=described,
        source=str(path),
    )


def manifest_data(*, reference: str, organisation: str, made_at: str, entries: Sequence[FileEntry]) -> dict[str, Any]:
    return {
        "version": MANIFEST_VERSION,
        "reference": reference,
        "organisation": organisation,
        "made_at": made_at,
        "hash_algorithm": "SHA-256",
        "files": [entry.as_manifest() for entry in entries],
        "not_listed": ["manifest.json", "manifest.txt"],
    }


def manifest_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def manifest_text(data: dict[str, Any]) -> str:
    """The manifest for people: one block per file, hashes in full."""
    lines = [
        _("Contents of the answer to request %(reference)s") % {"reference": data["reference"]},
        _("Made on %(when)s by %(organisation)s") % {"when": data["made_at"], "organisation": data["organisation"]},
        "",
        _("Each file below with its size and its SHA-256 fingerprint. README.txt explains how to check them."),
        _("This list (manifest.txt and manifest.json) cannot contain its own fingerprint."),
        "",
    ]
    for entry in data["files"]:
        lines += [
            entry["name"],
            "    " + _("Format: %(format)s") % {"format": entry["format"]},
            "    " + _("Size: %(size)s bytes") % {"size": entry["size"]},
            "    " + _("SHA-256: %(hash)s") % {"hash": entry["sha256"]},
            "",
        ]
    return "\n".join(lines)


def readme_text(*, reference: str) -> str:
    """How to open the files and check that none was changed, on each common system."""
    return "\n".join(
        [
            _("Answer to your request %(reference)s") % {"reference": reference},
            "",
            _("WHAT IS IN THIS FOLDER"),
            _("letter.pdf          the letter that explains this answer; please read it first"),
            _("clips/              the video recordings of you, as MP4 files (H.264)"),
            _("stills/             still pictures, if there are any"),
            _("redaction-records/  for each file, how other people in it were obscured"),
            _("manifest.txt        every file with its size and SHA-256 fingerprint (manifest.json: the same)"),
            "",
            _("HOW TO PLAY THE VIDEOS"),
            _(
                "The videos are ordinary MP4 files. Any current media player opens them, for example VLC media "
                "player (free, https://www.videolan.org), Windows Media Player or the Films & TV app on Windows, "
                "QuickTime Player on macOS, or a web browser (drag the file into a browser window)."
            ),
            _("PDF files open in any PDF reader or web browser."),
            "",
            _("HOW TO CHECK THAT NO FILE WAS CHANGED"),
            _(
                "Compute the SHA-256 fingerprint of a file and compare it with the one listed in manifest.txt. "
                "If they are the same, the file is exactly the one we sent."
            ),
            _("Windows (PowerShell):  Get-FileHash -Algorithm SHA256 .\\clips\\<file name>"),
            _("Windows (Command Prompt):  certutil -hashfile clips\\<file name> SHA256"),
            _("macOS (Terminal):  shasum -a 256 clips/<file name>"),
            _("Linux (terminal):  sha256sum clips/<file name>"),
            _("The fingerprint of the whole zip file is shown on the download page and in our records."),
            "",
        ]
    )


def write_zip(target: Path, members: Sequence[FileEntry]) -> tuple[str, int]:
    """Write the zip to `target` through a temporary name beside it and rename it into
    place once complete and flushed. Returns its SHA-256 and size. On any failure the
    temporary file is removed and `target` does not exist."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    try:
        with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
            for member in members:
                stored = Path(member.name).suffix.lower() in _STORED_SUFFIXES
                compression = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                archive.write(member.source, arcname=member.name, compress_type=compression)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        digest = sha256_file(partial)
        size = partial.stat().st_size
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return digest, size


def write_atomic(target: Path, data: bytes) -> str:
    """Write bytes to `target` through a temporary name; returns their SHA-256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    try:
        with partial.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return hashlib.sha256(data).hexdigest()

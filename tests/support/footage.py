"""Cameras, recordings and real little media files for the footage tests: generated
with ffmpeg's lavfi sources, checked with ffprobe and exiftool (independent of the
engine), and the shared real-world corpus read in place."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from media_processing.models import Camera, Recording, RecordingKind, RecordingSource, RecordingStatus, Site

REPO = Path(__file__).resolve().parents[2]
TESTDATA = Path(os.environ.get("OBSCURA_TESTDATA", REPO.parent / "shared" / "testdata"))


def ffmpeg(*args: str) -> None:
    """Run ffmpeg to make a fixture; fail the test loudly if that goes wrong."""
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y", *args], check=True, timeout=120)


def make_video(
    path: Path,
    *,
    seconds: float = 2,
    size: str = "320x240",
    rate: int = 25,
    audio: bool = True,
    codec: tuple[str, ...] = ("-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast", "-g", "25"),
    extra: tuple[str, ...] = (),
) -> Path:
    """A test-pattern video (with a sine tone when `audio`), a keyframe every second at 25 fps.

    Each call makes a different file (a random comment tag), since ingestion refuses a
    file a camera already holds.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    unique = ("-metadata", f"comment=generated test video {secrets.token_hex(4)}")
    inputs = ["-f", "lavfi", "-i", f"testsrc2=s={size}:r={rate}:d={seconds}"]
    if audio:
        inputs += ["-f", "lavfi", "-i", f"sine=f=440:d={seconds}"]
    audio_codec = ["-c:a", "aac"] if audio and path.suffix in (".mp4", ".mov", ".mkv") else []
    ffmpeg(*inputs, *codec, *audio_codec, *unique, *extra, str(path))
    return path


def make_white_video(path: Path, *, seconds: float = 1, size: str = "320x240", rate: int = 25) -> Path:
    """An all-white video without sound, so masked (black) areas are easy to measure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg(
        *("-f", "lavfi", "-i", f"color=c=white:s={size}:r={rate}:d={seconds}"),
        *("-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast", str(path)),
    )
    return path


def ffprobe(path: Path) -> dict[str, Any]:
    """ffprobe's view of every stream and the container."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def exiftool(path: Path) -> dict[str, Any]:
    """All tags exiftool finds, keyed "Family0:Family1:Tag"; skips the test without exiftool."""
    if shutil.which("exiftool") is None:
        pytest.skip("exiftool (Debian package libimage-exiftool-perl) is not installed")
    result = subprocess.run(
        ["exiftool", "-j", "-G0:1", "-a", "-u", "-ee3", "-charset", "filename=utf8", str(path)],
        capture_output=True,
        check=False,
        timeout=120,
    )
    data = json.loads(result.stdout or b"[{}]")
    tags: dict[str, Any] = data[0] if data else {}
    return tags


def make_camera(name: str = "Entrance", site: str = "Head office", **fields: Any) -> Camera:
    """A camera with a complete register entry unless `fields` say otherwise."""
    site_row, _created = Site.objects.get_or_create(name=site)
    defaults = {"purpose": "Deter theft at the entrance", "legal_basis": "legitimate_interests"}
    return Camera.objects.create(name=name, site=site_row, **{**defaults, **fields})


def make_recording(
    camera: Camera,
    start: datetime,
    seconds: float,
    *,
    kind: str = RecordingKind.VIDEO,
    name: str = "",
    source_file: Path | None = None,
    **fields: Any,
) -> Recording:
    """A ready recording as ingestion leaves it; with `source_file`, its bytes are stored
    under MEDIA_ROOT like a real one."""
    relative = ""
    if source_file is not None:
        relative = f"recordings/{camera.pk}/{start:%Y%m%dT%H%M%S}{source_file.suffix}"
        target = Path(settings.MEDIA_ROOT) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source_file.read_bytes())
    recording = Recording.objects.create(
        camera=camera,
        kind=kind,
        start=start,
        end=start + timedelta(seconds=seconds),
        duration_seconds=seconds,
        original_name=name or f"{camera.name}-{start:%H%M%S}.mp4",
        status=RecordingStatus.READY,
        source=RecordingSource.UPLOAD,
        file=relative,
        size=(Path(settings.MEDIA_ROOT) / relative).stat().st_size if relative else None,
        **fields,
    )
    Camera.objects.filter(pk=camera.pk, longest_recording_seconds__lt=seconds).update(longest_recording_seconds=seconds)
    camera.refresh_from_db()
    return recording

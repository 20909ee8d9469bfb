"""Real little media files for tests, made with ffmpeg's lavfi sources and checked
with ffprobe and exiftool (independent of the engine); the shared real-world corpus is
read in place from ../shared/testdata, never copied. No Django here: the engine's
tests use it too."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
TESTDATA = Path(os.environ.get("OBSCURA_TESTDATA", REPO.parent / "shared" / "testdata"))


def shared_folder(relative: str) -> Path:
    """A folder of the shared corpus; skips the test when it is not there."""
    folder = TESTDATA / relative
    if not folder.is_dir():
        pytest.skip(f"shared test data {folder} is not available (see shared/testdata/README.md)")
    return folder


def corpus_files(relative: str) -> list[Path]:
    """Every file under a corpus folder, sorted; empty when the folder is absent."""
    folder = TESTDATA / relative
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else []


def corpus_params(relative: str, *extra: str) -> list[Any]:
    """pytest params for the files of a corpus folder, or one skipped param if absent."""
    files = corpus_files(relative) + [path for name in extra for path in corpus_files(name)]
    if not files:
        reason = f"shared test data {TESTDATA / relative} is not available (see shared/testdata/README.md)"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="corpus-missing")]
    return [pytest.param(path, id=str(path.relative_to(TESTDATA))) for path in files]


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
    inputs: tuple[str, ...] = (),
    extra: tuple[str, ...] = (),
    unique: bool = True,
) -> Path:
    """A test-pattern video (with a sine tone when `audio`); `inputs` come after those two.

    With `unique`, each call makes a different file (a random comment tag), since
    ingestion refuses a file a camera already holds.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if unique:
        extra = ("-metadata", f"comment=generated test video {secrets.token_hex(4)}", *extra)
    sources = ["-f", "lavfi", "-i", f"testsrc2=s={size}:r={rate}:d={seconds}"]
    if audio:
        sources += ["-f", "lavfi", "-i", f"sine=f=440:d={seconds}"]
    audio_codec = ["-c:a", "aac"] if audio and path.suffix in (".mp4", ".mov", ".mkv") else []
    ffmpeg(*sources, *inputs, *codec, *audio_codec, *extra, str(path))
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
    """ffprobe's view of every stream and the container (independent of the engine)."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        check=True,
        capture_output=True,
    )
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def count_frames(path: Path) -> int:
    result = subprocess.run(
        [
            *("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0"),
            *("-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", str(path)),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(result.stdout.strip().split(",")[0])


def exiftool(path: Path) -> dict[str, Any]:
    """All tags exiftool finds, embedded GoPro samples included, keyed "Family0:Family1:Tag".

    This is `exiftool -j -G1 -a -u -ee3` with family 0 added to the group, so maker
    notes ("MakerNotes:Canon:...") and XMP/IPTC are recognisable whatever family-1 name
    they carry.
    """
    if shutil.which("exiftool") is None:
        pytest.skip("exiftool (Debian package libimage-exiftool-perl) is not installed")
    result = subprocess.run(
        ["exiftool", "-j", "-G0:1", "-a", "-u", "-ee3", "-charset", "filename=utf8", str(path)],
        capture_output=True,
        check=False,
    )
    data = json.loads(result.stdout or b"[{}]")
    tags: dict[str, Any] = data[0] if data else {}
    return tags


def make_face_video(path: Path, *, seconds: float = 1, rate: int = 10, audio: bool = True) -> Path:
    """The astronaut of the shared face set panning slowly (400 x 400), with a tone when
    `audio`: one face, found by CenterFace on every frame."""
    source = shared_folder("faces/nogt") / "astronaut.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    sound = ["-f", "lavfi", "-i", f"sine=f=440:d={seconds}"] if audio else []
    ffmpeg(
        *("-loop", "1", "-framerate", str(rate), "-i", str(source), *sound),
        *("-vf", "crop=400:400:x='t*30':y=20", "-t", str(seconds), "-r", str(rate)),
        *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", str(rate)),
        *(("-c:a", "aac", "-shortest") if audio else ()),
        str(path),
    )
    return path

"""The streaming redaction with the real model: faces covered in every frame, the
requester kept visible on request, trimming, audio, cancellation, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from media_processing.engine import Limits, Tools
from media_processing.engine.detection.base import Box
from media_processing.engine.detection.centerface import CenterFace
from media_processing.engine.detection.frames import video_frames
from media_processing.engine.errors import MediaError
from media_processing.engine.redaction import Keyframe, ManualTrack, Mode, RenderStyle, Shape
from media_processing.engine.redaction.video import VideoRedaction, redact_video
from media_processing.engine.track_finder import Finding

from .conftest import boxes_per_frame, ffprobe, found_again, leftovers, make_face_video


@pytest.fixture(scope="module")
def faces() -> CenterFace:
    return CenterFace()


@pytest.fixture(scope="module")
def face_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three seconds of the astronaut panning slowly, with a tone, 10 fps."""
    return make_face_video(tmp_path_factory.mktemp("video") / "astronaut.mp4", seconds=3)


def faces_per_frame(path: Path, faces: CenterFace) -> list[int]:
    return [len(faces.detect(frame.image)) for frame in video_frames(path, tools=Tools(), limits=Limits())]


def redact(src: Path, dst: Path, faces: CenterFace, **settings: Any) -> dict[str, Any]:
    return redact_video(
        src,
        dst,
        detectors=[faces],
        settings=VideoRedaction(**settings),
        tools=Tools(),
        limits=Limits(),
    )


def test_every_face_is_covered_and_the_record_says_what_was_done(
    face_video: Path, faces: CenterFace, tmp_path: Path
) -> None:
    original = boxes_per_frame(face_video, faces)
    assert all(len(boxes) == 1 for boxes in original)  # the test means something
    out = tmp_path / "redacted.mp4"
    record = redact(face_video, out, faces, finding=Finding(detect_every=3))
    assert found_again(original, boxes_per_frame(out, faces)) == []
    video = next(s for s in ffprobe(out)["streams"] if s["codec_type"] == "video")
    assert (video["codec_name"], video["pix_fmt"]) == ("h264", "yuv420p")
    assert [s["codec_type"] for s in ffprobe(out)["streams"]] == ["video"]  # audio dropped by default
    assert out.read_bytes().find(b"moov") < out.read_bytes().find(b"mdat")  # faststart
    assert record["frames"] == 30 and record["tracks"] == {"1": "face"} and record["audio"] == "dropped"
    assert record["detectors"][0]["model_sha256"] == faces.model_sha256  # type: ignore[index]
    json.dumps(record)
    assert leftovers(tmp_path) == []


def test_the_requester_stays_visible(face_video: Path, faces: CenterFace, tmp_path: Path) -> None:
    out = tmp_path / "kept.mp4"
    redact(face_video, out, faces, keep_tracks=frozenset({1}), style=RenderStyle(mode=Mode.PIXELATE))
    assert all(count == 1 for count in faces_per_frame(out, faces))


def test_trimming_audio_and_manual_boxes(face_video: Path, faces: CenterFace, tmp_path: Path) -> None:
    out = tmp_path / "part.mp4"
    manual = ManualTrack([Keyframe(0, 0, 0, 50, 50), Keyframe(9, 0, 0, 50, 50)])
    record = redact(
        face_video, out, faces, start_s=1.0, end_s=2.0, keep_audio=True, keep_tracks=frozenset({1}),
        manual=(manual,), style=RenderStyle(mode=Mode.FILL, shape=Shape.BOX),
    )  # fmt: skip
    probed = ffprobe(out)
    assert sorted(s["codec_type"] for s in probed["streams"]) == ["audio", "video"]
    assert 0.9 <= float(probed["format"]["duration"]) <= 1.2
    assert record["frames"] == 10 and len(record["manual_boxes"]) == 1
    first = next(iter(video_frames(out, tools=Tools(), limits=Limits())))
    assert first.image[5:45, 5:45].max() < 20  # the manual box, filled black
    assert first.image[100:300, 200:300].mean() > 40  # the kept face is not


def test_cancelling_leaves_nothing(face_video: Path, faces: CenterFace, tmp_path: Path) -> None:
    class Stop(Exception):
        pass

    def cancel(fraction: float) -> None:
        if fraction > 0.2:
            raise Stop

    out = tmp_path / "cancelled.mp4"
    with pytest.raises(Stop):
        redact_video(
            face_video, out, detectors=[faces], settings=VideoRedaction(), tools=Tools(), limits=Limits(),
            progress=cancel,
        )  # fmt: skip
    assert not out.exists() and leftovers(tmp_path) == []


def test_a_corrupt_video_fails_cleanly(face_video: Path, faces: CenterFace, tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(face_video.read_bytes()[:2000])
    out = tmp_path / "out.mp4"
    with pytest.raises(MediaError):
        redact(broken, out, faces)
    assert not out.exists() and leftovers(tmp_path) == []


def test_a_new_track_is_covered_on_the_frames_held_back_before_it() -> None:
    import numpy as np

    from media_processing.engine.detection.frames import Frame
    from media_processing.engine.redaction.video import Covering, _drawn

    settings = VideoRedaction(temporal_margin=2, style=RenderStyle(mode=Mode.FILL, shape=Shape.BOX))
    covering = Covering(settings)
    face = Box(1, 1, 2, 2, 0.9, "face")
    released = []
    for index in range(4):
        frame = Frame(index, index / 10, np.full((4, 4, 3), 200, np.uint8))
        released += [_drawn(*item, settings.style) for item in covering.push((frame, {7: face} if index == 3 else {}))]
    assert [item.frame.index for item in covering.pending] == [2, 3]
    assert [list(item.covers) for item in covering.pending] == [[7], [7]]
    assert released[0].mean() == 200  # frame 0: before the margin, untouched
    assert released[1][1:3, 1:3].mean() < 200  # frame 1: inside the margin, covered


def test_the_command_line_prints_the_record(face_video: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "cli.mp4"
    result = subprocess.run(
        [sys.executable, "-m", "media_processing.engine", "redact", str(face_video), str(out), "--end", "1",
         "--mode", "fill"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["frames"] == 10 and record["mode"] == "fill" and out.is_file()
    bad = subprocess.run(
        [sys.executable, "-m", "media_processing.engine", "redact", str(tmp_path / "missing.mp4"), str(out)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert bad.returncode == 1 and "error" in json.loads(bad.stdout) and "Traceback" not in bad.stderr


def test_the_command_line_saves_tracks_and_renders_them_with_another_keep_list(
    face_video: Path, tmp_path: Path
) -> None:
    import subprocess
    import sys

    def engine(*args: str) -> dict[str, Any]:
        result = subprocess.run(
            [sys.executable, "-m", "media_processing.engine", "redact", str(face_video), *args],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        return dict(json.loads(result.stdout))

    tracks = tmp_path / "tracks.npz"
    first = engine(str(tmp_path / "covered.mp4"), "--save-tracks", str(tracks))
    assert first["tracks_source"] == "detected" and tracks.is_file()
    again = engine(str(tmp_path / "kept.mp4"), "--tracks", str(tracks), "--keep-track", "1")
    assert again["tracks_source"] == "stored" and again["keep_tracks"] == [1]
    assert again["detectors"] == first["detectors"] and again["tracks"] == first["tracks"]
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"nope")
    result = subprocess.run(
        [sys.executable, "-m", "media_processing.engine", "redact", str(face_video), str(tmp_path / "x.mp4"),
         "--tracks", str(broken)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1 and json.loads(result.stdout)["code"] == "tracks-invalid"

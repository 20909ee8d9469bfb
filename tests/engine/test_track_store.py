"""The detection store: compact, complete, boxes and ids only, and reusable for a
re-render with another keep list without running a detector."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from media_processing.engine import Limits, Tools
from media_processing.engine.detection.centerface import CenterFace
from media_processing.engine.errors import MediaError
from media_processing.engine.redaction.video import VideoRedaction, detect_video, redact_video
from media_processing.engine.track_finder import Finding
from media_processing.engine.track_store import TrackStore, TrackStoreBuilder

from .conftest import boxes_per_frame, found_again, leftovers, make_face_video


@pytest.fixture(scope="module")
def faces() -> CenterFace:
    return CenterFace()


@pytest.fixture(scope="module")
def face_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seconds of the astronaut panning slowly, 10 fps."""
    return make_face_video(tmp_path_factory.mktemp("video") / "astronaut.mp4", seconds=2, audio=False)


def small_store() -> TrackStore:
    builder = TrackStoreBuilder()
    for frame in (2, 0, 1):  # out of order on purpose
        builder.add(frame, 7, (10.0 + frame, 20.0, 30.0, 40.0), 0.9, frame != 1)
    builder.add(1, 3, (100.0, 100.0, 50.0, 20.0), 0.6, True)
    return builder.build(
        width=320, height=240, fps=25.0, frame_count=3, labels={7: "face", 3: "plate"},
        detectors=[{"name": "centerface", "model_sha256": "ab"}], settings={"detect_every": 8},
    )  # fmt: skip


def test_the_store_round_trips_and_answers_per_frame(tmp_path: Path) -> None:
    store = small_store()
    path = tmp_path / "tracks.npz"
    store.save(path)
    loaded = TrackStore.load(path)
    assert (loaded.width, loaded.height, loaded.fps, loaded.frame_count) == (320, 240, 25.0, 3)
    assert loaded.labels == {7: "face", 3: "plate"} and loaded.settings == {"detect_every": 8}
    assert len(loaded) == 4 and loaded.detections == 3
    assert list(loaded.frames) == [0, 1, 1, 2]  # sorted by frame, then track
    covers = loaded.covers_at(1)
    assert sorted(covers) == [3, 7] and (covers[3].label, covers[7].label) == ("plate", "face")
    assert (covers[7].x, covers[7].y, covers[7].w, covers[7].h) == (11.0, 20.0, 30.0, 40.0)
    assert covers[3].score == pytest.approx(0.6, abs=1e-3)
    assert loaded.covers_at(5) == {}
    assert [row.frame for row in loaded.observations(1, 1)] == [1, 1]
    summaries = {summary.track_id: summary for summary in loaded.summaries()}
    assert summaries[7].first_frame == 0 and summaries[7].last_frame == 2 and summaries[7].detections == 2
    assert summaries[7].best_frame in (0, 2)  # a detected frame, never the guessed one
    assert summaries[3].as_dict(25.0)["first_s"] == 0.04
    assert leftovers(tmp_path) == []


def test_the_store_holds_nothing_but_boxes_ids_and_scores(tmp_path: Path) -> None:
    path = tmp_path / "tracks.npz"
    small_store().save(path)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == sorted(
            ["meta.npy", "track_ids.npy", "frames.npy", "boxes.npy", "scores.npy", "detected.npy"]
        )
    with np.load(path, allow_pickle=False) as data:
        assert data["boxes"].shape == (4, 4) and data["boxes"].dtype == np.float32


@pytest.mark.parametrize("content", [b"", b"not a zip", None])
def test_a_damaged_store_is_refused_clearly(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "tracks.npz"
    if content is None:  # a valid archive of something else
        np.savez(path, meta=np.frombuffer(b'{"format": "other"}', np.uint8))
    else:
        path.write_bytes(content)
    with pytest.raises(MediaError) as caught:
        TrackStore.load(path)
    assert caught.value.code == "tracks-invalid" and "detection again" in caught.value.message


def test_detect_then_render_with_another_keep_list_reuses_the_tracks(
    face_video: Path, faces: CenterFace, tmp_path: Path
) -> None:
    store = detect_video(face_video, detectors=[faces], finding=Finding(detect_every=4), tools=Tools(), limits=Limits())
    assert store.frame_count == 20 and store.labels == {1: "face"}
    assert set(store.frames.tolist()) == set(range(20))  # the face has a box on every frame
    assert store.detectors[0]["model_sha256"] == faces.model_sha256

    covered, kept = tmp_path / "covered.mp4", tmp_path / "kept.mp4"
    record = redact_video(face_video, covered, store=store, settings=VideoRedaction(), tools=Tools(), limits=Limits())
    assert record["tracks_source"] == "stored" and record["detections"] == store.detections
    assert record["detectors"] == store.detectors and record["tracks"] == {"1": "face"}
    again = redact_video(
        face_video, kept, store=store, settings=VideoRedaction(keep_tracks=frozenset({1})),
        tools=Tools(), limits=Limits(),
    )  # fmt: skip
    assert again["keep_tracks"] == [1]
    original = boxes_per_frame(face_video, faces)
    assert found_again(original, boxes_per_frame(covered, faces)) == []
    assert found_again(original, boxes_per_frame(kept, faces)) == list(range(20))  # the face, on every frame


def test_a_redaction_saves_its_tracks_and_a_trimmed_render_finds_its_frames(
    face_video: Path, faces: CenterFace, tmp_path: Path
) -> None:
    saved = tmp_path / "tracks.npz"
    redact_video(
        face_video, tmp_path / "whole.mp4", detectors=[faces], settings=VideoRedaction(), tools=Tools(),
        limits=Limits(), save_tracks=saved,
    )  # fmt: skip
    store = TrackStore.load(saved)
    assert store.frame_count == 20 and store.start_frame == 0
    part = tmp_path / "part.mp4"
    record = redact_video(
        face_video, part, store=store, settings=VideoRedaction(start_s=1.0, end_s=2.0), tools=Tools(), limits=Limits()
    )
    assert record["frames"] == 10
    assert found_again(boxes_per_frame(face_video, faces)[10:], boxes_per_frame(part, faces)) == []


def test_a_store_of_another_video_is_refused(face_video: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    with pytest.raises(MediaError) as caught:
        redact_video(face_video, out, store=small_store(), settings=VideoRedaction(), tools=Tools(), limits=Limits())
    assert caught.value.code == "tracks-invalid"
    assert not out.exists() and leftovers(tmp_path) == []
    with pytest.raises(ValueError, match="detectors or a detection store"):
        redact_video(face_video, out, settings=VideoRedaction(), tools=Tools(), limits=Limits())

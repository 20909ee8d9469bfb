"""The track finder with the real face model on frames built from a real photograph:
full passes on the stride, following between them, the backward search for an object
first seen at a full pass, and memory bounded by the stride."""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np
import pytest

from media_processing.engine.detection.base import Box
from media_processing.engine.detection.centerface import CenterFace
from media_processing.engine.detection.frames import Frame
from media_processing.engine.track_finder import Finding, Found, TrackFinder

from .conftest import shared_folder

CANVAS = (360, 640)  # height, width


@pytest.fixture(scope="module")
def faces() -> CenterFace:
    return CenterFace()


@pytest.fixture(scope="module")
def portrait() -> np.ndarray:
    """The astronaut's head and shoulders, 160 pixels square."""
    image = cv2.imread(str(shared_folder("faces/nogt") / "astronaut.png"))
    assert image is not None
    return cv2.resize(image[0:400, 50:450], (160, 160), interpolation=cv2.INTER_AREA)


def scene(portrait: np.ndarray, visible: range | list[int], frames: int, step: int = 6) -> Iterator[Frame]:
    """A grey scene the portrait crosses from left to right while `index in visible`."""
    for index in range(frames):
        image = np.full((*CANVAS, 3), 90, np.uint8)
        if index in visible:
            x = 40 + step * index
            image[100:260, x : x + 160] = portrait
        yield Frame(index, index / 25, image)


def run(finder: TrackFinder, frames: Iterator[Frame]) -> list[Found]:
    out: list[Found] = []
    for frame in frames:
        out += finder.push(frame)
        assert len(finder._held) < finder.every  # memory bounded by the stride
    return out + finder.flush()


def face_box(found: Found) -> Box | None:
    return next((Box(t.x, t.y, t.w, t.h, t.score, t.label) for t in found.tracks.values()), None)


class CountingFaces:
    """The real detector, counting the whole-frame calls apart from the crops."""

    name: str = "counting"
    model_sha256: str | None = None
    labels: tuple[str, ...] = ("face",)

    def __init__(self, inner: CenterFace) -> None:
        self.inner = inner
        self.whole_frames: list[int] = []

    def detect(self, frame: np.ndarray) -> list[Box]:
        if frame.shape[:2] == CANVAS:
            self.whole_frames.append(len(self.whole_frames))
        return self.inner.detect(frame)


def test_whole_frames_only_on_the_stride_and_the_face_followed_in_between(
    faces: CenterFace, portrait: np.ndarray
) -> None:
    counting = CountingFaces(faces)
    finder = TrackFinder([counting], Finding(detect_every=6))
    found = run(finder, scene(portrait, range(30), 30))
    assert [item.frame.index for item in found] == list(range(30))  # every frame once, in order
    assert len(counting.whole_frames) == 5  # frames 0, 6, 12, 18, 24
    assert {track_id for item in found for track_id in item.tracks} == {1}  # one stable id
    detected = [item.tracks[1].detected for item in found]
    assert sum(detected) >= 28  # found in the crops, not only guessed
    boxes = [face_box(item) for item in found]
    offsets = [box.x - 6 * index for index, box in enumerate(boxes) if box is not None]
    assert len(offsets) == 30 and max(offsets) - min(offsets) < 12  # the box moves with the face


def test_a_face_first_seen_at_a_full_pass_is_searched_backwards(faces: CenterFace, portrait: np.ndarray) -> None:
    finder = TrackFinder([faces], Finding(detect_every=8))
    found = run(finder, scene(portrait, range(3, 20), 20))  # appears on frame 3; full passes 0, 8, 16
    covered = [item.frame.index for item in found if item.tracks]
    assert covered[0] <= 3 and set(range(3, 20)) <= set(covered)
    assert not found[0].tracks  # nothing before it was there: the search stopped
    assert finder.labels == {1: "face"}


def test_without_the_backward_search_the_frames_before_the_pass_stay_uncovered(
    faces: CenterFace, portrait: np.ndarray
) -> None:
    finder = TrackFinder([faces], Finding(detect_every=8, backfill=False))
    found = run(finder, scene(portrait, range(3, 20), 20))
    assert next(item.frame.index for item in found if item.tracks) == 8  # what the search adds


def test_a_face_hidden_for_a_moment_keeps_its_id(faces: CenterFace, portrait: np.ndarray) -> None:
    finder = TrackFinder([faces], Finding(detect_every=8))
    hidden = range(13, 17)  # four frames between two full passes
    found = run(finder, scene(portrait, [index for index in range(40) if index not in hidden], 40, step=3))
    assert {track_id for item in found for track_id in item.tracks} == {1}
    assert all(item.tracks for item in found)  # covered through the gap too


def test_every_frame_is_a_full_pass_with_stride_one(faces: CenterFace, portrait: np.ndarray) -> None:
    counting = CountingFaces(faces)
    finder = TrackFinder([counting], Finding(detect_every=1))
    frames = list(scene(portrait, range(5), 5))
    released = [finder.push(frame) for frame in frames]
    assert [len(batch) for batch in released] == [1] * 5  # nothing held back
    assert len(counting.whole_frames) == 5


def test_settings_are_checked(faces: CenterFace) -> None:
    with pytest.raises(ValueError, match="detect_every"):
        Finding(detect_every=0)
    assert [Finding().stride(fps) for fps in (25, 30, 15, 1)] == [8, 10, 5, 1]  # a third of a second
    assert Finding(detect_every=3).stride(30) == 3
    with pytest.raises(ValueError, match="detector"):
        TrackFinder([], Finding())


def test_missed_face_rate_on_the_shared_360_clip(faces: CenterFace) -> None:
    """Frames where a face the model finds on the whole frame at full resolution is left
    (mostly) uncovered by the default settings: under 0.5 %."""
    from media_processing.engine import Limits, Tools
    from media_processing.engine.detection import build_detectors, video_frames
    from media_processing.engine.redaction.coverage import uncovered
    from media_processing.engine.redaction.video import Covering, VideoRedaction, found_boxes

    clip = shared_folder("video/video4j-facedetect/media") / "pexels-8090198-sd_640_338_25fps.mp4"
    reference = {frame.index: faces.detect(frame.image) for frame in video_frames(clip, tools=Tools(), limits=Limits())}
    assert sum(1 for boxes in reference.values() if boxes) > 500  # the clip is full of faces
    settings = VideoRedaction()
    covering = Covering(settings)
    missed: list[int] = []

    def judge(pairs: Iterator[tuple[Frame, list[Box]]]) -> None:
        for frame, regions in pairs:
            height, width = frame.image.shape[:2]
            if uncovered(reference[frame.index], regions, settings.style, width=width, height=height):
                missed.append(frame.index)

    finder = TrackFinder(build_detectors(), settings.finding, fps=25.0)
    for item in found_boxes(video_frames(clip, tools=Tools(), limits=Limits()), finder):
        judge(covering.push(item))
    judge(covering.flush())
    assert len(missed) / len(reference) < 0.005, missed

"""Track ids survive missed detections; different people and different labels stay apart."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from media_processing.engine.tracking import Tracker


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    score: float = 0.9
    label: str = "face"


def walking(frame: int, *, x0: float = 10, y: float = 40, speed: float = 2, label: str = "face") -> Box:
    return Box(x0 + speed * frame, y, 40, 40, label=label)


def test_a_face_missed_for_a_few_frames_keeps_its_id_and_stays_covered() -> None:
    tracker = Tracker(max_missed=10)
    ids = set()
    for frame in range(40):
        missing = 15 <= frame < 21  # turned away for six frames
        tracks = tracker.update([] if missing else [walking(frame)])
        assert len(tracks) == 1, f"frame {frame}"
        [track] = tracks
        ids.add(track.track_id)
        assert track.detected is not missing
        if missing:
            # The predicted box keeps moving with the face.
            assert abs(track.x - walking(frame).x) < 10
    assert len(ids) == 1


def test_a_track_ends_after_too_many_missed_frames() -> None:
    tracker = Tracker(max_missed=3)
    [first] = tracker.update([walking(0)])
    for _frame in range(1, 12):
        tracker.update([])
    assert tracker.predict() == []
    [again] = tracker.update([walking(12)])
    assert again.track_id != first.track_id


def test_two_people_and_a_plate_get_their_own_ids() -> None:
    tracker = Tracker()
    seen: dict[str, set[int]] = {"left": set(), "right": set(), "plate": set()}
    for frame in range(20):
        tracks = tracker.update(
            [
                walking(frame, x0=0),
                walking(frame, x0=300, speed=-2),
                Box(150, 200, 60, 20, label="plate"),
            ]
        )
        for track in tracks:
            side = "plate" if track.label == "plate" else ("left" if track.x < 150 else "right")
            seen[side].add(track.track_id)
    assert all(len(ids) == 1 for ids in seen.values()), seen
    assert len(set().union(*seen.values())) == 3


def test_a_detection_stride_is_bridged_by_prediction() -> None:
    tracker = Tracker(max_missed=30)
    ids = set()
    for frame in range(0, 60, 5):  # detector runs every fifth frame
        for track in tracker.update([walking(frame, speed=3)], frames_since_last=5):
            ids.add(track.track_id)
        for predicted in tracker.predict():
            ids.add(predicted.track_id)
    assert len(ids) == 1


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="max_missed"):
        Tracker(max_missed=0)
    with pytest.raises(ValueError, match="min_iou"):
        Tracker(min_iou=1.5)

"""Search by time window: overlap rules at the edges, in-file offsets, coverage and gaps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from media_processing.models import Camera, Recording, RecordingKind, RecordingStatus
from media_processing.selectors import camera_coverage, footage_search
from tests.support.footage import make_camera

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


def add(camera: Camera, start_min: float, minutes: float, **fields: Any) -> Recording:
    start = T0 + timedelta(minutes=start_min)
    recording = Recording.objects.create(
        camera=camera,
        start=start,
        end=start + timedelta(minutes=minutes),
        duration_seconds=minutes * 60,
        original_name=f"{start_min}.mp4",
        status=fields.pop("status", RecordingStatus.READY),
        source="folder",
        **fields,
    )
    Camera.objects.filter(pk=camera.pk, longest_recording_seconds__lt=minutes * 60).update(
        longest_recording_seconds=minutes * 60
    )
    camera.refresh_from_db()
    return recording


def window(start_min: float, end_min: float) -> tuple[datetime, datetime]:
    return T0 + timedelta(minutes=start_min), T0 + timedelta(minutes=end_min)


def found(camera: Camera, start_min: float, end_min: float) -> list[Recording]:
    start, end = window(start_min, end_min)
    return [hit.recording for hit in footage_search(cameras=[camera], start=start, end=end)]


def test_overlaps_are_half_open_and_offsets_are_inside_each_file() -> None:
    camera = make_camera("A")
    before = add(camera, 0, 10)  # ends exactly at the window's start: not in [from, to)
    first = add(camera, 10, 10)
    long = add(camera, 25, 60)  # starts inside, ends after
    add(camera, 40, 5, status=RecordingStatus.FAILED)  # failed ingestions are never footage
    after = add(camera, 40, 10)
    start, end = window(10, 40)  # `after` starts exactly at the window's end: out
    hits = footage_search(cameras=[camera], start=start, end=end)
    assert [hit.recording for hit in hits] == [first, long]
    assert (hits[0].from_offset, hits[0].to_offset) == (0, 600)
    assert (hits[1].from_offset, hits[1].to_offset) == (0, 900)
    assert hits[1].overlap_start == T0 + timedelta(minutes=25) and hits[1].overlap_end == end
    start, end = window(35, 37)
    [hit] = footage_search(cameras=[camera], start=start, end=end)
    assert hit.recording == long and (hit.from_offset, hit.to_offset) == (600, 720)
    assert before not in found(camera, 10, 11)
    assert after in found(camera, 49, 60)


def test_a_recording_that_began_long_before_the_window_is_found() -> None:
    camera = make_camera("B")
    add(camera, 0, 5)
    day_long = add(camera, -600, 24 * 60)  # the longest recording bounds the search from below
    start, end = window(600, 610)
    assert [hit.recording for hit in footage_search(cameras=[camera], start=start, end=end)] == [day_long]


def test_only_the_chosen_cameras() -> None:
    a, b = make_camera("A"), make_camera("B")
    in_a, in_b = add(a, 0, 10), add(b, 0, 10)
    start, end = window(0, 5)
    assert [hit.recording for hit in footage_search(cameras=[b], start=start, end=end)] == [in_b]
    assert {hit.recording for hit in footage_search(cameras=[a, b], start=start, end=end)} == {in_a, in_b}
    assert footage_search(cameras=[], start=start, end=end) == []


def test_coverage_merges_overlaps_and_lists_gaps_and_stills() -> None:
    camera = make_camera("C")
    add(camera, 0, 10)
    add(camera, 5, 10)  # overlaps the first
    add(camera, 30, 10)
    add(camera, 20, 0, kind=RecordingKind.IMAGE)
    start, end = window(-5, 45)
    coverage = camera_coverage(camera=camera, start=start, end=end)
    assert [(s.start, s.end) for s in coverage.recorded] == [window(0, 15), window(30, 40)]
    assert [(g.start, g.end) for g in coverage.gaps] == [window(-5, 0), window(15, 30), window(40, 45)]
    assert coverage.stills == (T0 + timedelta(minutes=20),)
    assert coverage.ratio == pytest.approx(25 / 50)

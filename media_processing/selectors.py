"""Reads of the footage library: search by time window, coverage and gaps."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from media_processing.models import Camera, Recording, RecordingKind, RecordingStatus
from media_processing.services.retention import with_held


@dataclass(frozen=True)
class FootageHit:
    """A recording overlapping the window, and which part of it: `overlap_start` to
    `overlap_end` in absolute time, `from_offset` to `to_offset` seconds into the file."""

    recording: Recording
    overlap_start: datetime
    overlap_end: datetime
    from_offset: float
    to_offset: float


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start) / timedelta(seconds=1)


@dataclass(frozen=True)
class Coverage:
    camera: Camera
    start: datetime
    end: datetime
    recorded: tuple[Span, ...]
    gaps: tuple[Span, ...]
    stills: tuple[datetime, ...]

    @property
    def ratio(self) -> float:
        total = (self.end - self.start) / timedelta(seconds=1)
        return sum(span.seconds for span in self.recorded) / total if total > 0 else 0.0


def recordings_in_window(cameras: Iterable[Camera], start: datetime, end: datetime) -> list[Recording]:
    """Ready recordings of `cameras` overlapping [start, end), ordered by camera and start.

    Each camera's clause bounds `start` from below by its longest recording, so the
    database walks only the index range that can overlap the window.
    """
    cameras = list(cameras)
    recordings = list(with_held(window_queryset(cameras, start, end)))
    # The caller's camera objects, rather than a join that would build one per row.
    by_pk = {camera.pk: camera for camera in cameras}
    for recording in recordings:
        recording.camera = by_pk[recording.camera_id]
    return recordings


def window_queryset(cameras: Sequence[Camera], start: datetime, end: datetime) -> QuerySet[Recording]:
    # Read from the database, not the objects passed in: an ingestion may have just
    # raised a camera's longest recording.
    longest = dict(
        Camera.objects.filter(pk__in=[camera.pk for camera in cameras]).values_list("pk", "longest_recording_seconds")
    )
    clauses = Q()
    for camera_pk, seconds in longest.items():
        clauses |= Q(camera_id=camera_pk, start__gte=start - timedelta(seconds=seconds))
    if not clauses:
        return Recording.objects.none()
    overlapping = Q(end__gt=start) | Q(kind=RecordingKind.IMAGE, start__gte=start)
    return Recording.objects.filter(clauses, overlapping, status=RecordingStatus.READY, start__lt=end).order_by(
        "camera_id", "start", "pk"
    )


def footage_search(*, cameras: Sequence[Camera], start: datetime, end: datetime) -> list[FootageHit]:
    hits = []
    for recording in recordings_in_window(cameras, start, end):
        assert recording.start is not None and recording.end is not None
        overlap_start = max(recording.start, start)
        overlap_end = min(recording.end, end)
        hits.append(
            FootageHit(
                recording=recording,
                overlap_start=overlap_start,
                overlap_end=overlap_end,
                from_offset=recording.offset_of(overlap_start),
                to_offset=recording.offset_of(overlap_end),
            )
        )
    return hits


def camera_coverage(
    *, camera: Camera, start: datetime, end: datetime, recordings: Sequence[Recording] | None = None
) -> Coverage:
    """Which parts of [start, end) this camera's stored videos cover, and the gaps."""
    if recordings is None:
        recordings = recordings_in_window([camera], start, end)
    spans: list[Span] = []
    stills: list[datetime] = []
    for recording in recordings:
        assert recording.start is not None and recording.end is not None
        if recording.kind == RecordingKind.IMAGE:
            stills.append(recording.start)
            continue
        span = Span(max(recording.start, start), min(recording.end, end))
        if spans and span.start <= spans[-1].end:
            spans[-1] = Span(spans[-1].start, max(spans[-1].end, span.end))
        elif span.end > span.start:
            spans.append(span)
    gaps: list[Span] = []
    cursor = start
    for span in spans:
        if span.start > cursor:
            gaps.append(Span(cursor, span.start))
        cursor = max(cursor, span.end)
    if cursor < end:
        gaps.append(Span(cursor, end))
    return Coverage(camera, start, end, tuple(spans), tuple(gaps), tuple(stills))

"""Property-based: over random schedules, holds and recordings, a sweep never deletes a held
or unexpired recording and always deletes the expired, unheld ones."""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.models import LegalHold, RetentionCategory, RetentionPolicy
from compliance.retention.sweep import sweep
from media_processing.models import Recording, RecordingSource, RecordingStatus
from tests.support.footage import make_camera

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
# 60 in the suite; set RETENTION_EXAMPLES for a longer run.
EXAMPLES = int(os.environ.get("RETENTION_EXAMPLES", "60"))

policies = st.tuples(st.integers(0, 72), st.sampled_from(["hours", "days"]), st.sampled_from(["delete", "keep"]))
recordings = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 24 * 90), st.integers(1, 7200)), min_size=1, max_size=12
)  # (camera index, hours ago the recording ended, seconds long)
holds = st.lists(
    st.tuples(
        st.integers(0, 2),
        st.one_of(st.none(), st.integers(0, 24 * 90)),  # window start, hours ago (None: open)
        st.one_of(st.none(), st.integers(0, 24 * 90)),  # window length in hours (None: open)
        st.booleans(),  # released
    ),
    max_size=3,
)
named = st.lists(st.integers(0, 11), max_size=2)  # recordings held by name


class Rollback(Exception):
    pass


@settings(
    max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    default=policies,
    overrides=st.lists(st.one_of(st.none(), policies), min_size=3, max_size=3),
    footage=recordings,
    camera_holds=holds,
    named_holds=named,
)
def test_sweep_deletes_exactly_the_expired_unheld_recordings(
    default: Any, overrides: Any, footage: Any, camera_holds: Any, named_holds: Any
) -> None:
    try:
        with transaction.atomic():
            _check(default, overrides, footage, camera_holds, named_holds)
            raise Rollback
    except Rollback:
        pass


def _check(default: Any, overrides: Any, footage: Any, camera_holds: Any, named_holds: Any) -> None:
    cameras = [make_camera(f"Camera {number}") for number in range(3)]
    RetentionPolicy.objects.filter(category=RetentionCategory.RAW_FOOTAGE, camera=None).update(
        period=default[0], unit=default[1], action=default[2]
    )
    effective = {}
    for camera, override in zip(cameras, overrides, strict=True):
        chosen = override or default
        if override:
            RetentionPolicy.objects.create(
                category=RetentionCategory.RAW_FOOTAGE, camera=camera, period=override[0], unit=override[1],
                action=override[2],
            )  # fmt: skip
        effective[camera.pk] = chosen
    rows = []
    for index, ended_hours_ago, seconds in footage:
        end = NOW - timedelta(hours=ended_hours_ago, seconds=1)
        rows.append(
            Recording.objects.create(
                camera=cameras[index], start=end - timedelta(seconds=seconds), end=end, duration_seconds=seconds,
                original_name="x.mp4", status=RecordingStatus.READY, source=RecordingSource.DEMO,
            )
        )  # fmt: skip
    active = []
    for index, start_hours_ago, length, released in camera_holds:
        opens = None if start_hours_ago is None else NOW - timedelta(hours=start_hours_ago)
        closes = None if length is None else (opens or NOW - timedelta(days=91)) + timedelta(hours=length)
        hold = LegalHold.objects.create(
            reason="r", case_reference="C", review_on=date(2030, 1, 1), window_start=opens, window_end=closes,
            released_at=NOW if released else None,
        )  # fmt: skip
        hold.cameras.add(cameras[index])
        if not released:
            active.append((cameras[index].pk, opens, closes))
    held_by_name = {rows[i].pk for i in named_holds if i < len(rows)}
    if held_by_name:
        LegalHold.objects.create(reason="r", case_reference="N", review_on=date(2030, 1, 1)).recordings.set(
            held_by_name
        )

    def expired(recording: Recording) -> bool:
        period, unit, action = effective[recording.camera_id]
        length = timedelta(hours=period) if unit == "hours" else timedelta(days=period)
        assert recording.end is not None
        return action == "delete" and recording.end < NOW - length

    def held(recording: Recording) -> bool:
        assert recording.start is not None and recording.end is not None
        if recording.pk in held_by_name:
            return True
        return any(
            camera == recording.camera_id
            and (start is None or start < recording.end)
            and (end is None or end > recording.start)
            for camera, start, end in active
        )

    sweep(now=NOW)
    left = set(Recording.objects.values_list("pk", flat=True))
    for recording in rows:
        if expired(recording) and not held(recording):
            assert recording.pk not in left, "an expired, unheld recording survived the sweep"
        else:
            assert recording.pk in left, "a held or unexpired recording was deleted"

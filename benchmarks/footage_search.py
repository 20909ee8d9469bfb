"""Footage search at a million recordings, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/obscura_bench .venv/bin/python benchmarks/footage_search.py

Creates the database's tables if needed, fills 1,000,000 ready recordings (200 cameras x
5,000 consecutive five-minute files, about 17 days each), then times window queries
through the real selector (`recordings_in_window`) and, as the baseline in the same
process, the same query without the lower bound on `start` that the selector derives
from each camera's longest recording. Prints p50/p95 in milliseconds and the ratio.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compliance.settings")
os.environ.setdefault("SECRET_KEY", "benchmark")
os.environ.setdefault("OBSCURA_HTTPS", "False")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q, QuerySet  # noqa: E402

from media_processing.models import Camera, Recording, RecordingStatus, Site  # noqa: E402
from media_processing.selectors import recordings_in_window, window_queryset  # noqa: E402

CAMERAS = 200
PER_CAMERA = 5_000
LENGTH = timedelta(minutes=5)
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
QUERIES = 500


def fill() -> None:
    if Recording.objects.count() >= CAMERAS * PER_CAMERA:
        return
    print(f"Filling {CAMERAS * PER_CAMERA:,} recordings…", flush=True)
    site, _created = Site.objects.get_or_create(name="Benchmark site")
    Camera.objects.bulk_create(
        [
            Camera(name=f"bench-{n:03d}", site=site, purpose="benchmark", longest_recording_seconds=300)
            for n in range(CAMERAS)
        ],
        ignore_conflicts=True,
    )
    table = Recording._meta.db_table
    # Every other column takes the value an ordinary ready recording has, so the insert
    # stays valid as the model grows.
    template = Recording(
        kind="video",
        duration_seconds=300,
        file="recordings/bench.mp4",
        original_name="bench.mp4",
        container="mp4",
        video_codec="h264",
        status=RecordingStatus.READY,
        source="folder",
        created_at=EPOCH,
    )
    varying = {"id", "camera", "start", "end"}
    fields = [f for f in Recording._meta.concrete_fields if f.name not in varying]
    columns = ", ".join(connection.ops.quote_name(f.column or f.name) for f in fields)
    values = [f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (camera_id, start, "end", {columns})
            SELECT c.id, %s + n * interval '5 minutes', %s + (n + 1) * interval '5 minutes',
                {", ".join(["%s"] * len(fields))}
            FROM {Camera._meta.db_table} c, generate_series(0, %s) AS n
            WHERE c.name LIKE 'bench-%%'
            """,
            [EPOCH, EPOCH, *values, PER_CAMERA - 1],
        )
        cursor.execute(f"ANALYZE {table}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run(label: str, query: object) -> list[float]:
    timings = []
    rng = random.Random(7)
    cameras = list(Camera.objects.filter(name__startswith="bench-"))
    for _ in range(QUERIES):
        chosen = rng.sample(cameras, rng.randint(1, 4))
        start = EPOCH + timedelta(minutes=rng.randint(0, PER_CAMERA * 5 - 120))
        end = start + timedelta(minutes=rng.choice((15, 60, 120)))
        began = time.perf_counter()
        rows = query(chosen, start, end)  # type: ignore[operator]
        timings.append((time.perf_counter() - began) * 1000)
        assert rows, "every window lies inside the filled range"
    print(f"{label:<34} p50 {percentile(timings, 0.5):7.2f} ms   p95 {percentile(timings, 0.95):7.2f} ms")
    return timings


def baseline_queryset(cameras: list[Camera], start: datetime, end: datetime) -> QuerySet[Recording]:
    """Overlap test only: the index range is open below, so it scans each camera's past."""
    return Recording.objects.filter(
        Q(end__gt=start), camera__in=cameras, status=RecordingStatus.READY, start__lt=end
    ).order_by("camera_id", "start")


def baseline(cameras: list[Camera], start: datetime, end: datetime) -> list[Recording]:
    return list(baseline_queryset(cameras, start, end))


def sql_only(
    queryset: Callable[[list[Camera], datetime, datetime], QuerySet[Recording]],
) -> Callable[[list[Camera], datetime, datetime], list[Any]]:
    """The same query's SQL alone, rows as tuples: what the index does, without model objects."""

    def timed(cameras: list[Camera], start: datetime, end: datetime) -> list[Any]:
        with connection.cursor() as cursor:
            cursor.execute(*queryset(cameras, start, end).values_list("pk").query.sql_with_params())
            return cursor.fetchall()

    return timed


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0, skip_checks=True)
    fill()
    print(f"{Recording.objects.count():,} recordings, {CAMERAS} cameras, {QUERIES} random windows (1-4 cameras)")
    run("baseline (no lower bound)", baseline)  # warm-up
    base = run("baseline (no lower bound)", baseline)
    ours = run("recordings_in_window (bounded)", recordings_in_window)
    base_sql = run("baseline, SQL only", sql_only(baseline_queryset))
    ours_sql = run("bounded, SQL only", sql_only(window_queryset))
    print(
        f"ratio baseline/ours: p50 {percentile(base, 0.5) / percentile(ours, 0.5):.1f}x, "
        f"p95 {percentile(base, 0.95) / percentile(ours, 0.95):.1f}x; goal p95 < 20 ms: "
        f"{'met' if percentile(ours, 0.95) < 20 else 'NOT met'}"
    )
    print(
        f"ratio SQL only: p50 {percentile(base_sql, 0.5) / percentile(ours_sql, 0.5):.1f}x, "
        f"p95 {percentile(base_sql, 0.95) / percentile(ours_sql, 0.95):.1f}x"
    )


if __name__ == "__main__":
    main()

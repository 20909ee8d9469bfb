"""The retention sweep over N expired recordings, each with a small file.

    .venv/bin/python benchmarks/retention_sweep.py --count 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/obscura_bench_sweep .venv/bin/python benchmarks/retention_sweep.py

Works in a scratch data folder (a fresh SQLite database there unless DATABASE_URL names
one; a PostgreSQL database is emptied of recordings first). Creates N ready recordings
that ended 60 days ago, each with a 64-byte file, then times a dry run (the baseline: the
same selection and hold checks, no deletion), the Retention page's preview (counted by
the database) and the real sweep, which deletes the items
in chunks, a transaction each, with their pending-deletion records and certificate lines. Prints
items per second for both and the ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
SCRATCH = Path(tempfile.mkdtemp(prefix="obscura-sweep-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "compliance.settings")
os.environ.setdefault("SECRET_KEY", "benchmark")
os.environ.setdefault("OBSCURA_HTTPS", "False")
os.environ["OBSCURA_DATA_DIR"] = str(SCRATCH)
os.environ["MEDIA_ROOT"] = str(SCRATCH / "media")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{SCRATCH / 'bench.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from compliance.retention.preview import sweep_preview  # noqa: E402
from compliance.retention.sweep import sweep  # noqa: E402
from media_processing.models import Camera, Recording, RecordingSource, RecordingStatus, Site  # noqa: E402


def fill(count: int) -> None:
    Recording.objects.all().delete()
    site, _created = Site.objects.get_or_create(name="Benchmark site")
    camera = Camera.objects.create(name=f"bench-{time.time_ns()}", site=site, purpose="benchmark")
    start = timezone.now() - timedelta(days=60)
    folder = Path(settings.MEDIA_ROOT) / "recordings" / str(camera.pk)
    folder.mkdir(parents=True, exist_ok=True)
    batch: list[Recording] = []
    for number in range(count):
        relative = f"recordings/{camera.pk}/{number:07}.mp4"
        (folder / f"{number:07}.mp4").write_bytes(b"x" * 64)
        moment = start + timedelta(seconds=10 * number)
        batch.append(
            Recording(
                camera=camera, start=moment, end=moment + timedelta(seconds=10), duration_seconds=10,
                original_name=f"{number}.mp4", status=RecordingStatus.READY, source=RecordingSource.DEMO,
                file=relative, size=64, sha256="ab" * 32,
            )
        )  # fmt: skip
        if len(batch) == 5000:
            Recording.objects.bulk_create(batch)
            batch = []
    Recording.objects.bulk_create(batch)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    count = parser.parse_args().count
    call_command("migrate", verbosity=0)
    print(f"Scratch folder {SCRATCH}; filling {count:,} expired recordings…", flush=True)
    fill(count)

    began = time.perf_counter()
    preview = sweep_preview()
    previewed = time.perf_counter() - began
    assert sum(row.count for row in preview) == count, preview
    began = time.perf_counter()
    planned = sweep(dry_run=True)
    dry = time.perf_counter() - began
    began = time.perf_counter()
    result = sweep()
    real = time.perf_counter() - began
    assert len(planned.deleted) == count and len(result.deleted) == count, (len(planned.deleted), len(result.deleted))
    assert not Recording.objects.exists()
    print(f"database: {django.db.connection.vendor}; items: {count:,}")
    print(f"dry run (baseline): {dry:.2f} s, {count / dry:,.0f} items/s")
    print(f"real sweep:         {real:.2f} s, {count / real:,.0f} items/s")
    print(f"page preview:       {previewed:.2f} s ({previewed / dry:.2f}x the dry run)")
    print(f"real / dry-run time: {real / dry:.1f}x")


if __name__ == "__main__":
    main()

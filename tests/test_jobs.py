"""Background jobs end to end: real Redis, real `rqworker` processes, the htmx progress partial.

Workers are child processes that use the test database (`database_env()`), so the tests
commit their rows (`transaction=True`); `serialized_rollback` brings back the role groups
that a data migration creates and the flush after each transactional test removes.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import django_rq
import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rq.job import Job

from compliance.jobs import job_cancel, reap_abandoned_jobs, start_job
from compliance.models import JobRun, JobStatus
from tests.support.workers import (
    ABANDONED_AFTER_SECONDS,
    DEADLINE_SECONDS,
    HEARTBEAT_SECONDS,
    kill,
    start_worker,
    stop_worker,
    wait_until,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("redis_db"),
]

PROGRESS = re.compile(r'<progress max="100" value="(\d+)"')


# Workers -------------------------------------------------------------------------------


@pytest.fixture
def burst_worker(tmp_path: Path) -> Callable[[], None]:
    """Runs `rqworker --burst`: it works the queue until it is empty, then exits."""

    def run() -> None:
        log = tmp_path / "burst-worker.log"
        worker = start_worker(log, burst=True)
        try:
            returncode = worker.wait(timeout=DEADLINE_SECONDS)
        finally:
            stop_worker(worker)
        assert returncode == 0, log.read_text()

    return run


@pytest.fixture
def background_worker(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    worker = start_worker(tmp_path / "worker.log", burst=False)
    try:
        yield worker
    finally:
        stop_worker(worker)


@pytest.fixture(autouse=True)
def _job_timing(settings: Any) -> None:
    # The same timing the workers get from their environment.
    settings.JOB_HEARTBEAT_SECONDS = HEARTBEAT_SECONDS
    settings.JOB_ABANDONED_AFTER_SECONDS = ABANDONED_AFTER_SECONDS


# Helpers -------------------------------------------------------------------------------


def _start(task: str, *, started_by: Any = None, **arguments: Any) -> JobRun:
    return start_job(kind="test.job", task=f"tests.support.jobs.{task}", arguments=arguments, started_by=started_by)


def _row(job: JobRun) -> JobRun:
    return JobRun.objects.get(pk=job.pk)


def _wait_for_row(
    job: JobRun, condition: Callable[[JobRun], bool], what: str, *, seconds: float = DEADLINE_SECONDS
) -> JobRun:
    def matching_row() -> JobRun | None:
        row = _row(job)
        return row if condition(row) else None

    return wait_until(matching_row, what, seconds=seconds)


def _progress_url(job: JobRun) -> str:
    return reverse("job_progress", args=[job.pk])


def _partial(client: Client, job: JobRun) -> str:
    response = client.get(_progress_url(job))
    assert response.status_code == 200
    return response.content.decode()


def _shown_progress(html: str) -> int:
    match = PROGRESS.search(html)
    assert match, html
    return int(match.group(1))


# Starting a job ------------------------------------------------------------------------


def test_start_job_enqueues_only_the_row_pk_and_only_after_commit(redis_db: Any) -> None:
    queue = django_rq.get_queue("default")
    with transaction.atomic():
        job = _start("count_words", text="a b c")
        assert _row(job).status == JobStatus.QUEUED
        assert queue.count == 0, "enqueued before the row was committed: a worker would not find it"

    row = _row(job)
    assert row.status == JobStatus.QUEUED
    assert row.message == "Waiting for a worker"
    assert row.progress == 0
    (rq_job,) = queue.get_jobs()
    assert rq_job.func_name == "compliance.jobs.execute"
    assert list(rq_job.args) == [job.pk]
    assert rq_job.kwargs == {}
    assert row.rq_job_id == rq_job.id


def test_a_rolled_back_start_enqueues_nothing() -> None:
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        _start("count_words", text="a b c")
        raise Abort

    assert django_rq.get_queue("default").count == 0
    assert not JobRun.objects.exists()


@pytest.mark.django_db
def test_start_job_enqueues_when_a_test_runs_the_commit_callbacks(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Tests on the faster, rolled-back database run the callbacks inside their own transaction."""
    with django_capture_on_commit_callbacks(execute=True):
        job = _start("count_words", text="a b c")

    (rq_job,) = django_rq.get_queue("default").get_jobs()
    assert list(rq_job.args) == [job.pk]
    assert _row(job).rq_job_id == rq_job.id


def test_an_unreachable_queue_fails_the_job_with_a_message(settings: Any, client: Client, handler: Any) -> None:
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 60}}

    job = _start("count_words", text="a b c", started_by=handler)

    row = _row(job)
    assert row.status == JobStatus.FAILED
    assert "The job queue (Redis) could not be reached" in row.error
    assert row.finished_at is not None
    client.force_login(handler)
    html = _partial(client, job)
    assert "could not be reached" in html
    assert "hx-trigger" not in html


# Running a job in a real worker --------------------------------------------------------


def test_a_worker_runs_the_job_to_success(burst_worker: Callable[[], None]) -> None:
    before = timezone.now()
    job = _start("count_words", text="the quick brown fox")

    burst_worker()

    row = _row(job)
    assert row.status == JobStatus.SUCCEEDED, row.traceback
    assert row.progress == 100
    assert row.message == "Done"
    assert row.result == {"words": 4}
    assert row.error == ""
    assert row.started_at is not None
    assert row.finished_at is not None
    assert before <= row.started_at <= row.finished_at <= timezone.now()


def test_a_job_error_shows_its_message_to_the_person(burst_worker: Callable[[], None]) -> None:
    reason = "The recording is encrypted. Upload it again without a password."
    job = _start("refuse", reason=reason)

    burst_worker()

    row = _row(job)
    assert row.status == JobStatus.FAILED
    assert row.error == reason
    assert row.finished_at is not None
    assert row.result is None


def test_an_unexpected_exception_shows_a_generic_message_and_keeps_the_traceback(
    burst_worker: Callable[[], None],
) -> None:
    job = _start("crash")

    burst_worker()

    row = _row(job)
    assert row.status == JobStatus.FAILED
    assert "An unexpected error stopped this job" in row.error
    assert "frame buffer" not in row.error
    assert "ValueError: internal detail: index 7 out of range in frame buffer" in row.traceback
    assert "tests/support/jobs.py" in row.traceback
    assert row.finished_at is not None


# Cancelling ----------------------------------------------------------------------------


def test_a_job_cancelled_while_queued_is_never_run(burst_worker: Callable[[], None]) -> None:
    job = _start("count_words", text="never counted")

    job_cancel(job=job)

    row = _row(job)
    assert row.status == JobStatus.CANCELLED
    assert row.message == "Cancelled before it started"
    assert row.finished_at is not None
    burst_worker()
    row = _row(job)
    assert row.status == JobStatus.CANCELLED
    assert row.started_at is None
    assert row.progress == 0
    assert row.result is None
    assert django_rq.get_queue("default").count == 0


def test_the_starter_cancels_a_running_job_from_its_page(
    background_worker: subprocess.Popen[bytes], client: Client, handler: Any
) -> None:
    client.force_login(handler)
    job = _start("count_slowly", started_by=handler)

    def shown_running() -> str | None:
        html = _partial(client, job)
        return html if "Running" in html and _shown_progress(html) > 0 else None

    html = wait_until(shown_running, "the page to show the job running")
    assert 'hx-trigger="every 2s"' in html
    response = client.post(reverse("job_cancel", args=[job.pk]))

    assert response.status_code == 200
    assert "Stopping" in response.content.decode()
    assert "Cancel</button>" not in response.content.decode()
    row = _wait_for_row(job, lambda row: row.status != JobStatus.RUNNING, "the job to stop")
    assert row.status == JobStatus.CANCELLED
    assert row.message == "Cancelled"
    assert row.progress < 100
    assert row.result is None
    html = _partial(client, job)
    assert "Cancelled" in html
    assert "hx-trigger" not in html


def test_cancel_is_for_the_starter_and_administrators(
    client: Client, handler: Any, auditor: Any, outsider: Any
) -> None:
    job = _start("count_words", text="a b c", started_by=handler)
    cancel_url = reverse("job_cancel", args=[job.pk])

    client.force_login(outsider)
    assert client.post(cancel_url).status_code == 404
    client.force_login(auditor)  # may see every job, may not stop one
    assert client.post(cancel_url).status_code == 403
    assert _row(job).status == JobStatus.QUEUED
    client.force_login(handler)
    assert client.get(cancel_url).status_code == 405
    response = client.post(cancel_url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Cancelled" in html
    assert "hx-trigger" not in html
    assert _row(job).status == JobStatus.CANCELLED


# A dead worker, a lost queue entry -----------------------------------------------------


def test_a_killed_worker_leaves_a_failed_job_not_a_running_one(tmp_path: Path) -> None:
    pid_file = tmp_path / "horse.pid"
    worker = start_worker(tmp_path / "worker.log", burst=False)
    horse_pid = 0
    try:
        job = _start("sleep_long", seconds=60, pid_file=str(pid_file))
        _wait_for_row(job, lambda row: row.message == "Sleeping", "the job to start sleeping")
        horse_pid = int(pid_file.read_text())

        # A long step without progress calls stays alive on the heartbeat alone.
        time.sleep(ABANDONED_AFTER_SECONDS + 1)
        reap_abandoned_jobs()
        assert _row(job).status == JobStatus.RUNNING

        os.killpg(worker.pid, signal.SIGKILL)
        os.killpg(horse_pid, signal.SIGKILL)  # RQ puts the work horse in a process group of its own
        worker.wait(timeout=10)

        def reaped() -> JobRun | None:
            reap_abandoned_jobs()
            row = _row(job)
            return row if row.status != JobStatus.RUNNING else None

        row = wait_until(reaped, "the abandoned job to be reaped", seconds=15)
        assert row.status == JobStatus.FAILED
        assert "abandoned" in row.error
        assert row.finished_at is not None
    finally:
        stop_worker(worker)
        if horse_pid:
            kill(horse_pid)


def test_a_queued_job_lost_from_redis_is_reaped(redis_db: Any) -> None:
    lost = _start("count_words", text="lost")
    kept = _start("count_words", text="kept")
    Job.fetch(_row(lost).rq_job_id, connection=redis_db).delete()

    assert reap_abandoned_jobs() == 0, "a job younger than the cutoff may still be on its way"
    assert reap_abandoned_jobs(now=timezone.now() + timedelta(seconds=ABANDONED_AFTER_SECONDS + 1)) == 1

    row = _row(lost)
    assert row.status == JobStatus.FAILED
    assert "lost" in row.error
    assert row.finished_at is not None
    assert _row(kept).status == JobStatus.QUEUED


# The progress partial ------------------------------------------------------------------


def test_the_partial_polls_while_active_and_stops_when_finished(
    burst_worker: Callable[[], None], client: Client, handler: Any
) -> None:
    client.force_login(handler)
    job = _start("count_words", text="a b", started_by=handler)

    html = _partial(client, job)
    assert _shown_progress(html) == 0
    assert f'hx-get="{_progress_url(job)}"' in html
    assert 'hx-trigger="every 2s"' in html
    assert "Waiting for a worker" in html
    assert "Cancel</button>" in html

    burst_worker()

    html = _partial(client, job)
    assert _shown_progress(html) == 100
    assert "Succeeded" in html
    assert "hx-get" not in html
    assert "hx-trigger" not in html
    assert "Cancel</button>" not in html


@pytest.mark.parametrize("viewer", ["handler", "admin_role", "auditor"])
def test_the_starter_and_those_who_see_every_job_see_it(
    request: pytest.FixtureRequest, client: Client, handler: Any, viewer: str
) -> None:
    job = _start("count_words", text="a b", started_by=handler)

    client.force_login(request.getfixturevalue(viewer))

    assert _shown_progress(_partial(client, job)) == 0


@pytest.mark.parametrize("viewer", ["dpo", "outsider"])
def test_others_get_not_found(request: pytest.FixtureRequest, client: Client, handler: Any, viewer: str) -> None:
    job = _start("count_words", text="a b", started_by=handler)

    client.force_login(request.getfixturevalue(viewer))

    assert client.get(_progress_url(job)).status_code == 404
    assert client.get(reverse("job_progress", args=[job.pk + 1000])).status_code == 404


def test_a_job_without_a_starter_is_not_shown_to_anonymous_visitors(client: Client) -> None:
    job = _start("count_words", text="a b")

    response = client.get(_progress_url(job))

    assert response.status_code == 302
    assert "/login" in response["Location"]

"""Background jobs: a `JobRun` row a person can watch, and an RQ job that runs it.

Job code is a function `task(job, progress, **arguments)`; the arguments are primary
keys and plain values only. It reports through `progress(percent, message)`, raises
`JobError` with a message a person can act on, and stops with `JobCancelled` when
someone cancels it (raised for it by `progress`).
"""

from __future__ import annotations

import json
import logging
import threading
import traceback
from datetime import timedelta
from typing import Any, Protocol

import django_rq
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import close_old_connections, connection, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.job import Job

from compliance.models import JobRun, JobStatus

logger = logging.getLogger(__name__)


class JobError(Exception):
    """A failure whose message tells a person what went wrong and what to do."""


class JobCancelled(Exception):
    pass


class ProgressCallback(Protocol):
    def __call__(self, percent: float, message: str = "") -> None: ...


def start_job(
    *,
    kind: str,
    task: str,
    arguments: dict[str, Any] | None = None,
    subject: models.Model | None = None,
    started_by: Any = None,
    queue: str = "default",
    enqueue: bool = True,
) -> JobRun:
    """Create the job row now and enqueue the work once the surrounding transaction commits.

    With `enqueue=False` the caller runs it in its own process with `execute(job.pk)`
    (management commands that print results), and the row records it all the same.
    """
    import_string(task)  # fail here, in the caller, on a wrong dotted path
    job = JobRun.objects.create(
        kind=kind,
        task=task,
        arguments=arguments or {},
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=str(subject.pk) if subject is not None else "",
        started_by=started_by if getattr(started_by, "is_authenticated", False) else None,
        message=_("Waiting for a worker"),
    )
    if enqueue:
        transaction.on_commit(lambda: _enqueue(job.pk, queue))
    return job


def _enqueue(job_pk: int, queue: str) -> None:
    try:
        # "auto": this already runs after the commit; django-rq's own on_commit deferral would
        # return None instead of the job wherever callbacks run inside an atomic block (tests).
        rq_job = django_rq.get_queue(queue, commit_mode="auto").enqueue(
            execute, job_pk, job_timeout=settings.RQ_QUEUES[queue].get("DEFAULT_TIMEOUT")
        )
    except RedisError:
        logger.exception("Could not enqueue job %s", job_pk)
        _finish(
            job_pk,
            JobStatus.FAILED,
            error=_("The job queue (Redis) could not be reached. Ask an administrator to start it, then try again."),
        )
        return
    JobRun.objects.filter(pk=job_pk, rq_job_id="").update(rq_job_id=rq_job.id)


def execute(job_pk: int) -> None:
    """The RQ entry point: run the row's task and record how it ended."""
    if not connection.in_atomic_block:  # run inline inside a caller's transaction: keep it
        close_old_connections()
    started = JobRun.objects.filter(pk=job_pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(), message=_("Started")
    )
    if not started:
        return  # cancelled while queued, or already reaped
    job = JobRun.objects.get(pk=job_pk)
    heartbeat = _Heartbeat(job_pk)
    heartbeat.start()
    try:
        result = import_string(job.task)(job, _progress_for(job_pk), **job.arguments)
    except JobCancelled:
        _finish(job_pk, JobStatus.CANCELLED, message=_("Cancelled"))
    except JobError as exc:
        _finish(job_pk, JobStatus.FAILED, error=str(exc), trace=traceback.format_exc())
    except Exception:
        logger.exception("Job %s failed", job_pk)
        _finish(
            job_pk,
            JobStatus.FAILED,
            error=_("An unexpected error stopped this job. An administrator can read the details on the job record."),
            trace=traceback.format_exc(),
        )
    else:
        try:
            json.dumps(result)
        except (TypeError, ValueError):
            logger.error("Job %s returned a result that cannot be stored: %r", job_pk, result)
            result = None
        _finish(job_pk, JobStatus.SUCCEEDED, message=_("Done"), result=result)
    finally:
        heartbeat.stop()


def _finish(
    job_pk: int, status: str, *, message: str = "", error: str = "", trace: str = "", result: Any = None
) -> None:
    fields: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "error": error, "traceback": trace}
    if message:
        fields["message"] = message
    if status == JobStatus.SUCCEEDED:
        fields["progress"] = 100
        fields["result"] = result
    JobRun.objects.filter(pk=job_pk).update(**fields)


def _progress_for(job_pk: int) -> ProgressCallback:
    def progress(percent: float, message: str = "") -> None:
        fields: dict[str, Any] = {"progress": max(0, min(100, int(percent))), "heartbeat_at": timezone.now()}
        JobRun.objects.filter(pk=job_pk).update(**fields)
        if message:  # a bare progress(percent) keeps the message the person is reading, as does "Stopping…"
            JobRun.objects.filter(pk=job_pk, cancel_requested=False).update(message=message[:300])
        if JobRun.objects.filter(pk=job_pk, cancel_requested=True).exists():
            raise JobCancelled

    return progress


class _Heartbeat:
    """Touches the row from a side thread, so a long step without progress calls is
    still seen as alive, and a killed worker is noticed by the missing heartbeat."""

    def __init__(self, job_pk: int) -> None:
        self.job_pk = job_pk
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"job-{job_pk}-heartbeat", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        try:
            while not self.stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
                JobRun.objects.filter(pk=self.job_pk, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())
        finally:
            connection.close()


def job_cancel(*, job: JobRun) -> None:
    """Stop a queued job at once; ask a running one to stop at its next progress report."""
    with transaction.atomic():
        if JobRun.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.CANCELLED, finished_at=timezone.now(), message=_("Cancelled before it started")
        ):
            return
        JobRun.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(cancel_requested=True, message=_("Stopping…"))


def reap_abandoned_jobs(now: Any = None) -> int:
    """Mark failed the rows whose worker died (no heartbeat) or whose queue entry vanished.

    Runs every minute from the scheduler and whenever a page polls a job, so a job is
    never shown as running forever.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOB_ABANDONED_AFTER_SECONDS)
    reaped = JobRun.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).update(
        status=JobStatus.FAILED,
        finished_at=now,
        error=_(
            "The worker running this job stopped unexpectedly (abandoned): it may have been restarted or run "
            "out of memory. Start the job again; if it keeps failing, ask an administrator to check the workers."
        ),
    )
    for job in JobRun.objects.filter(status=JobStatus.QUEUED, created_at__lt=cutoff):
        # No RQ id yet after the cutoff: the process died between commit and enqueue.
        if not job.rq_job_id or _queue_lost(job):
            reaped += JobRun.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
                status=JobStatus.FAILED,
                finished_at=now,
                error=_("This job was lost from the job queue, probably by a Redis restart. Start it again."),
            )
    return reaped


def _queue_lost(job: JobRun) -> bool:
    try:
        rq_job = Job.fetch(job.rq_job_id, connection=django_rq.get_connection())
    except NoSuchJobError:
        return True
    except RedisError:
        return False  # Redis down: the job may still be there; decide when it is back.
    return rq_job.get_status() in ("failed", "stopped", "canceled")

"""Background jobs: the one mechanism for work that runs outside a request.

A job is a Django task (django-tasks, the backport of Django 6's `django.tasks`) stored in the
database by django-tasks-db and run by `manage.py db_worker`. An app declares its jobs in
`<app>/tasks.py` with `@task()` from here and starts one with `.enqueue(...)`. This module is the
one place that names the backport, so moving to Django 6 changes the imports here only.

What the library does (read in the source of django-tasks 0.12 / django-tasks-db 0.13):
- Claiming: a worker takes the first READY row with `SELECT … FOR UPDATE SKIP LOCKED`
  (PostgreSQL) or inside `BEGIN EXCLUSIVE` (SQLite) and marks it RUNNING with its worker id in
  the same transaction, so two workers never get the same job.
- Failure: any exception from the task marks the job FAILED with the exception's class and
  traceback, and sends `task_finished`.
- Worker death: nothing. A job whose worker is killed (SIGKILL, out of memory, machine gone)
  stays RUNNING for ever; there is no heartbeat, lease or timeout.

What this module adds (run by core's `db_worker`, see core/worker.py): every worker writes a
heartbeat (one entry per worker id in the `jobs` database cache) every `heartbeat_interval()`
seconds from a thread of its own, and reclaims lost jobs: RUNNING for longer than `JOB_TIMEOUT`
seconds while their worker has not written a heartbeat for as long. A lost job goes back to READY
and the next free worker runs it; after `JOB_MAX_ATTEMPTS` attempts it is FAILED with
`WorkerLost` and `task_finished` is sent, as the library's worker does for an exception. So every
job ends SUCCESSFUL or FAILED, and an app that follows its jobs through `task_finished` never
shows "running" for ever.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from traceback import format_exception

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks.signals import task_finished

__all__ = [
    "Reclaimed",
    "TaskResult",
    "TaskResultStatus",
    "WorkerLost",
    "beat",
    "error_message",
    "heartbeat_interval",
    "housekeep",
    "is_worker_lost",
    "reclaim_lost_jobs",
    "task",
    "task_finished",
    "worker_status",
]

log = logging.getLogger(__name__)

HEARTBEAT_CACHE = "jobs"


class WorkerLost(Exception):
    """The workers running a job stopped (killed, out of memory, machine gone) too many times."""


WORKER_LOST = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


def timeout() -> float:
    return float(settings.JOB_TIMEOUT)


def heartbeat_interval() -> float:
    """A tenth of the timeout (at most 30 s), so a live worker misses many beats before it counts as gone."""
    return min(30.0, max(0.1, timeout() / 10))


def _cache():
    return caches[HEARTBEAT_CACHE if HEARTBEAT_CACHE in settings.CACHES else "default"]


def _key(worker_id: str) -> str:
    return f"job-worker:{worker_id}"


LAST_BEAT_KEY = "job-worker:any"


def beat(worker_id: str, *, now: datetime.datetime | None = None) -> None:
    """Record that `worker_id` is alive (now), and that some worker is."""
    stamp = (now or timezone.now()).timestamp()
    _cache().set_many({_key(worker_id): stamp, LAST_BEAT_KEY: (stamp, worker_id)}, timeout=2 * timeout())


@dataclass(frozen=True)
class WorkerStatus:
    alive: bool
    last_seen: datetime.datetime | None  # the last heartbeat of any worker (None: none heard lately)
    worker_id: str = ""


def worker_status(*, now: datetime.datetime | None = None) -> WorkerStatus:
    """Is a background worker running? Alive = some worker's heartbeat within three heartbeat
    intervals (a worker writes one every `heartbeat_interval()` seconds). For the admin's pages,
    and for /healthz."""
    now = now or timezone.now()
    entry = _cache().get(LAST_BEAT_KEY)
    if not entry:
        return WorkerStatus(alive=False, last_seen=None)
    stamp, worker_id = entry
    seen = datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)
    alive = (now - seen).total_seconds() <= 3 * heartbeat_interval()
    return WorkerStatus(alive=alive, last_seen=seen, worker_id=worker_id)


def forget(worker_id: str) -> None:
    """A worker that stops cleanly removes its heartbeat."""
    _cache().delete(_key(worker_id))
    entry = _cache().get(LAST_BEAT_KEY)
    if entry and entry[1] == worker_id:
        _cache().delete(LAST_BEAT_KEY)  # the others write theirs again within one interval


def last_seen(worker_ids) -> dict[str, float]:
    """worker id → time of its last heartbeat (a POSIX timestamp), for those heard from lately."""
    keys = {_key(w): w for w in worker_ids}
    return {keys[k]: seen for k, seen in _cache().get_many(list(keys)).items()}


@dataclass
class Reclaimed:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def reclaim_lost_jobs(*, now: datetime.datetime | None = None) -> Reclaimed:
    """Give the jobs of dead workers to the living (or fail them after too many attempts).

    A job is lost when it has been RUNNING for longer than JOB_TIMEOUT and its worker has not
    written a heartbeat for as long. Each change is a conditional update on (status, started_at),
    so two workers reclaiming at once change a job once, and a job claimed again in between is
    left alone. The library's claim still decides who runs a requeued job.
    """
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=timeout())
    running = list(DBTaskResult.objects.running().filter(started_at__lt=cutoff))
    seen = last_seen({job.worker_ids[-1] for job in running if job.worker_ids})
    done = Reclaimed()
    for job in running:
        worker = job.worker_ids[-1] if job.worker_ids else ""
        if seen.get(worker, 0) > cutoff.timestamp():
            continue  # its worker is alive: a long job
        still_lost = DBTaskResult.objects.filter(pk=job.pk, status=TaskResultStatus.RUNNING, started_at=job.started_at)
        attempts = len(job.worker_ids)
        if attempts < settings.JOB_MAX_ATTEMPTS:
            if still_lost.update(status=TaskResultStatus.READY):
                log.warning("job %s (%s): worker %s is gone; queued again", job.pk, job.task_path, worker)
                done.requeued.append(str(job.pk))
            continue
        error = WorkerLost(
            f"The worker stopped while running this job, {attempts} times (workers {', '.join(job.worker_ids)}); "
            "the job was given up."
        )
        if still_lost.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=WORKER_LOST,
            traceback="".join(format_exception(error)),
        ):
            log.error("job %s (%s): %s", job.pk, job.task_path, error)
            done.failed.append(str(job.pk))
            job.refresh_from_db()
            _announce(job)
    return done


def _announce(job) -> None:
    """`task_finished` for a job failed here, as the library's worker sends it for an exception."""
    try:
        result = job.task_result
    except (ImportError, SuspiciousOperation):
        log.exception("job %s: its task cannot be imported", job.pk)
        return
    for receiver, response in task_finished.send_robust(sender=type(result.task.get_backend()), task_result=result):
        if isinstance(response, Exception):
            log.error("job %s: %r failed on task_finished", job.pk, receiver, exc_info=response)


def housekeep(worker_id: str) -> None:
    """A worker's periodic chores: its heartbeat, then the reclaim of lost jobs. A database
    hiccup (SQLite locked, a failover) is logged and tried again at the next beat."""
    close_old_connections()
    try:
        beat(worker_id)
        reclaim_lost_jobs()
    except DatabaseError:
        log.warning("job housekeeping of worker %s failed; trying again", worker_id, exc_info=True)


def is_worker_lost(task_result: TaskResult) -> bool:
    return bool(task_result.errors) and task_result.errors[-1].exception_class_path == WORKER_LOST


def error_message(task_result: TaskResult) -> str:
    """The last error of a failed job in one line for people: "ValueError: no units"."""
    if not task_result.errors:
        return ""
    error = task_result.errors[-1]
    name = error.exception_class_path.rsplit(".", 1)[-1]
    lines = error.traceback.rstrip().splitlines()
    # The exception's own line(s) close the traceback; they start with its (dotted) class name.
    for i in range(len(lines) - 1, -1, -1):
        head = lines[i].split(":", 1)[0]
        if head in (name, error.exception_class_path):
            text = " ".join(
                line.strip() for line in [lines[i].split(":", 1)[1] if ":" in lines[i] else "", *lines[i + 1 :]]
            )
            return f"{name}: {text.strip()}" if text.strip() else name
    return name

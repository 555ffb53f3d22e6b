"""Running jobs in tests (`run_ready_jobs`), and tasks for the job tests (a task is a
module-level function that a worker imports by its path)."""

import os
import threading
import time
from unittest import mock

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS

from core.jobs import task
from core.worker import Worker, new_worker_id


def run_ready_jobs(*, worker_id: str | None = None) -> None:
    """Run every ready job in this thread with core's worker (its reclaim of lost jobs first),
    then return. The worker closes old database connections as a long-running process should;
    here that would close the test's connection and its transaction, so it does not."""
    with (
        mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"),
        mock.patch("core.jobs.close_old_connections"),
    ):
        Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id or new_worker_id(),
            excluded_queue_names=[],
            housekeeping=False,
        ).run()


RAN: list = []  # what `record` was called with, in this process
_lock = threading.Lock()


@task()
def record(n: int) -> int:
    with _lock:
        RAN.append(n)
    return n


@task()
def fail(message: str) -> None:
    raise ValueError(message)


@task()
def sleep_then_record(seconds: float, n: int) -> int:
    time.sleep(seconds)
    with _lock:
        RAN.append(n)
    return n


@task(takes_context=True)
def note_then_sleep(context, path: str, n: int, seconds: float) -> int:
    """Append "n pid" to the file `path` (a line per run, from any process), then sleep, the
    first time only (so a test that wrongly runs it again fails fast)."""
    with open(path, "a") as file:
        file.write(f"{n} {os.getpid()}\n")
    if context.attempt == 1:
        time.sleep(seconds)
    return n


@task(takes_context=True)
def slow_on_first_attempt(context, seconds: float) -> int:
    """The first attempt sleeps (a test kills its worker meanwhile); later ones return at once."""
    if context.attempt == 1:
        time.sleep(seconds)
    return context.attempt

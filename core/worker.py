"""The background worker: django-tasks-db's, plus a heartbeat and the recovery of lost jobs.

The library's worker loop (claim, run, record the outcome) is used as it is; a thread of the
worker's own runs `core.jobs.housekeep` every `heartbeat_interval()` seconds, also while the
main thread is busy with a long job, so the worker stays visibly alive. `manage.py db_worker`
runs this worker.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading

from django.db import DatabaseError, connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker as LibraryWorker

from core import jobs


def new_worker_id() -> str:
    """host-pid-random (at most 64 characters, the library's limit): says where a job ran."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


class Worker(LibraryWorker):
    def __init__(self, *, housekeeping: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.housekeeping = housekeeping

    def run(self) -> None:
        # Before the first claim: announce this worker and reclaim what dead ones left behind
        # (so `db_worker --batch` from cron recovers lost jobs too).
        jobs.housekeep(self.worker_id)
        keeper = _Housekeeper(self.worker_id, jobs.heartbeat_interval()) if self.housekeeping else None
        if keeper:
            keeper.start()
        try:
            super().run()
        finally:
            if keeper:
                keeper.stop()
            with contextlib.suppress(DatabaseError):  # if so, the heartbeat expires by itself
                jobs.forget(self.worker_id)


class _Housekeeper(threading.Thread):
    def __init__(self, worker_id: str, interval: float):
        super().__init__(name=f"jobs-housekeeper-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.wait(self.interval):
                jobs.housekeep(self.worker_id)
        finally:
            connections.close_all()  # this thread's connections

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)

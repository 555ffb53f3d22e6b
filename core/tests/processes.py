"""Real worker processes (`manage.py db_worker`) against the test's database, for the tests of
what only processes show: a worker killed mid-job, workers racing for the same jobs.

On PostgreSQL the processes use the test database itself (the test must be transactional, so
its data is committed). SQLite test databases live in memory, where no other process can reach
them: there the processes get a file copy of it, made when `SharedDatabase` is created, and the
test reads the outcome from that file. Reads go through plain SQL so both cases are one code.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
JOBS = "django_tasks_database_dbtaskresult"


class SharedDatabase:
    def __init__(self, tmp_path: Path):
        self.vendor = connection.vendor
        self.tmp_path = tmp_path
        settings = connection.settings_dict
        if self.vendor == "sqlite":
            self.path = tmp_path / "shared.sqlite3"
            connection.ensure_connection()
            copy = sqlite3.connect(self.path)
            connection.connection.backup(copy)
            copy.close()
            self.url = f"sqlite:///{self.path}"
        else:
            auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
            self.url = (
                f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
            )
        self.workers: list[subprocess.Popen] = []

    def query(self, sql: str) -> list[tuple]:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path, timeout=10) as db:
                return db.execute(sql).fetchall()
        with psycopg.connect(self.url, autocommit=True) as db:
            cursor = db.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def jobs(self) -> dict[str, dict]:
        """job id → status, worker ids, return value."""
        out = {}
        for pk, status, workers, value in self.query(f"SELECT id, status, worker_ids, return_value FROM {JOBS}"):
            workers = json.loads(workers) if isinstance(workers, str) else workers
            value = json.loads(value) if isinstance(value, str) else value
            out[str(uuid.UUID(str(pk)))] = {"status": status, "workers": workers, "value": value}
        return out

    def job(self, task_result) -> dict:
        return self.jobs()[str(uuid.UUID(task_result.id))]

    def heartbeats(self, worker_ids) -> set[str]:
        """Those of `worker_ids` with a heartbeat in the `jobs` cache."""
        keys = {row[0] for row in self.query("SELECT cache_key FROM btportal_jobs")}
        return {w for w in worker_ids if any(k.endswith(f"job-worker:{w}") for k in keys)}

    def start_worker(self, worker_id: str, *args: str, job_timeout: int = 300) -> subprocess.Popen:
        env = {**os.environ, "DATABASE_URL": self.url, "JOB_TIMEOUT": str(job_timeout)}
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
        worker = subprocess.Popen(
            [*command, "--worker-id", worker_id, *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(self.tmp_path / f"{worker_id}.log").open("w"),
        )
        self.workers.append(worker)
        return worker

    def stop_all(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
            worker.wait(10)

    def log(self, worker_id: str) -> str:
        return (self.tmp_path / f"{worker_id}.log").read_text()


#: How long a wait that includes starting a worker process may take: a fresh Django process (its imports,
#: its first connection) takes a minute on a machine shared by several test runs, and more with WAL's first
#: connection. A wait for work of a running process stays short.
STARTUP = 180


def wait_for(condition, *, seconds: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what or condition}")
        time.sleep(0.05)

"""The job mechanism (core.jobs, core.worker): run, fail, recover the jobs of dead workers, and
never run a job twice. The library decides the claim; these tests hold it to that on the
database the suite runs on (SQLite or PostgreSQL)."""

import datetime
import signal
import time
import uuid

import pytest
from django.core.management import call_command, get_commands
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import jobs
from core.jobs import Reclaimed, TaskResultStatus, reclaim_lost_jobs
from core.tests import jobs as work
from core.tests.jobs import run_ready_jobs
from core.tests.processes import JOBS, STARTUP, SharedDatabase, wait_for

TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _clean():
    work.RAN.clear()
    yield
    work.RAN.clear()


@pytest.fixture
def timeout(settings):
    settings.JOB_TIMEOUT = 60
    settings.JOB_MAX_ATTEMPTS = 3
    return 60


def ago(seconds: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def claim_as(worker_id: str, result, *, started_seconds_ago: float = 0) -> DBTaskResult:
    """What a worker does when it takes the job (the library's claim), as long ago as asked."""
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker_id)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=ago(started_seconds_ago))
    return row


def status(result) -> str:
    return DBTaskResult.objects.get(pk=result.id).status


@pytest.mark.django_db
def test_it_runs_an_enqueued_job():
    result = work.record.enqueue(7)
    assert status(result) == TaskResultStatus.READY and work.RAN == []
    run_ready_jobs()
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == 7
    assert work.RAN == [7]


@pytest.mark.django_db
def test_an_exception_fails_the_job_with_a_readable_message():
    result = work.fail.enqueue("no units in the region")
    run_ready_jobs()
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert jobs.error_message(result) == "ValueError: no units in the region"
    assert "Traceback" in result.errors[-1].traceback and not jobs.is_worker_lost(result)


@pytest.mark.django_db
def test_a_job_of_a_dead_worker_runs_again_after_the_timeout_and_only_once(timeout):
    result = work.record.enqueue(1)
    claim_as("dead", result, started_seconds_ago=timeout - 5)
    jobs.beat("dead", now=ago(timeout - 5))  # its last sign of life, when it started the job
    assert reclaim_lost_jobs() == Reclaimed()  # not yet: the timeout has not passed
    assert status(result) == TaskResultStatus.RUNNING

    DBTaskResult.objects.filter(pk=result.id).update(started_at=ago(timeout + 1))
    jobs.beat("dead", now=ago(timeout + 1))
    run_ready_jobs(worker_id="rescuer")  # a worker reclaims lost jobs before it claims
    run_ready_jobs(worker_id="another")
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.worker_ids == ["dead", "rescuer"]
    assert work.RAN == [1]


@pytest.mark.django_db
def test_a_job_without_any_heartbeat_of_its_worker_is_lost_too(timeout):
    result = work.record.enqueue(1)
    claim_as("never-heard-of", result, started_seconds_ago=timeout + 1)
    assert reclaim_lost_jobs().requeued == [str(result.id)]
    assert status(result) == TaskResultStatus.READY


@pytest.mark.django_db
def test_a_long_job_of_a_live_worker_is_left_alone(timeout):
    result = work.record.enqueue(1)
    claim_as("alive", result, started_seconds_ago=10 * timeout)
    jobs.beat("alive")
    assert reclaim_lost_jobs() == Reclaimed()
    assert status(result) == TaskResultStatus.RUNNING
    # Silent for longer than the timeout: gone.
    jobs.beat("alive", now=ago(timeout + 1))
    assert reclaim_lost_jobs().requeued == [str(result.id)]


@pytest.mark.django_db
def test_after_the_last_attempt_a_lost_job_fails_and_says_why(settings, timeout):
    settings.JOB_MAX_ATTEMPTS = 2
    result = work.record.enqueue(1)
    finished = []

    def on_finished(sender, task_result, **kwargs):
        finished.append(task_result)

    jobs.task_finished.connect(on_finished)
    try:
        claim_as("first", result, started_seconds_ago=timeout + 1)
        assert reclaim_lost_jobs().requeued == [str(result.id)]
        claim_as("second", result, started_seconds_ago=timeout + 1)
        assert reclaim_lost_jobs().failed == [str(result.id)]
    finally:
        jobs.task_finished.disconnect(on_finished)
    result.refresh()
    assert result.status == TaskResultStatus.FAILED and result.finished_at is not None
    assert jobs.is_worker_lost(result)
    assert jobs.error_message(result).startswith("WorkerLost: The worker stopped while running this job, 2 times")
    assert [(r.id, r.status) for r in finished] == [(result.id, TaskResultStatus.FAILED)]
    run_ready_jobs()
    assert work.RAN == []


@TRANSACTIONAL  # the command closes old connections, as a worker process should
def test_manage_py_db_worker_is_the_worker_with_recovery(timeout):
    assert get_commands()["db_worker"] == "core"
    result = work.record.enqueue(3)
    claim_as("dead", result, started_seconds_ago=timeout + 1)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", "--worker-id", "cron", verbosity=0)
    finally:
        for s, handler in handlers.items():
            signal.signal(s, handler)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.worker_ids == ["dead", "cron"]
    assert work.RAN == [3]


@pytest.fixture
def share(tmp_path):
    """`share()` → the test's database as worker processes see it (core/tests/processes.py);
    the processes are killed at the end of the test."""
    made = []

    def share():
        made.append(SharedDatabase(tmp_path))
        return made[-1]

    yield share
    for db in made:
        db.stop_all()


@TRANSACTIONAL
def test_worker_processes_racing_for_the_same_jobs_run_each_exactly_once(share, tmp_path):
    runs = tmp_path / "runs.txt"
    never = timezone.now() + datetime.timedelta(days=365)  # held back until every worker polls
    results = [work.note_then_sleep.using(run_after=never).enqueue(str(runs), n, 0.02) for n in range(30)]
    db = share()
    racers = [f"racer-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    for racer in racers:
        db.start_worker(racer, "--interval", "0.02", job_timeout=10)  # a heartbeat every second
    wait_for(lambda: db.heartbeats(racers) == set(racers), seconds=STARTUP, what="the workers to start")
    db.query(f"UPDATE {JOBS} SET run_after = enqueued_at")  # all 30 ready at once
    wait_for(lambda: all(j["status"] in ("SUCCESSFUL", "FAILED") for j in db.jobs().values()), what="the jobs")
    done = db.jobs()
    assert {done[str(uuid.UUID(r.id))]["status"] for r in results} == {"SUCCESSFUL"}
    assert all(len(job["workers"]) == 1 for job in done.values())
    assert sorted(int(line.split()[0]) for line in runs.read_text().splitlines()) == list(range(30))
    assert len({job["workers"][0] for job in done.values()}) > 1, "no race: one worker did all the jobs"


@TRANSACTIONAL
def test_a_worker_process_killed_mid_job_leaves_it_to_another_after_the_timeout(share):
    result = work.slow_on_first_attempt.enqueue(60)
    db = share()
    victim = db.start_worker("victim", "--interval", "0.05", job_timeout=1)
    wait_for(lambda: db.job(result)["status"] == "RUNNING", seconds=STARTUP, what="the victim to take the job")
    victim.send_signal(signal.SIGKILL)
    victim.wait(10)
    assert db.job(result) == {"status": "RUNNING", "workers": ["victim"], "value": None}  # the library stops here
    time.sleep(1.5)  # the timeout (1 s) passes without a heartbeat
    rescuer = db.start_worker("rescuer", "--batch", job_timeout=1)
    assert rescuer.wait(STARTUP) == 0, db.log("rescuer")
    assert db.job(result) == {"status": "SUCCESSFUL", "workers": ["victim", "rescuer"], "value": 2}


@TRANSACTIONAL
def test_a_worker_busy_with_a_long_job_keeps_beating_so_no_other_takes_it(share, tmp_path):
    runs = tmp_path / "runs.txt"
    result = work.note_then_sleep.enqueue(str(runs), 1, 600)  # longer than the other worker takes to start
    db = share()
    db.start_worker("busy", "--interval", "0.05", job_timeout=1)  # a heartbeat every 0.1 s
    wait_for(lambda: db.job(result)["status"] == "RUNNING", seconds=STARTUP, what="the busy worker to take the job")
    time.sleep(1.5)  # the job has run for longer than the timeout
    other = db.start_worker("other", "--batch", job_timeout=1)  # reclaims lost jobs, then runs what is ready
    assert other.wait(STARTUP) == 0, db.log("other")
    assert db.job(result) == {"status": "RUNNING", "workers": ["busy"], "value": None}
    assert runs.read_text().count("\n") == 1


@pytest.mark.django_db
def test_worker_status_says_whether_a_worker_was_heard_from_lately(timeout):
    jobs._cache().delete(jobs.LAST_BEAT_KEY)
    assert jobs.worker_status() == jobs.WorkerStatus(alive=False, last_seen=None)
    jobs.beat("w-1", now=ago(1))
    status = jobs.worker_status()
    assert status.alive and status.worker_id == "w-1"
    assert abs((status.last_seen - ago(1)).total_seconds()) < 1
    # silent for more than three heartbeat intervals: not alive, and when it was last heard of is known
    jobs.beat("w-1", now=ago(3 * jobs.heartbeat_interval() + 1))
    status = jobs.worker_status()
    assert not status.alive and status.last_seen is not None
    jobs.beat("w-1")
    jobs.forget("w-1")  # a worker that stops cleanly
    assert not jobs.worker_status().alive

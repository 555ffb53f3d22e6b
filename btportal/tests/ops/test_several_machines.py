"""Several machines behave as one (issue 18 item 4): two app servers (gunicorn, on two ports) and two
job workers (`manage.py db_worker`) against one PostgreSQL database, the test's own (pytest-django's
test database, created for the run and dropped after; the test is transactional, so its rows are
committed and the processes see them).

Not in the default run (it starts six processes; about a minute on a quiet machine, several on a
loaded one): `make test-ops` runs it on PostgreSQL (README, "Tests"). Skipped on SQLite, whose test
database lives in this process's memory. Run on a fresh test database, not `--reuse-db`: these
transactional tests empty the tables when they end, the data migrations' regions included.
"""

import os
import signal
import time
import uuid

import pytest
from django.db import connection

from btportal import factories as f
from btportal.tests.ops.servers import AppServer, collect_static_once, postgres_url_from_connection, server_env
from btportal.tests.ops.servers import session_for as login
from core.tests import jobs as work
from core.tests.processes import SharedDatabase, wait_for

pytestmark = [
    pytest.mark.ops,
    pytest.mark.skipif(not os.environ.get("BT_OPS_TESTS"), reason="operations test: `make test-ops`"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…; `make test-ops`)")
    collect_static_once()
    return postgres_url_from_connection()


@pytest.fixture
def two_servers(postgres, tmp_path):
    env = server_env(postgres)
    servers = []
    try:
        servers.append(AppServer(env, tmp_path / "a.log"))
        servers.append(AppServer(env, tmp_path / "b.log"))
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def shared(postgres, tmp_path):
    db = SharedDatabase(tmp_path)
    yield db
    db.stop_all()


def test_a_write_through_one_app_server_is_read_through_the_other(two_servers):
    a, b = two_servers
    person = f.make_user("anna@example.se", first_name="Anna", last_name="Svensson")
    session = login(person)
    assert 'value="Anna"' in b.get("/people/profile/", session=session).body
    answer = a.request("/people/profile/", session=session, data={"first_name": "Annika", "last_name": "Svensson-Berg"})
    assert answer.status == 302, answer.body[:500]
    page = b.get("/people/profile/", session=session)
    assert page.status == 200
    assert 'value="Annika"' in page.body and 'value="Svensson-Berg"' in page.body
    # The message of the save (stored in the session's cookie or the database) does not matter here; the
    # logout through B ends the session on A too: sessions are rows, not a process's memory.
    assert b.request("/accounts/logout/", session=session, data={}).status == 302
    assert a.get("/people/profile/", session=session).status == 302  # to the login page


def test_jobs_run_exactly_once_across_two_workers_and_a_killed_worker_is_recovered(two_servers, shared, tmp_path):
    runs = tmp_path / "runs.txt"
    # Two workers, as on two machines (each writes heartbeats to the shared database cache).
    workers = ["machine-a", "machine-b"]
    procs = {w: shared.start_worker(w, "--interval", "0.05", job_timeout=2) for w in workers}
    wait_for(lambda: shared.heartbeats(workers) == set(workers), seconds=90, what="both workers to beat")
    # Both app servers see a live worker (the heartbeat cache is shared, not per process).
    for server in two_servers:
        assert server.get("/healthz/worker").status == 200

    results = [work.note_then_sleep.enqueue(str(runs), n, 0.05) for n in range(24)]
    wait_for(
        lambda: all(shared.job(r)["status"] in ("SUCCESSFUL", "FAILED") for r in results),
        seconds=120,
        what="the 24 jobs",
    )
    done = [shared.job(r) for r in results]
    assert {j["status"] for j in done} == {"SUCCESSFUL"}
    assert all(len(j["workers"]) == 1 for j in done)  # each claimed once
    assert sorted(int(line.split()[0]) for line in runs.read_text().splitlines()) == list(range(24))  # each ran once
    assert {j["workers"][0] for j in done} == set(workers), "one worker did every job: no race was tested"

    # Kill one worker mid-job: the other takes the job over once the timeout (2 s) passes without a heartbeat.
    slow = work.note_then_sleep.enqueue(str(runs), 99, 120)
    wait_for(lambda: shared.job(slow)["status"] == "RUNNING", seconds=30, what="a worker to take the slow job")
    victim = shared.job(slow)["workers"][0]
    survivor = next(w for w in workers if w != victim)
    procs[victim].send_signal(signal.SIGKILL)
    procs[victim].wait(10)
    began = time.monotonic()
    wait_for(lambda: shared.job(slow)["status"] == "SUCCESSFUL", seconds=90, what="the survivor to recover the job")
    job = shared.job(slow)
    assert job["workers"] == [victim, survivor]
    assert job["value"] == 99
    assert time.monotonic() - began >= 1  # not before the timeout
    lines = [line.split()[0] for line in runs.read_text().splitlines()]
    assert lines.count("99") == 2  # the killed attempt and the recovered one; no third
    assert str(uuid.UUID(slow.id)) in shared.jobs()

"""Faults (issue 18 item 5): PostgreSQL stopped and started while requests run.

The test has a PostgreSQL server of its own (initdb into a temporary directory, a free port; the
shared server is never stopped) holding a copy of the test's database, and gunicorn with two workers
against it. Threads ask for the trainee's home and sign assessments (POST) the whole time; the
server is stopped (a fast shutdown: connections cut, transactions in flight rolled back), then
started again. While it is down every page answers the translated 503 page and /healthz 503 naming
the database; no signing is half-made (each is one transaction); once it is up again, pages answer
200 without restarting the app (persistent connections are health-checked: DB_CONN_HEALTH_CHECKS).

Not in the default run: `make test-ops` (module docstring of test_several_machines.py).
"""

import datetime
import json
import os
import threading
import time

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from assessments import services
from btportal.tests.ops.servers import (
    AppServer,
    OwnPostgres,
    collect_static_once,
    copy_database,
    postgres_url_from_connection,
    server_env,
    session_for,
)
from trainees.models import Placement

pytestmark = [
    pytest.mark.ops,
    pytest.mark.skipif(not os.environ.get("BT_OPS_TESTS"), reason="operations test: `make test-ops`"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

UNAVAILABLE_SV = "Tillfälligt otillgänglig"
SIGNINGS = 400


@pytest.fixture
def own_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…; `make test-ops`)")
    try:
        server = OwnPostgres()
    except (FileNotFoundError, OSError) as error:
        pytest.skip(f"no PostgreSQL server binaries to start one of the test's own: {error}")
    yield server
    server.destroy()


def test_the_database_stopped_and_started_under_load(world, own_postgres, tmp_path):
    collect_static_once()
    today = timezone.localdate()
    placement = Placement.objects.create(
        trainee=world.trainee,
        category="akut",
        unit=world.clinic,
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=60),
        supervisor=world.users["handledare"],
    )
    requests = [
        services.create_request(
            world.trainee, by=world.users["bt_lakare"], instrument="mini_cex", assessor=world.users["handledare"]
        ).request.pk
        for _ in range(SIGNINGS)
    ]
    assert placement.pk
    trainee, assessor = session_for(world.users["bt_lakare"]), session_for(world.users["handledare"])
    url = copy_database(postgres_url_from_connection(), own_postgres, "btportal")
    app = AppServer(server_env(url, DB_CONN_MAX_AGE="600"), tmp_path / "gunicorn.log", workers=2)
    try:
        assert app.get("/", session=trainee).status == 200
        assert app.get("/healthz").status == 200

        log: list[tuple[float, str, int, str]] = []  # (time, what, status, marker)
        lock = threading.Lock()
        stop = threading.Event()
        queue = list(requests)

        def note(what, answer):
            marker = "503-page" if UNAVAILABLE_SV in answer.body and 'data-status="503"' in answer.body else ""
            with lock:
                log.append((time.monotonic(), what, answer.status, marker))

        def pages():
            while not stop.is_set():
                note("home", app.get("/", session=trainee))

        def signings():
            while not stop.is_set():
                with lock:
                    if not queue:
                        return
                    pk = queue.pop(0)
                answer = app.request(f"/assessments/inbox/{pk}/", session=assessor, data={"overall": "3"})
                note(f"sign {pk}", answer)
                time.sleep(0.1)  # the prepared requests last the whole run, 503s included

        threads = [threading.Thread(target=pages) for _ in range(2)] + [
            threading.Thread(target=signings) for _ in range(2)
        ]
        for t in threads:
            t.start()
        time.sleep(3)
        stopped_at = time.monotonic()
        own_postgres.stop()
        down_since = time.monotonic()
        time.sleep(2)
        health_down = app.get("/healthz")
        page_down = app.get("/", session=trainee)
        time.sleep(2)
        own_postgres.start()
        started_at = time.monotonic()
        time.sleep(4)
        stop.set()
        for t in threads:
            t.join(60)
        page_up = app.get("/", session=trainee)
        health_up = app.get("/healthz")
        gunicorn_alive = app.process.poll() is None
    finally:
        app.stop()

    # While the database is down: the translated 503 page, and /healthz naming the database.
    assert page_down.status == 503 and UNAVAILABLE_SV in page_down.body
    assert page_down.headers.get("Retry-After")
    assert health_down.status == 503
    body = json.loads(health_down.body)
    assert body["failing"] == ["database"] and body["checks"]["storage"] == "ok"
    assert body["worker"]["status"] == "unknown"  # the heartbeats are in the database
    # Every answer under load was a page (200), a signing (302), or the 503 page: no 500, no dropped connection.
    statuses = {}
    for _, what, status, marker in log:
        key = (what.split()[0], status, marker)
        statuses[key] = statuses.get(key, 0) + 1
    allowed = {("home", 200, ""), ("home", 503, "503-page"), ("sign", 302, ""), ("sign", 503, "503-page")}
    assert set(statuses) <= allowed, statuses
    during = [s for t, _, s, _ in log if down_since + 0.5 < t < started_at]
    assert during and set(during) == {503}
    # Up again, the same processes answer: no restart.
    assert gunicorn_alive
    assert page_up.status == 200 and health_up.status == 200
    recovered = [t for t, what, s, _ in log if t > started_at and what == "home" and s == 200]
    assert recovered, "no page answered 200 after the database came back"

    # No half-made signing: a request is signed exactly when it has one signed assessment, and every 302 was one.
    signed_302 = {int(what.split()[1]) for _, what, s, _ in log if what.startswith("sign") and s == 302}
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT r.id, r.status, count(a.id), count(a.signed_at) FROM assessments_assessmentrequest r "
            "LEFT JOIN assessments_assessment a ON a.request_id = r.id WHERE r.id = ANY(%s) GROUP BY r.id, r.status",
            [requests],
        ).fetchall()
        unsigned = db.execute("SELECT count(*) FROM assessments_assessment WHERE signed_at IS NULL").fetchone()[0]
    assert unsigned == 0
    for pk, status, made, signed in rows:
        assert (status, made, signed) in {("open", 0, 0), ("signed", 1, 1)}, (pk, status, made, signed)
    signed = {pk for pk, status, *_ in rows if status == "signed"}
    assert signed_302 <= signed
    assert len(signed) - len(signed_302) <= 2  # at most one per signing thread: signed, then the answer was lost
    print(
        "\nfaults:",
        json.dumps(
            {
                "answers": {f"{k[0]} {k[1]}{' ' + k[2] if k[2] else ''}": v for k, v in sorted(statuses.items())},
                "signed": len(signed),
                "signed_302": len(signed_302),
                "stop_seconds": round(down_since - stopped_at, 2),
                "first_200_after_start_s": round(min(recovered) - started_at, 2),
            }
        ),
    )

"""The error pages are the site's own (layout, Swedish by default, English complete), and a database out
of reach gives a translated 503 on pages and a 503 naming the part on /healthz."""

import datetime
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import reverse
from django.utils import timezone

from core import jobs


@contextmanager
def database_down():
    """Every query fails as it does when PostgreSQL is down (connection refused)."""

    def refuse(self, *args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with mock.patch.object(BaseDatabaseWrapper, "cursor", refuse):
        yield


@pytest.mark.django_db
def test_it_shows_a_translated_404_in_the_layout(client, world):
    client.force_login(world.users["kansli"])
    response = client.get("/trainees/999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'data-testid="error-page"' in body and 'data-status="404"' in body
    assert "Sidan finns inte" in body
    assert "Main navigation" not in body and "Huvudmeny" in body  # the site's layout, in Swedish
    assert "Not Found" not in body


@pytest.mark.django_db
def test_it_shows_the_404_in_english_when_asked(client, world):
    client.force_login(world.users["kansli"])
    client.cookies["django_language"] = "en"
    body = client.get("/no-such-page/").content.decode()
    assert "Page not found" in body


@pytest.mark.django_db
def test_it_shows_a_translated_403_in_the_layout(client, world):
    client.force_login(world.users["kansli"])
    response = client.get(world.other_trainee.get_absolute_url())
    assert response.status_code == 403
    body = response.content.decode()
    assert 'data-status="403"' in body and "Åtkomst nekad" in body
    assert "403 Forbidden" not in body


@pytest.mark.django_db
def test_it_shows_a_translated_500_without_details(client, world, settings):
    client.force_login(world.users["kansli"])
    client.raise_request_exception = False
    with mock.patch("btportal.views.home_page", side_effect=RuntimeError("secret detail")):
        response = client.get(reverse("home"))
    assert response.status_code == 500
    body = response.content.decode()
    assert 'data-status="500"' in body and "Något gick fel" in body
    assert "secret detail" not in body and "Traceback" not in body
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_pages_answer_a_translated_503_when_the_database_is_down(client, world):
    client.force_login(world.users["kansli"])
    client.raise_request_exception = False
    with database_down():
        response = client.get(world.trainee.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.content.decode()
    assert 'data-status="503"' in body and "Tillfälligt otillgänglig" in body


@pytest.mark.django_db
def test_healthz_answers_ok_when_all_parts_answer(client):
    jobs.beat("worker-1")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["checks"] == {"database": "ok", "storage": "ok"}
    assert body["worker"]["status"] == "ok" and body["worker"]["last_seen"]
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_names_the_database_when_it_is_down(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["database"]
    assert body["checks"]["storage"] == "ok"
    assert body["worker"] == {"status": "unknown", "last_seen": None}  # its heartbeats are in the database


@pytest.mark.django_db
def test_healthz_names_the_storage_when_it_fails(client):
    with mock.patch("btportal.views.default_storage.exists", side_effect=OSError("bucket gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]


@pytest.mark.django_db
def test_healthz_reports_a_dead_worker_but_stays_200_and_healthz_worker_is_503(client):
    jobs.beat("worker-1", now=timezone.now() - datetime.timedelta(seconds=3 * jobs.heartbeat_interval() + 5))
    response = client.get("/healthz")
    assert response.status_code == 200  # the load balancer keeps this app server
    body = response.json()
    assert body["status"] == "ok" and "failing" not in body
    assert body["worker"]["status"] == "down" and body["worker"]["last_seen"]
    response = client.get("/healthz/worker")
    assert response.status_code == 503 and response.json()["status"] == "down"
    jobs.beat("worker-1")
    assert client.get("/healthz/worker").status_code == 200


@pytest.mark.django_db
def test_healthz_says_when_no_worker_was_ever_heard_from(client):
    jobs.forget("worker-1")
    assert client.get("/healthz").json()["worker"] == {"status": "down", "last_seen": None}


@pytest.mark.django_db
def test_the_smallest_page_behind_a_login_needs_a_login_and_shows_nothing(client, world):
    response = client.get("/healthz/session")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(world.users["kansli"])
    response = client.get("/healthz/session")
    assert response.status_code == 200 and response.content == b"ok"
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]

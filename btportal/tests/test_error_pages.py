"""The error pages are the site's own (layout, Swedish by default, English complete), and a database out
of reach gives a translated 503 on pages and a 503 naming the part on /healthz."""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import reverse


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
    with mock.patch("btportal.views.home_sections", side_effect=RuntimeError("secret detail")):
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
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}
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


@pytest.mark.django_db
def test_healthz_names_the_storage_when_it_fails(client):
    with mock.patch("btportal.views.default_storage.exists", side_effect=OSError("bucket gone")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]

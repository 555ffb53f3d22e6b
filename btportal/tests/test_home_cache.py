"""Issue 18 (load): a BT-läkare's home keeps its costly part (the delmål strip and the assessments due)
rendered in the `fragments` cache under the version of the trainee's record, the date and the language,
so a repeated visit costs a few queries, and any change of the record shows at the next visit."""

import datetime
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from btportal.factories import PASSWORD
from portfolio import services as portfolio_services
from portfolio.tests.factories import goal
from trainees.models import Placement

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainee_client(client, world):
    caches["fragments"].clear()
    client.login(email=world.users["bt_lakare"].email, password=PASSWORD)
    return client


def _home(client, **headers) -> str:
    response = client.get("/", **headers)
    assert response.status_code == 200
    return response.content.decode()


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def _state(page: str, code: str) -> str:
    """The state the delmål strip shows for delmål `code` (data-state of its badge)."""
    import re

    found = re.search(rf'data-state="(\w+)" href="[^"]*#{code}"', page)
    assert found, code
    return found.group(1)


def test_a_repeated_visit_is_served_from_the_cache_with_a_few_queries(trainee_client, world):
    first = _home(trainee_client)
    with (
        mock.patch("portfolio.progress.progress_summary", side_effect=AssertionError("recomputed")),
        mock.patch("btportal.home._due_assessments", side_effect=AssertionError("recomputed")),
        CaptureQueriesContext(connection) as queries,
    ):
        again = _home(trainee_client)
    assert _main(again) == _main(first)  # the page's content (the CSRF token in its head is masked anew)
    assert len(queries.captured_queries) <= 8, [q["sql"][:80] for q in queries.captured_queries]


def test_a_change_of_the_record_shows_at_the_next_visit(trainee_client, world):
    today = timezone.localdate()
    before = _home(trainee_client)
    assert _state(before, "BT1") == "not_started"
    portfolio_services.add_activity(
        world.trainee,
        by=world.users["bt_lakare"],
        kind="course",
        title="Kurs i medicinsk etik",
        start=today - datetime.timedelta(days=3),
        goals=[goal("BT1")],
    )
    after = _home(trainee_client)
    assert _state(after, "BT1") != "not_started"
    # a placement (another model of the record) brings its assessments due
    assert 'data-testid="home-due-none"' in after
    Placement.objects.create(
        trainee=world.trainee,
        category="akut",
        unit=world.clinic,
        start=today - datetime.timedelta(days=200),
        end=today + datetime.timedelta(days=10),
    )
    assert 'data-status="overdue"' in _home(trainee_client)


def test_a_new_day_recomputes_what_is_due(trainee_client, world):
    today = timezone.localdate()
    Placement.objects.create(
        trainee=world.trainee,
        category="akut",
        unit=world.clinic,
        start=today + datetime.timedelta(days=40),
        end=today + datetime.timedelta(days=160),
    )
    assert 'data-testid="home-due-none"' in _home(trainee_client)
    later = today + datetime.timedelta(days=150)
    with mock.patch("django.utils.timezone.localdate", return_value=later):
        assert 'data-testid="home-due"' in _home(trainee_client)


def test_each_language_has_its_own_copy(trainee_client, world):
    swedish = _home(trainee_client, HTTP_ACCEPT_LANGUAGE="sv")
    assert "Dina delmål" in swedish
    trainee_client.cookies["django_language"] = "en"
    english = _home(trainee_client, HTTP_ACCEPT_LANGUAGE="en")
    assert "Your goals (delmål)" in english and "Dina delmål" not in english

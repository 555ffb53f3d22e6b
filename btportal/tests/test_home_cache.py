"""Issue 18 (load): the home keeps its role sections rendered per person in the `fragments` cache, under
the person, the day, the language, their active roles and what each section shows that changes (the
BT-läkare's record version, the requests waiting for a supervisor, the counts of BT-läkare and reviews, the
background worker's state), a BT-läkare's delmål strip and assessments due among them. A repeated visit costs a few queries and renders nothing but the base template around the kept
part, and every kind of change shows at the next visit."""

import datetime
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from btportal.factories import PASSWORD, grant, make_trainee, make_user
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


def _warm_visit(client) -> tuple[str, list[str]]:
    """A visit that must be served from the kept sections: building any section fails it."""
    from btportal import home

    failing = dict.fromkeys(home._SECTION_BUILDERS, mock.Mock(side_effect=AssertionError("rebuilt")))
    with (
        mock.patch.dict(home._SECTION_BUILDERS, failing),
        mock.patch("portfolio.progress.progress_summary", side_effect=AssertionError("recomputed")),
        mock.patch("btportal.home._due_assessments", side_effect=AssertionError("recomputed")),
        CaptureQueriesContext(connection) as queries,
    ):
        page = _home(client)
    return page, [q["sql"] for q in queries.captured_queries]


def test_a_repeated_visit_is_served_from_the_cache_with_a_few_queries(trainee_client, world):
    first = _home(trainee_client)
    again, queries = _warm_visit(trainee_client)
    assert _main(again) == _main(first)  # the page's content (the CSRF token in its head is masked anew)
    # the session, the user, their role assignments, their record's version; the kept page is in this
    # process's memory (core/cache.py)
    assert len(queries) == 4, queries


def test_the_warm_visit_costs_the_same_with_more_data(trainee_client, world):
    """The count of a warm visit does not grow with the record (its size) or with other BT-läkare."""
    _home(trainee_client)
    _page, small = _warm_visit(trainee_client)
    today = timezone.localdate()
    for n in range(3):
        Placement.objects.create(
            trainee=world.trainee,
            category="akut",
            unit=world.clinic,
            start=today - datetime.timedelta(days=400 - 100 * n),
            end=today - datetime.timedelta(days=320 - 100 * n),
        )
        make_trainee(home_unit=world.clinic)
    _home(trainee_client)
    _page, large = _warm_visit(trainee_client)
    assert len(large) == len(small)


def test_a_change_of_the_record_shows_at_the_next_visit(trainee_client, world):
    today = timezone.localdate()
    # A BT that starts today: its first progress assessment is months away, so nothing is due until the
    # placement below (with the world's fixed start, 2026-11-01, one was due from January 2027 on).
    world.trainee.planned_start = today
    world.trainee.save(update_fields=["planned_start"])
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


def test_the_name_in_the_greeting_is_live(trainee_client, world):
    _home(trainee_client)
    user = world.users["bt_lakare"]
    user.first_name = "Ingrid"
    user.save(update_fields=["first_name"])
    assert "Ingrid" in _home(trainee_client)


def test_a_status_change_shows_at_the_next_visit(trainee_client, world):
    from trainees import services as trainee_services

    assert "/wishes/" in _home(trainee_client)  # planned: the placement wishes
    trainee_services.change_status(world.trainee, to="active", on=timezone.localdate(), by=world.users["kansli"])
    assert "/wishes/" not in _home(trainee_client)


def test_an_evaluation_answered_shows_at_the_next_visit(trainee_client, world):
    from quality import services as quality_services
    from quality.tests.factories import ended_placement

    placement = ended_placement(world.trainee, world.clinic, end=timezone.localdate() - datetime.timedelta(days=5))
    assert 'href="/quality/evaluations/"' in _home(trainee_client)
    token = quality_services.issue_evaluation_link(placement, by=world.users["bt_lakare"])
    quality_services.submit_evaluation(
        token,
        by=world.users["bt_lakare"],
        scores={"supervision": 4, "learning_climate": 5, "patient_responsibility": 3, "workload": 4},
        goals=[],
        free_text="",
    )
    assert 'href="/quality/evaluations/"' not in _home(trainee_client)


def test_a_role_given_or_ended_shows_at_the_next_visit(trainee_client, world):
    user = world.users["bt_lakare"]
    assert 'data-role="handledare"' not in _home(trainee_client)
    assignment = grant(user, Role.HANDLEDARE, unit=world.clinic)
    assert 'data-role="handledare"' in _home(trainee_client)
    RoleAssignment.objects.filter(pk=assignment.pk).update(valid_to=timezone.localdate() - datetime.timedelta(days=1))
    assert 'data-role="handledare"' not in _home(trainee_client)


def test_the_requests_waiting_for_a_supervisor_show_at_the_next_visit(client, world):
    from assessments import services as assessment_services

    caches["fragments"].clear()
    supervisor = world.users["handledare"]
    client.force_login(supervisor)
    assert "inga väntar på dig" in _home(client)
    issued = assessment_services.create_request(
        world.trainee, by=world.users["bt_lakare"], instrument="mini_cex", assessor=supervisor
    )
    assert "1 bedömningsförfrågan väntar på dig" in _home(client)
    # time passes: the request expires (nothing is written when it does)
    type(issued.request).objects.filter(pk=issued.request.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert "inga väntar på dig" in _home(client)


@pytest.mark.parametrize("role", ["kansli", "studierektor", "huvudhandledare"])
def test_a_new_bt_lakare_in_scope_shows_in_the_count(client, world, role):
    import re

    caches["fragments"].clear()
    client.force_login(world.users[role])

    def count() -> int:
        return int(re.search(r'<dd class="col-4">(\d+)</dd>', _home(client)).group(1))

    before = count()
    make_trainee(home_unit=world.clinic, main_supervisor=world.users["huvudhandledare"])
    assert count() == before + 1


def test_a_review_assigned_shows_at_the_next_visit(client, world):
    import re

    from quality import services as quality_services
    from quality.tests.factories import make_review

    caches["fragments"].clear()
    reviewer = world.users["granskare"]
    client.force_login(reviewer)

    def count() -> int:
        return int(re.search(r'<dd class="col-4">(\d+)</dd>', _home(client)).group(1))

    assert count() == 0
    coordinator = make_user(role=Role.KOORDINATOR)
    review = make_review(world.other_clinic, by=coordinator)
    quality_services.assign_reviewer(review, reviewer, by=coordinator)
    assert count() == 1


def test_the_background_worker_starting_shows_at_the_next_visit(client, world, settings):
    from core import jobs

    caches["fragments"].clear()
    settings.JOB_TIMEOUT = 60
    jobs._cache().delete(jobs.LAST_BEAT_KEY)
    client.force_login(world.users["admin"])
    assert "körs inte" in _home(client)
    jobs.beat("worker-1")
    assert "Bakgrundsprocessen: körs (" in _home(client)


def test_each_person_has_their_own_copy(client, world):
    caches["fragments"].clear()
    other = make_trainee(home_unit=world.clinic)
    client.force_login(world.users["bt_lakare"])
    mine = _home(client)
    client.force_login(other.user)
    theirs = _home(client)
    assert f"/trainees/{world.trainee.pk}/" in mine and f"/trainees/{world.trainee.pk}/" not in theirs
    assert f"/trainees/{other.pk}/" in theirs

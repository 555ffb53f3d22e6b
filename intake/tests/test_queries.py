"""The intake pages read a fixed number of queries however many applications and rounds there
are (the round page once read the checklist of every application one by one: 300 queries for a
round of 70 integrated-BT applicants)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from btportal import factories as f
from intake.tests.factories import add_assessments, complete_manual_items, make_application, make_round, start_iup

pytestmark = pytest.mark.django_db


def _add(round, world, n):
    for _ in range(n):
        f.make_unit(world.vgr, parent=world.hospital)  # the position form lists the region's units
        trainee = f.make_trainee(home_unit=world.clinic, bt_type="integrerad", st_specialty="Allmänmedicin")
        add_assessments(trainee)
        start_iup(trainee)
        application = make_application(
            round,
            unit=world.clinic,
            bt_type="integrerad",
            st_specialty="Allmänmedicin",
            trainee=trainee,
            personnummer=trainee.user.personnummer,
        )
        complete_manual_items(application, by=world.users["kansli"])


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_round_page_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    round = make_round(world.vgr, places=30)
    _add(round, world, 2)
    client.force_login(world.users["kansli"])
    url = reverse("intake:round", args=[round.pk])
    client.get(url)  # warm up
    few, response = _count(client, url)
    assert all(not row.missing for row in response.context["rows"])  # the checklist is still computed
    _add(round, world, 8)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(response.context["rows"]) == 10 and all(not row.missing for row in response.context["rows"])


def test_the_round_list_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    make_application(make_round(world.vgr), unit=world.clinic)
    client.force_login(world.users["kansli"])
    url = reverse("intake:rounds")
    client.get(url)
    few, _ = _count(client, url)
    for _ in range(6):
        make_application(make_round(world.vgr), unit=world.clinic)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert len(response.context["rows"]) == 7


def test_the_round_page_shows_its_applications_a_page_at_a_time(client, world, django_assert_max_num_queries):
    """25 applications a page in name order; the counts by status cover the whole round; the
    queries are as many for the first page of 27 as for a round of 2."""
    from intake.exporting import PAGE_SIZE
    from intake.models import ApplicationStatus as S

    round = make_round(world.vgr, places=30)
    make_application(round, unit=world.clinic, last_name="Aaberg")
    make_application(round, unit=world.clinic, last_name="Ab", status=S.DRAFT)
    client.force_login(world.users["kansli"])
    url = reverse("intake:round", args=[round.pk])
    client.get(url)
    few, response = _count(client, url)
    assert "page" in response.context and not response.context["page"].has_other_pages()
    for i in range(25):
        make_application(round, unit=world.clinic, last_name=f"Z{i:02}", status=S.ADMITTED if i < 3 else S.SUBMITTED)
    with django_assert_max_num_queries(few):
        response = client.get(url)
    rows = response.context["rows"]
    assert len(rows) == PAGE_SIZE == 25
    assert [r.application.last_name for r in rows[:3]] == ["Aaberg", "Ab", "Z00"]
    counts = {code: n for code, _label, n in response.context["counts"]}
    assert counts[S.SUBMITTED] == 23 and counts[S.DRAFT] == 1 and counts[S.ADMITTED] == 3
    assert response.context["places_left"] == 27
    html = response.content.decode()
    assert "page=2" in html and "1 / 2" in html
    second = client.get(url + "?page=2")
    assert [r.application.last_name for r in second.context["rows"]] == ["Z23", "Z24"]
    assert client.get(url + "?page=99").context["rows"][-1].application.last_name == "Z24"  # the last page
    assert client.get(url + "?page=x").context["page"].number == 1

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

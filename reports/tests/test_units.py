"""The unit report: capacity use per month, and the BT-läkare who belong to or serve at the unit."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from btportal import factories as f
from organisations.models import UnitCapacity
from portfolio.tests.factories import make_placement

from .factories import make_cohort

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(
    "persona,status",
    [
        ("verksamhetschef", 200),
        ("studierektor", 200),
        ("kansli", 200),
        ("admin", 200),
        ("granskare", 403),
        ("handledare", 403),
        ("bt_lakare", 403),
        ("stranger_kansli", 403),
    ],
)
def test_the_head_of_a_unit_and_those_above_see_its_report(client, world, persona, status):
    client.force_login(world.users[persona])
    assert client.get(reverse("reports:unit", args=[world.clinic.pk])).status_code == status
    if status == 200:
        assert client.get(reverse("reports:units")).status_code == 200


def test_the_unit_list_holds_the_units_in_scope(client, world):
    client.force_login(world.users["verksamhetschef"])
    units = list(client.get(reverse("reports:units")).context["page"])
    assert units == [world.clinic]


def test_it_shows_capacity_use_per_month_and_the_units_bt_doctors(client, world):
    cohort = make_cohort(world, 3)
    elsewhere = f.make_trainee(home_unit=world.health_centre, status="active")
    month = timezone.localdate().replace(day=1)
    make_placement(elsewhere, "akut", month, month + datetime.timedelta(days=20), unit=world.clinic)
    UnitCapacity.objects.create(unit=world.clinic, month=month, capacity=3)
    client.force_login(world.users["verksamhetschef"])
    response = client.get(reverse("reports:unit", args=[world.clinic.pk]), {"months": 3})
    chart = response.context["chart"]
    first = chart.table_rows[0]
    assert first[1:] == [4, 3, -1]  # used, capacity, free
    assert chart.rows[0].flag  # "over capacity", in words
    names = {row.trainee.pk for row in response.context["page"]}
    assert names == {t.pk for t in cohort} | {elsewhere.pk, world.trainee.pk}  # the world's: home unit here
    here = next(r for r in response.context["page"] if r.trainee.pk == elsewhere.pk).here
    assert [p.unit_id for p in here] == [world.clinic.pk]


def test_the_number_of_queries_does_not_grow_with_the_unit(client, world):
    client.force_login(world.users["verksamhetschef"])
    url = reverse("reports:unit", args=[world.clinic.pk])
    make_cohort(world, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    make_cohort(world, 30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["total"] == 33 and len(response.context["page"]) == 25
    assert len(many) == len(few)


def test_the_unit_list_takes_the_same_queries_for_few_and_many_units(client, world):
    client.force_login(world.users["kansli"])
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reports:units"))
    for i in range(30):
        f.make_unit(world.vgr, f"Klinik {i}", parent=world.hospital)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("reports:units"))
    assert (
        len(response.context["page"]) == 25 and response.context["page"].paginator.count == 33
    )  # the hospital, its clinic, the vårdcentral
    assert len(many) == len(few)

"""Who may view and edit a plan: every role against the plan pages."""

import datetime

import pytest
from django.urls import reverse

from btportal.factories import PERSONAS
from trainees.models import Placement

EDITORS = {"kansli", "studierektor", "verksamhetschef", "admin"}
VIEWERS = EDITORS | {"bt_lakare", "huvudhandledare"}
ALL = PERSONAS


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL)
def test_plan_pages_by_role(client, world, role):
    client.force_login(world.users[role])
    t = world.trainee
    assert client.get(t.get_absolute_url()).status_code == (200 if role in VIEWERS else 403)
    assert client.get(reverse("trainees:plan", args=[t.pk])).status_code == (200 if role in EDITORS else 403)
    response = client.post(
        reverse("trainees:placement_add", args=[t.pk]),
        {
            "unit": world.clinic.pk,
            "start": "2026-11-01",
            "end": "2027-01-31",
            "extent": "100",
            "plan_version": t.plan_version,
        },
    )
    assert response.status_code == (302 if role in EDITORS else 403)
    assert t.placements.count() == (1 if role in EDITORS else 0)


@pytest.mark.django_db
def test_a_placement_supervisor_may_view_the_trainee_but_not_edit(client, world):
    Placement.objects.create(
        trainee=world.trainee,
        category="akut",
        unit=world.clinic,
        start=datetime.date(2026, 11, 1),
        end=datetime.date(2027, 1, 31),
        supervisor=world.users["handledare"],
    )
    client.force_login(world.users["handledare"])
    assert client.get(world.trainee.get_absolute_url()).status_code == 200
    assert client.get(reverse("trainees:plan", args=[world.trainee.pk])).status_code == 403


@pytest.mark.django_db
def test_a_host_unit_director_sees_a_trainee_placed_there(client, world):
    """The Gävleborg studierektor's clinic hosts a placement: they see the trainee, cannot edit."""
    Placement.objects.create(
        trainee=world.trainee,
        category="akut",
        unit=world.other_clinic,
        start=datetime.date(2026, 11, 1),
        end=datetime.date(2027, 1, 31),
    )
    client.force_login(world.users["stranger_studierektor"])
    assert client.get(world.trainee.get_absolute_url()).status_code == 200
    assert client.get(reverse("trainees:plan", args=[world.trainee.pk])).status_code == 403


@pytest.mark.django_db
def test_a_placement_of_another_trainee_cannot_be_edited_through_this_one(client, world):
    other = Placement.objects.create(
        trainee=world.other_trainee,
        category="akut",
        unit=world.other_clinic,
        start=datetime.date(2026, 11, 1),
        end=datetime.date(2027, 1, 31),
    )
    client.force_login(world.users["kansli"])
    url = reverse("trainees:placement_edit", args=[world.trainee.pk, other.pk])
    assert client.get(url).status_code == 404

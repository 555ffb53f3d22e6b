"""The handledare's inbox reads a fixed number of queries however many BT doctors they follow
(it once read their placements, leave and assessments one BT doctor at a time: 756 queries for
a handledare with 250)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from btportal import factories as f
from trainees.models import Leave, Placement

pytestmark = pytest.mark.django_db


def _add_trainees(world, n):
    today = timezone.localdate()
    handledare = world.users["handledare"]
    for _ in range(n):
        trainee = f.make_trainee(home_unit=world.clinic, programme="gavleborg")
        placement = Placement.objects.create(
            trainee=trainee,
            category="akut",
            unit=world.clinic,
            start=today - datetime.timedelta(days=90),
            end=today + datetime.timedelta(days=20),
            supervisor=handledare,
        )
        Leave.objects.create(
            trainee=trainee,
            kind="vacation",
            start=today - datetime.timedelta(days=10),
            end=today - datetime.timedelta(days=5),
        )
        Assessment.objects.create(
            trainee=trainee,
            instrument="mini_cex",
            placement=placement,
            performed_on=today - datetime.timedelta(days=40),
            assessor_name="A",
            overall=3,
            signed_at=timezone.now(),
        )


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("assessments:inbox"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_it_reads_a_fixed_number_of_queries_whatever_the_number_of_trainees(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.users["handledare"])
    _add_trainees(world, 2)
    client.get(reverse("assessments:inbox"))  # warm up (session, content types)
    few, response = _queries(client)
    assert len(response.context["due"]) >= 2

    _add_trainees(world, 15)
    with django_assert_max_num_queries(few):
        response = client.get(reverse("assessments:inbox"))
    assert len({item.trainee.pk for item in response.context["due"]}) == 17

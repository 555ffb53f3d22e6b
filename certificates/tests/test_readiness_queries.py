"""The readiness page reads a BT-läkare's placements, leave and credits once and hands them to every
service that judges them: its query count does not grow with the plan, the evidence or the
register of approved assessors."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from btportal import factories as f
from btportal.factories import PASSWORD

from .conftest import goal

pytestmark = pytest.mark.django_db
D = datetime.date


def _grow(world, n):
    """n placements of a month each (each with a supervisor), n signed assessments and n activities,
    a leave and a credit, and n approved assessors in the register of the region."""
    from accounts.models import ApprovedAssessor, Role
    from assessments.models import Assessment
    from portfolio.models import Activity
    from trainees.models import Credit, Leave, Placement

    t = world.trainee
    start = D(2026, 1, 1)
    for i in range(n):
        first = D(start.year + (start.month + i - 1) // 12, (start.month + i - 1) % 12 + 1, 1)
        Placement.objects.create(
            trainee=t,
            category="akut",
            unit=world.clinic,
            start=first,
            end=first + datetime.timedelta(days=27),
            supervisor=f.make_supervisor(f"h{n}-{i}@example.se", workplace=world.clinic),
        )
        activity = Activity.objects.create(trainee=t, kind="clinical", title=f"Jour {i}", start=first)
        activity.goals.set([goal("BT1"), goal("BT2")])
        a = Assessment.objects.create(trainee=t, instrument="mini_cex", performed_on=first, assessor_name="Dr X")
        a.goals.set([goal("BT1")])
        a.signed_at = timezone.now()
        a.save(update_fields=["signed_at"])
        ApprovedAssessor.objects.create(
            user=f.make_user(f"ext{n}-{i}@example.se", role=Role.EXTERN_BEDOMARE),
            region=world.vgr,
            specialty="Allmänmedicin",
            training_date=D(2024, 3, 1),
            workplace=world.other_clinic,
        )
    Leave.objects.create(trainee=t, kind="sick", start=D(2026, 2, 2), end=D(2026, 2, 4))
    Credit.objects.create(trainee=t, category="annan", months=1, kind="foreign")
    return t


def _page_queries(client, trainee):
    url = reverse("certificates:readiness", args=[trainee.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


@pytest.mark.parametrize("role", ["kansli", "bt_lakare"])
def test_the_readiness_page_reads_as_many_queries_for_2_as_for_10_placements(client, world, role):
    from trainees.models import Credit, Leave, Placement

    client.login(email=world.users[role].email, password=PASSWORD)
    _grow(world, 2)
    small, _ = _page_queries(client, world.trainee)
    Placement.objects.filter(trainee=world.trainee).delete()
    Leave.objects.filter(trainee=world.trainee).delete()
    Credit.objects.filter(trainee=world.trainee).delete()
    _grow(world, 10)
    large, _ = _page_queries(client, world.trainee)
    assert small == large, (small, large)
    assert large <= 22, large  # was 46 (placements, leave and credits read about five times over)


def test_the_service_reads_the_plan_once(world):
    from certificates import services

    _grow(world, 10)
    with CaptureQueriesContext(connection) as captured:
        services.readiness(world.trainee)
    tables = [q["sql"].split(" FROM ")[1].split()[0] for q in captured.captured_queries if " FROM " in q["sql"]]
    for table in ('"trainees_placement"', '"trainees_leave"', '"trainees_credit"'):
        assert tables.count(table) == 1, (table, tables)

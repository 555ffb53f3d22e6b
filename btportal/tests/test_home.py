"""Issue 14, item 3: each role's home leads to its work in one tap: supervisors to their inbox with the
count waiting, the BT-läkare to the assessments due and overdue with a one-tap request; the admin
sees whether the background worker is alive."""

import datetime

import pytest
from django.utils import timezone

from btportal.factories import PASSWORD
from core import jobs
from trainees.models import Placement

pytestmark = pytest.mark.django_db


def _get(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client.get("/").content.decode()


def test_supervisors_see_how_many_requests_wait_and_reach_the_inbox(client, world):
    from assessments import services

    today = timezone.localdate()
    placement = Placement.objects.create(
        trainee=world.trainee,
        category="akut",
        unit=world.clinic,
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=60),
        supervisor=world.users["handledare"],
    )
    page = _get(client, world.users["handledare"])
    assert "Bedömningsförfrågningar: inga väntar på dig" in page and 'href="/assessments/inbox/"' in page
    for _ in range(2):
        services.create_request(
            world.trainee,
            by=world.users["bt_lakare"],
            instrument="mini_cex",
            placement=placement,
            assessor=world.users["handledare"],
        )
    page = _get(client, world.users["handledare"])
    assert '<a href="/assessments/inbox/">2 bedömningsförfrågningar väntar på dig</a>' in page


def test_the_trainee_sees_overdue_assessments_with_a_one_tap_request(client, world):
    import re

    from assessments import cadence

    today = timezone.localdate()
    Placement.objects.create(
        trainee=world.trainee,
        category="akut",
        unit=world.clinic,
        start=today - datetime.timedelta(days=200),
        end=today + datetime.timedelta(days=10),
    )
    expected = cadence.needs_attention(cadence.due_items(world.trainee, today=today), today=today, within_days=30)
    assert any(i.status == cadence.OVERDUE for i in expected)
    page = _get(client, world.users["bt_lakare"])
    assert 'data-testid="home-due"' in page and 'data-status="overdue"' in page and "Försenad" in page
    links = re.findall(r'<a class="btn[^"]*" href="(/assessments/request/[^"]*)"', page)
    assert len(links) == len(expected)
    # each link opens the request form with what the cadence asks for already chosen
    for link, item in zip(links, expected, strict=True):
        form = client.get(link.replace("&amp;", "&")).content.decode()
        if item.instrument:
            assert f'<option value="{item.instrument}" selected>' in form
        if item.placement is not None:
            assert f'<option value="{item.placement.pk}" selected>' in form


def test_the_admin_sees_whether_the_background_worker_runs(client, world, settings):
    settings.JOB_TIMEOUT = 60
    jobs._cache().delete(jobs.LAST_BEAT_KEY)
    page = _get(client, world.users["admin"])
    assert 'data-testid="worker-status"' in page and "körs inte" in page
    jobs.beat("w-9")
    page = _get(client, world.users["admin"])
    assert "Bakgrundsprocessen: körs" in page and "körs inte" not in page

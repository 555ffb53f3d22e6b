"""Readiness: every rule (asked of the rules module) and every delmål with its evidence."""

import datetime

import pytest
from django.urls import reverse

from btportal.factories import PASSWORD
from certificates import services
from core.errors import DomainError

from .conftest import add_evidence

pytestmark = pytest.mark.django_db


def test_it_is_ready_with_a_full_plan_and_evidence(ready):
    r = services.readiness(ready)
    assert [f.code for f in r.plan.errors] == []
    assert all(row.met for row in r.requirements if row.severity == "error"), [
        (row.text, row.evidence) for row in r.requirements
    ]
    assert all(g.state == "evidenced" for g in r.goals)
    assert r.ready and r.may_start


def test_it_lists_unmet_rules_and_goals_from_real_data(world):
    t = world.trainee
    r = services.readiness(t)
    assert not r.ready
    codes = {f.code for f in r.plan.errors}
    assert "PLAN_TOO_SHORT" in codes or "NO_PLACEMENTS" in codes or codes
    total = next(row for row in r.requirements if "full-time months of service" in row.text)
    assert not total.met
    assert all(g.state != "evidenced" for g in r.goals)


def test_a_goal_needs_an_activity_and_a_signed_assessment(world):
    from assessments.models import Assessment

    t = world.trainee
    add_evidence(t, ["BT1"])
    unsigned = Assessment.objects.create(
        trainee=t, instrument="dops", performed_on=datetime.date(2026, 12, 9), assessor_name="X"
    )
    from .conftest import goal

    unsigned.goals.set([goal("BT2")])
    by_code = {g.goal.code: g for g in services.readiness(t).goals}
    assert by_code["BT1"].state == "evidenced"
    assert by_code["BT2"].state == "in_progress" and "No signed assessment" in by_code["BT2"].missing
    assert by_code["BT3"].state == "not_started"


def test_the_kansli_may_override_with_a_reason(world):
    t = world.trainee
    with pytest.raises(DomainError):
        services.override_readiness(t, reason=" ", by=world.users["kansli"])
    services.override_readiness(t, reason="Beslut av BT-chef", by=world.users["kansli"])
    r = services.readiness(t)
    assert not r.ready and r.may_start and r.override.reason == "Beslut av BT-chef"


@pytest.mark.parametrize("role", ["bt_lakare", "huvudhandledare", "kansli", "studierektor", "admin"])
def test_it_shows_the_page_to_the_trainee_supervisor_and_office(client, ready, world, role):
    client.login(email=world.users[role].email, password=PASSWORD)
    r = client.get(reverse("certificates:readiness", args=[ready.pk]))
    assert r.status_code == 200
    assert b'data-testid="ready"' in r.content
    assert "BT18" in r.content.decode()


@pytest.mark.parametrize("role", ["outsider", "stranger_kansli", "granskare", "extern_bedomare"])
def test_it_refuses_others(client, ready, world, role):
    client.login(email=world.users[role].email, password=PASSWORD)
    assert client.get(reverse("certificates:readiness", args=[ready.pk])).status_code == 403


def test_override_needs_the_kansli(client, world):
    client.login(email=world.users["huvudhandledare"].email, password=PASSWORD)
    r = client.post(reverse("certificates:override", args=[world.trainee.pk]), {"reason": "x"})
    assert r.status_code == 403
    client.login(email=world.users["kansli"].email, password=PASSWORD)
    r = client.post(reverse("certificates:override", args=[world.trainee.pk]), {"reason": "Särskilt beslut"})
    assert r.status_code == 302
    assert world.trainee.readiness_overrides.get().reason == "Särskilt beslut"

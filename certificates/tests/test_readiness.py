"""Readiness: every rule (asked of the rules module) and every delmål with its evidence."""

import datetime
from unittest import mock

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


# --- the figures as Socialstyrelsen reads them, and what holds things back ----------------------


def test_service_and_credit_are_apart_and_places_are_distinct_units(client, ready, world):
    from decimal import Decimal

    from trainees.models import Credit, Placement

    Credit.objects.create(trainee=ready, category="akut", months=Decimal("3"), kind="foreign", note="Charité 2024")
    # A second placement at the clinic of the first: a placement more, not a place more.
    Placement.objects.create(
        trainee=ready,
        category="akut",
        unit=world.clinic,
        start=datetime.date(2028, 1, 1),
        end=datetime.date(2028, 1, 31),
    )
    r = services.readiness(ready)
    assert r.figures.service == 13.5 and r.figures.credited == 3 and r.figures.total == 16.5
    assert services.bilaga3(ready)["total"] == "13,50"  # the service is Bilaga 3's sum
    assert r.figures.places == 3 and ready.placements.count() == 4
    rows = {row.text: row for row in r.requirements}
    akut = rows["At least 3 months within emergency care"]
    assert akut.source == "HSLF-FS 2021:8" and akut.met
    assert "Sahlgrenska, Medicinkliniken 2026-11-01–2027-02-28 (4.00)" in akut.evidence
    assert "credit 1, Charité 2024 (3.00)" in akut.evidence
    psych = rows["At least 2 months within psychiatry"]
    assert psych.source == "BT in Västra Götaland Region"  # a regional requirement, named by its programme
    client.force_login(world.users["kansli"])
    body = client.get(reverse("certificates:readiness", args=[ready.pk]), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "13,50 heltidsmånader" in body and "3,00 heltidsmånader" in body
    assert "3 (högst 4 rekommenderas)" in body
    assert "Minst 3 månader inom akut sjukvård" in body  # lower case inside the sentence
    # "tillgodoräknad" only for credited earlier service; counted service is not called that.
    assert "heltidsmånader tillgodoräknade" not in body
    assert "om läkarnas specialiseringstjänstgöring" in body


def test_a_licence_after_bt_start_holds_everything_back_with_a_link_to_fix_it(client, ready, world):
    ready.licence_date = ready.planned_start + datetime.timedelta(days=10)
    ready.save()
    r = services.readiness(ready)
    assert not r.ready
    fix = reverse("trainees:details", args=[ready.pk])
    for stage in (r.final_blockers, r.issue_blockers):
        blocker = next(b for b in stage if b.code == "LICENCE_AFTER_START")
        assert "BT is done after the licence" in blocker.reason and blocker.fix_url == fix
    # The office's override lets the final assessment start; issuing stays refused.
    services.override_readiness(ready, reason="Särskilt beslut", by=world.users["kansli"])
    assert services.readiness(ready).may_start
    assert any(b.code == "LICENCE_AFTER_START" for b in services.readiness(ready).issue_blockers)
    client.force_login(world.users["kansli"])
    body = client.get(reverse("certificates:readiness", args=[ready.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{fix}"' in body and "Correct the licence date" in body


def test_service_that_has_not_ended_holds_issuing_back(client, ready, world):
    # The plan runs until 2027-12-31: asked on a day before it (the fixture's dates are fixed).
    before_the_end = datetime.datetime(2027, 6, 15, 10, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=before_the_end):
        r = services.readiness(ready)
    blocker = next(b for b in r.issue_blockers if b.code == "SERVICE_NOT_ENDED")
    assert blocker.reason == "The service has not ended: the last placement ends on 2027-12-31."
    assert blocker.fix_url == reverse("trainees:plan", args=[ready.pk])
    assert r.ready and not r.can_issue  # the final assessment may start before the last day

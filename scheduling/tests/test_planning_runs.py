"""The in-app planning run: build the input from the database, run as a job, accept."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from btportal import factories as f
from core.errors import DomainError
from organisations.models import UnitCapacity
from scheduling import planning
from scheduling.models import PlanningRun, RunStatus
from trainees.models import Placement

D = datetime.date


@pytest.fixture
def cohort_world(world):
    """VGR gets a psychiatry clinic (VGR requires psykiatri); two planned trainees without placements."""
    world.psychiatry = f.make_unit(world.vgr, "Psykiatri", category="psykiatri", capacity=2)
    world.trainee.planned_start = D(2027, 1, 1)
    world.trainee.save()
    world.second = f.make_trainee(home_unit=world.clinic, planned_start=D(2027, 1, 1))
    return world


@pytest.mark.django_db
def test_the_input_subtracts_placements_of_others_from_capacity(cohort_world):
    w = cohort_world
    other = f.make_trainee(home_unit=w.clinic)
    Placement.objects.create(trainee=other, category="akut", unit=w.clinic, start=D(2027, 2, 10), end=D(2027, 3, 31))
    UnitCapacity.objects.create(unit=w.health_centre, month=D(2027, 7, 1), capacity=0)
    cohort = planning.build_cohort(w.vgr, [w.trainee, w.second], D(2027, 1, 1), 18)
    units = {u["id"]: u for u in cohort["units"]}
    clinic = units[str(w.clinic.pk)]
    assert clinic["capacity"] == 2
    assert clinic["capacity_by_month"] == {"2027-02": 1, "2027-03": 1}
    assert units[str(w.health_centre.pk)]["capacity_by_month"] == {"2027-07": 0}
    assert units[planning.INTRODUCTION_UNIT]["category"] == "introduktion"
    assert [t["id"] for t in cohort["trainees"]] == [str(w.trainee.pk), str(w.second.pk)]
    assert cohort["trainees"][0]["programme"] == "vgr"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["greedy", "cpsat"])
def test_a_run_is_claimed_solved_and_accepted(cohort_world, method):
    w = cohort_world
    run = planning.start_run(
        region=w.vgr,
        by=w.users["kansli"],
        trainees=[w.trainee, w.second],
        start=D(2027, 1, 1),
        months=18,
        method=method,
        time_limit=10,
    )
    assert run.status == RunStatus.QUEUED
    call_command("run_planning_jobs", "--once")
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.message
    proposals = planning.proposals(run)
    assert all(p.placements and p.check.valid for p in proposals)
    # Capacity of the clinic (2) and the psychiatry unit (2) is respected month by month.
    created = planning.accept_proposal(run, w.trainee, by=w.users["kansli"])
    assert created and w.trainee.placements.count() == len(created)
    with pytest.raises(DomainError):
        planning.accept_proposal(run, w.trainee, by=w.users["kansli"])


@pytest.mark.django_db
def test_a_second_worker_cannot_claim_the_same_run(cohort_world):
    w = cohort_world
    planning.start_run(region=w.vgr, by=None, trainees=[w.trainee], start=D(2027, 1, 1), months=18, method="greedy")
    assert planning.claim_next_run() is not None
    assert planning.claim_next_run() is None


@pytest.mark.django_db
def test_the_pages_start_show_and_accept(client, cohort_world):
    w = cohort_world
    client.force_login(w.users["kansli"])
    assert client.get(reverse("scheduling:runs")).status_code == 200
    response = client.post(
        reverse("scheduling:runs"),
        {
            "region": w.vgr.pk,
            "start": "2027-01-01",
            "months": "18",
            "method": "greedy",
            "time_limit": "10",
            "trainees": [w.trainee.pk, w.second.pk],
        },
    )
    run = PlanningRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    body = client.get(run.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in body  # waiting: the status polls
    call_command("run_planning_jobs", "--once")
    client.post(reverse("scheduling:accept", args=[run.pk]), {"trainee": "all"})
    assert w.trainee.placements.exists() and w.second.placements.exists()


@pytest.mark.django_db
def test_bad_input_changes_nothing(client, cohort_world):
    w = cohort_world
    client.force_login(w.users["kansli"])
    response = client.post(
        reverse("scheduling:runs"), {"region": w.vgr.pk, "start": "x", "months": "99", "method": "magic"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"start", "months", "method", "trainees"}
    assert not PlanningRun.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,expected",
    [
        ("kansli", 200),
        ("studierektor", 200),
        ("admin", 200),
        ("stranger_kansli", 403),
        ("bt_lakare", 403),
        ("handledare", 403),
        ("verksamhetschef", 403),
        ("granskare", 403),
        ("outsider", 403),
    ],
)
def test_who_may_see_a_run(client, cohort_world, role, expected):
    w = cohort_world
    run = planning.start_run(
        region=w.vgr, by=None, trainees=[w.trainee], start=D(2027, 1, 1), months=18, method="greedy"
    )
    client.force_login(w.users[role])
    assert client.get(run.get_absolute_url()).status_code == expected
    response = client.post(reverse("scheduling:accept", args=[run.pk]), {"trainee": "all"})
    assert response.status_code == (302 if expected == 200 else 403)


@pytest.mark.django_db
def test_a_mid_month_start_gives_a_valid_plan_with_whole_full_time_months(cohort_world):
    w = cohort_world
    w.trainee.planned_start = D(2027, 1, 5)
    w.trainee.save()
    run = planning.start_run(
        region=w.vgr, by=None, trainees=[w.trainee], start=D(2027, 1, 1), months=18, method="greedy"
    )
    call_command("run_planning_jobs", "--once")
    run.refresh_from_db()
    (proposal,) = planning.proposals(run)
    assert proposal.placements[0].start == D(2027, 1, 5)
    assert all(
        b.start == a.end + datetime.timedelta(days=1) for a, b in zip(proposal.placements, proposal.placements[1:])
    )
    assert proposal.check.valid, [f.message for f in proposal.check.errors]


@pytest.mark.django_db
def test_the_weights_of_the_soft_goals_can_be_set_when_starting_a_run(client, world):
    import datetime as dt

    from btportal import factories as f
    from scheduling.models import PlanningRun

    trainee = f.make_trainee(home_unit=world.clinic, planned_start=dt.date(2027, 4, 5))
    client.force_login(world.users["kansli"])
    data = {
        "region": world.vgr.pk,
        "start": "2027-04-01",
        "months": 18,
        "method": "greedy",
        "time_limit": 10,
        "trainees": [trainee.pk],
        "weight-preference": "9",
        "weight-moves": "0",
        "weight-idle": "",
    }
    response = client.post("/planning/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    run = PlanningRun.objects.get()
    assert run.cohort["weights"] == {"preference": 9, "moves": 0}  # the others keep the defaults
    assert {str(k): v for k, v in run.weights}["wishes"] == 9
    page = client.get(run.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "wishes 9 · moves 0 · idle months 5" in page
    # A bad weight is refused with a message and starts nothing.
    data["weight-late"] = "-1"
    response = client.post("/planning/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "greater than or equal to 0" in response.content.decode()
    assert PlanningRun.objects.count() == 1

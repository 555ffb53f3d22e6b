"""The in-app planning run: build the input from the database, run as a job (its status follows
the job: run, failed, recovered after its worker died), accept."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

import rules
import rules.counting
from btportal import factories as f
from core.errors import DomainError
from core.jobs import TaskResultStatus, reclaim_lost_jobs
from core.tests.jobs import run_ready_jobs
from organisations.models import UnitCapacity
from scheduling import planning, tasks
from scheduling.models import PlanningRun, RunStatus
from scheduling.tasks import solve_planning_run
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
    run_ready_jobs()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.message
    proposals = planning.proposals(run)
    assert all(p.placements and p.check.valid for p in proposals)
    # Capacity of the clinic (2) and the psychiatry unit (2) is respected month by month.
    created = planning.accept_proposal(run, w.trainee, by=w.users["kansli"])
    assert created and w.trainee.placements.count() == len(created)
    with pytest.raises(DomainError):
        planning.accept_proposal(run, w.trainee, by=w.users["kansli"])


def _start(w, **kwargs):
    options = {"start": D(2027, 1, 1), "months": 18, "method": "greedy", **kwargs}
    return planning.start_run(region=w.vgr, by=w.users["kansli"], trainees=[w.trainee, w.second], **options)


def _job_of(run) -> DBTaskResult:
    return DBTaskResult.objects.get(task_path=solve_planning_run.module_path, args_kwargs__args=[run.pk])


def _page(client, w, run) -> str:
    client.force_login(w.users["kansli"])
    return client.get(run.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.django_db
def test_a_started_run_is_a_queued_job_that_a_worker_runs(cohort_world):
    run = _start(cohort_world)
    job = _job_of(run)
    assert job.status == TaskResultStatus.READY and run.status == RunStatus.QUEUED
    run_ready_jobs()
    run.refresh_from_db()
    job.refresh_from_db()
    assert run.status == RunStatus.DONE and run.claimed_at and run.finished_at and run.result
    assert job.status == TaskResultStatus.SUCCESSFUL and job.return_value == RunStatus.DONE


@pytest.mark.django_db
def test_an_exception_of_the_planner_fails_the_run_and_its_page_says_why(client, cohort_world, monkeypatch):
    def stopped(*args, **kwargs):
        raise SystemExit("stopped")  # what a worker's forced stop (a second SIGTERM) raises in a job

    def broken(*args, **kwargs):
        raise RuntimeError("the solver is broken")

    monkeypatch.setattr("scheduling.solver.solve", broken)
    run = _start(cohort_world)
    run_ready_jobs()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "RuntimeError: the solver is broken" in run.message
    job = _job_of(run)
    assert job.status == TaskResultStatus.FAILED and job.exception_class_path == "builtins.RuntimeError"
    page = _page(client, cohort_world, run)
    assert "Failed" in page and "RuntimeError: the solver is broken" in page
    assert 'hx-trigger="every 2s"' not in page  # no longer waiting
    # Not an Exception (the task does not see it): the run follows the failed job all the same.
    monkeypatch.setattr("scheduling.solver.solve", stopped)
    run = _start(cohort_world)
    with translation.override("en"):
        run_ready_jobs()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.message == "The planning job failed: SystemExit: stopped"


@pytest.mark.django_db
def test_bad_planner_input_fails_the_run_in_the_planners_words(cohort_world):
    run = _start(cohort_world)
    PlanningRun.objects.filter(pk=run.pk).update(cohort={"horizon": {"start": "2027-13", "months": 18}})
    run_ready_jobs()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.message == "horizon.start: '2027-13' is not a valid month (expected YYYY-MM, month 01..12)"
    assert _job_of(run).status == TaskResultStatus.FAILED


@pytest.mark.django_db
def test_a_run_whose_worker_died_is_planned_again_after_the_timeout_and_once(
    client, cohort_world, settings, monkeypatch
):
    settings.JOB_TIMEOUT = 60
    run = _start(cohort_world)
    job = _job_of(run)
    job.claim("dead")  # a worker took the job and started the run, then was killed
    tasks.begin_run(run.pk)
    assert "Planning" in _page(client, cohort_world, run)
    solved = []
    execute = tasks.execute_run
    monkeypatch.setattr(tasks, "execute_run", lambda r: solved.append(r.pk) or execute(r))
    run_ready_jobs()  # within the timeout: the job is still the dead worker's
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and solved == []
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=timezone.now() - datetime.timedelta(seconds=61))
    run_ready_jobs()
    run_ready_jobs()
    run.refresh_from_db()
    job.refresh_from_db()
    assert run.status == RunStatus.DONE and solved == [run.pk]
    assert job.status == TaskResultStatus.SUCCESSFUL and len(job.worker_ids) == 2 and job.worker_ids[0] == "dead"


@pytest.mark.django_db
def test_a_run_whose_workers_keep_dying_fails_and_its_page_says_so(client, cohort_world, settings):
    settings.JOB_TIMEOUT = 60
    settings.JOB_MAX_ATTEMPTS = 1
    run = _start(cohort_world)
    _job_of(run).claim("dead")
    tasks.begin_run(run.pk)
    DBTaskResult.objects.filter(pk=_job_of(run).pk).update(started_at=timezone.now() - datetime.timedelta(seconds=61))
    with translation.override("en"):
        reclaim_lost_jobs()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.finished_at
    assert run.message.startswith("The planner's worker stopped while planning (killed or out of memory)")
    assert run.message in _page(client, cohort_world, run).replace("&#x27;", "'")


@pytest.mark.django_db
def test_a_finished_run_is_not_planned_again_when_its_job_runs(cohort_world):
    run = _start(cohort_world)
    PlanningRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, result={"assignments": []})
    run_ready_jobs()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.result == {"assignments": []}
    assert _job_of(run).return_value.startswith("skipped")


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
    run_ready_jobs()
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
    run_ready_jobs()
    run.refresh_from_db()
    (proposal,) = planning.proposals(run)
    assert proposal.placements[0].start == D(2027, 1, 5)
    assert all(
        b.start == a.end + datetime.timedelta(days=1) for a, b in zip(proposal.placements, proposal.placements[1:])
    )
    assert proposal.check.valid, [f.message for f in proposal.check.errors]
    # Each dated placement counts exactly the whole months the planner gave it (calendar months:
    # 5 January + 3 months ends 4 April).
    assert all(rules.counting.calendar_months(p.start, p.end) == p.months for p in proposal.placements)
    assert proposal.placements[0].end.day == 4


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

"""Shared helpers of the proposal tests (test_proposal_edits.py, test_proposal_review.py); the `w`
fixture is in conftest.py."""

import datetime

from django.urls import reverse

from scheduling import planning
from scheduling.models import RunStatus

D = datetime.date
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}


def plan_rows(w):
    """A plan that meets VGR's rules: 4 months each of akut, primärvård and psykiatri."""
    return [
        {"unit": str(w.clinic.pk), "category": "akut", "start": "2027-01", "months": 4},
        {"unit": str(w.health_centre.pk), "category": "primarvard", "start": "2027-05", "months": 4},
        {"unit": str(w.psychiatry.pk), "category": "psykiatri", "start": "2027-09", "months": 4},
    ]


def make_run(w, trainees):
    """A finished run whose planner gave every trainee `plan_rows` (no solver: deterministic)."""
    run = planning.start_run(
        region=w.vgr, by=w.users["kansli"], trainees=trainees, start=D(2027, 1, 1), months=18, method="greedy"
    )
    assignments = [dict(row, trainee=str(t.pk)) for t in trainees for row in plan_rows(w)]
    run.result = {
        "status": "feasible",
        "method": "greedy",
        "objective": 0,
        "seconds": 0.1,
        "assignments": assignments,
        "unassigned": [],
        "explanation": [],
    }
    run.status = RunStatus.DONE
    run.save()
    return run


def form_data(rows, *, version, deleted=(), initial=None):
    data = {
        "version": "" if version is None else str(version),
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": str(len(rows) if initial is None else initial),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update(
            {f"rows-{i}-unit": row["unit"], f"rows-{i}-start": row["start"], f"rows-{i}-months": str(row["months"])}
        )
        if i in deleted:
            data[f"rows-{i}-DELETE"] = "on"
    return data


def edit_url(w, trainee=None):
    return reverse("scheduling:proposal_edit", args=[w.run.pk, (trainee or w.trainee).pk])


def proposal_of(w, trainee=None):
    (p,) = planning.proposals(w.run, only=trainee or w.trainee)
    return p


def bad_rows(w, case):
    rows = plan_rows(w)
    if case == "unknown unit":
        rows[0]["unit"] = "999999"
    elif case == "unit of another region":
        rows[0]["unit"] = str(w.other_clinic.pk)
    elif case == "zero months":
        rows[0]["months"] = 0
    elif case == "months not a number":
        rows[0]["months"] = "four"
    elif case == "start before the period":
        rows[0]["start"] = "2026-12"
    elif case == "start after the period":
        rows[2]["start"] = "2028-07"
    elif case == "ends after the period":
        rows[2]["start"], rows[2]["months"] = "2028-05", 4
    elif case == "start not a month":
        rows[0]["start"] = "January"
    elif case == "overlapping rows":
        rows[1]["start"] = "2027-03"
    elif case == "no rows":
        rows = []
    return rows

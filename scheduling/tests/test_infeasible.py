"""Cohorts that cannot all be placed are reported as infeasible, in people's words."""

import pytest

from scheduling.checker import check
from scheduling.explain import explain_infeasible
from scheduling.model import Cohort
from scheduling.prepare import Options
from scheduling.solver import solve

from .cohorts import cohort, national, unit

# Three trainees need akut in the same three months; akut has two places a month.
CROWDED = cohort(
    [national(t, total=3, akut=3, primarvard=0) for t in ("a", "b", "c")],
    [unit("akut-1", "akut", 1), unit("akut-2", "akut", 1), unit("vc", "primarvard", 3)],
    months=3,
)
CAPACITY_LINE = (
    "akut capacity in 2027-01..2027-03 is 6 place-months (2 places a month) "
    "but 3 trainees (a, b, c) need at least 9 months of akut in that period"
)


@pytest.mark.parametrize("method", ["cpsat", "greedy"])
def test_too_few_places_is_infeasible_and_names_category_months_and_trainees(method):
    c = Cohort.from_dict(CROWDED)
    s = solve(c, method, time_limit=5)
    assert s.status == "infeasible"
    assert len(s.unassigned) == 1 and len(s.assignments) == 2
    assert CAPACITY_LINE in s.explanation
    assert any(line.startswith(f"{s.unassigned[0]} was not placed: no akut unit") for line in s.explanation)
    assert check(c, s) == []


def test_strict_mode_gives_no_plan():
    c = Cohort.from_dict(CROWDED)
    s = solve(c, "cpsat", options=Options(time_limit=5, allow_unassigned=False))
    assert s.status == "infeasible" and s.assignments == []
    assert sorted(s.unassigned) == ["a", "b", "c"]
    assert CAPACITY_LINE in s.explanation


def test_explain_infeasible_can_be_called_alone():
    assert explain_infeasible(Cohort.from_dict(CROWDED)) == [CAPACITY_LINE]


def test_a_summer_with_fewer_places_is_named():
    data = cohort(
        [national(t, total=3, akut=3, primarvard=0, start="2027-06") for t in ("a", "b")],
        [unit("akut", "akut", 2, capacity_by_month={"2027-07": 1})],
        months=8,
    )
    s = solve(Cohort.from_dict(data), "cpsat", time_limit=5)
    assert s.status == "infeasible"
    assert (
        "akut capacity in 2027-07 is 1 place-months (1 place a month) but 2 trainees (a, b) need at least "
        "2 months of akut in that period"
    ) in s.explanation


@pytest.mark.parametrize(
    "trainee,words",
    [
        (
            national("t", total=4, akut=3, primarvard=3),
            "t: the required months (akut 3, primarvard 3) add up to 6 but the plan is 4 months",
        ),
        (national("t", start="2027-10"), "t: needs 6 months of service from 2027-10 but the horizon ends 2027-12"),
        (
            {"id": "t", "programme": "vgr", "earliest_start": "2027-01"},
            "t: needs 2 months of psykiatri but the cohort has no psykiatri unit with places",
        ),
    ],
)
def test_a_trainee_who_cannot_be_planned_at_all_is_explained(trainee, words):
    data = cohort([trainee, national("ok")], [unit("akut", "akut"), unit("vc", "primarvard")])
    c = Cohort.from_dict(data)
    for method in ("cpsat", "greedy"):
        s = solve(c, method, time_limit=5)
        assert s.status == "infeasible" and s.unassigned == ["t"]
        assert words in s.explanation
        assert check(c, s) == []

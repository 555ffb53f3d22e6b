"""Tiny cohorts whose optimum is known by hand (default weights: preference 2 per weight-month,
moves 5, idle 5, late 3 per month, fairness 5, unassigned 1000)."""

import pytest

from scheduling.checker import check
from scheduling.model import Cohort
from scheduling.objective import Weights, evaluate
from scheduling.solver import solve

from .cohorts import cohort, national, unit

W = Weights()


def _solve(data, method="cpsat", **kw):
    c = Cohort.from_dict(data)
    s = solve(c, method, time_limit=kw.pop("time_limit", 10), seed=1, **kw)
    assert check(c, s) == []
    assert s.objective == evaluate(c, s, kw.get("weights")).total
    if method == "cpsat":
        assert "fallback_to_hint" not in s.stats
        assert s.stats["cpsat_objective"] == s.objective  # the model agrees with the evaluator
    return c, s


def _by_trainee(s):
    out = {}
    for a in sorted(s.assignments, key=lambda a: a.start):
        out.setdefault(a.trainee, []).append((a.unit, a.start, a.months))
    return out


@pytest.mark.parametrize("method", ["cpsat", "greedy"])
def test_it_places_one_trainee_with_one_move(method):
    _, s = _solve(cohort([national("t")], [unit("akut", "akut"), unit("vc", "primarvard")]), method)
    assert s.objective == W.moves and s.unassigned == []
    assert s.status == ("optimal" if method == "cpsat" else "feasible")
    if method == "cpsat":
        assert s.bound == s.objective and s.gap == 0


def test_two_wishes_for_one_place_are_met_in_turn_where_greedy_fails_one():
    data = cohort(
        [national(t, preferences=[{"unit": "akut-a", "weight": 3}]) for t in ("t1", "t2")],
        [unit("akut-a", "akut"), unit("akut-b", "akut"), unit("vc", "primarvard", 2)],
        months=6,
    )
    _, s = _solve(data)
    assert s.status == "optimal" and s.objective == 2 * W.moves
    assert all(any(u == "akut-a" for u, *_ in plan) for plan in _by_trainee(s).values())
    _, g = _solve(data, "greedy")
    assert g.objective == 2 * W.moves + 3 * 3 * W.preference  # one wish missed by 3 months


def test_a_closed_first_month_makes_the_plan_one_month_late():
    closed = {"capacity_by_month": {"2027-01": 0}}
    data = cohort(
        [national("t", latest="2027-03")], [unit("akut", "akut", **closed), unit("vc", "primarvard", **closed)]
    )
    _, s = _solve(data)
    assert s.status == "optimal" and s.objective == W.moves + W.late
    assert min(a.start for a in s.assignments) == 1


def test_an_unavailable_month_pauses_the_placement():
    data = cohort([national("t", unavailable=["2027-02"])], [unit("akut", "akut"), unit("vc", "primarvard")])
    _, s = _solve(data)
    assert s.status == "optimal" and s.objective == W.moves  # not late: the leave moves the earliest end
    assert all(not (a.start <= 1 <= a.end) for a in s.assignments)
    assert sum(a.months for a in s.assignments) == 6 and max(a.end for a in s.assignments) == 6


def test_gavleborg_starts_and_ends_in_primary_care():
    data = cohort(
        [{"id": "t", "programme": "gavleborg", "total_months": 6, "earliest_start": "2027-01"}],
        [unit("akut", "akut"), unit("vc", "primarvard")],
    )
    _, s = _solve(data)
    plan = _by_trainee(s)["t"]
    assert [u for u, *_ in plan] == ["vc", "akut", "vc"]
    assert s.status == "optimal" and s.objective == 2 * W.moves


def test_introduction_comes_first():
    data = cohort(
        [{"id": "t", "programme": "ostergotland", "earliest_start": "2027-01"}],
        [unit("intro", "introduktion", 5), unit("akut", "akut"), unit("vc", "primarvard"), unit("psyk", "psykiatri")],
        months=14,
    )
    _, s = _solve(data)
    plan = _by_trainee(s)["t"]
    assert plan[0][0] == "intro" and sum(m for *_, m in plan) == 12
    assert s.status == "optimal" and s.objective == 3 * W.moves


def test_unpopular_placements_are_spread():
    units = [
        unit("akut-p", "akut"),
        unit("vc-p", "primarvard"),
        unit("akut-u", "akut", 2, unpopular=True),
        unit("vc-u", "primarvard", 2, unpopular=True),
    ]
    _, s = _solve(cohort([national("t1"), national("t2")], units, months=6))
    assert s.status == "optimal" and s.objective == 2 * W.moves and s.terms["fairness"] == 0
    for plan in _by_trainee(s).values():
        assert sum(u.endswith("-u") for u, *_ in plan) == 1


def test_weights_can_be_set():
    data = cohort([national("t1"), national("t2")], [unit("akut", "akut"), unit("vc", "primarvard")], months=12)
    _, s = _solve(data, weights=Weights(moves=1, late=0, idle=0))
    assert s.objective == 2 and s.status == "optimal"

"""Our own fix-and-optimize search (``scheduling/lns.py``): every plan it returns passes the
checker, is never worse than its start, reaches the proven optimum when a neighbourhood can hold
the whole cohort, and the solver with it (``Options.lns_share``) returns a checked plan."""

from hypothesis import HealthCheck, given, settings

from scheduling.checker import check
from scheduling.greedy import greedy_schedule
from scheduling.heuristic import best_fit_schedule
from scheduling.lns import improve, total_cost
from scheduling.model import Cohort
from scheduling.objective import evaluate
from scheduling.prepare import Options, prepare
from scheduling.solution import Solution, assignments_from_schedule
from scheduling.solver import solve

from .test_bound_lagrangian import crowded
from .test_properties import cohorts


def _solution(c, schedule):
    s = Solution(status="", method="lns", horizon_start=c.start, assignments=assignments_from_schedule(c, schedule))
    s.unassigned = [t.id for t in c.trainees if t.id not in schedule]
    return s


def _start(c, data):
    """The worse complete starting plan of greedy and best-fit (more room to improve), or None."""
    plans = [greedy_schedule(c, data, Options()), best_fit_schedule(c, data, c.weights, time_budget=2)]
    plannable = {td.id for td in data if td.plannable}
    full = [p for p in plans if set(p) == plannable]
    return max(full, key=lambda p: total_cost(c, c.weights, p)) if full else None


def _improve(data, **kw):
    c = Cohort.from_dict(data)
    prepared = prepare(c, Options())
    start = _start(c, prepared)
    if start is None:
        return None
    r = improve(c, prepared, c.weights, {}, start, time_limit=kw.pop("time_limit", 1.0), seed=1, **kw)
    return c, start, r


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts())
def test_every_lns_plan_passes_the_checker_and_is_never_worse_than_its_start(data):
    # plans of equal cost are taken too (sideways, the default), ties broken at random: the cost
    # must still never rise
    out = _improve(data, size=2, min_size=2, max_size=3, tiebreak=True)
    if out is None:
        return
    c, start, r = out
    sol = _solution(c, r.schedule)
    assert check(c, sol) == []
    assert set(r.schedule) == set(start)  # the same trainees placed
    assert r.objective == total_cost(c, c.weights, r.schedule) <= total_cost(c, c.weights, start) == r.start_objective
    assert evaluate(c, sol).total == evaluate(c, _solution(c, start)).total - (r.start_objective - r.objective)


@settings(max_examples=12, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded())
def test_a_neighbourhood_of_the_whole_cohort_reaches_the_proven_optimum(data):
    c = Cohort.from_dict(data)
    best = solve(c, "cpsat", time_limit=5, seed=1)
    if best.status != "optimal" or best.unassigned:
        return
    # with random tie-breaks too: the sub-model's optimum is still a plan of the least cost
    out = _improve(data, size=10, min_size=10, max_size=10, kinds=("random",), each=5.0, time_limit=2.0, tiebreak=True)
    if out is None:
        return
    c, _start, r = out
    assert check(c, _solution(c, r.schedule)) == []
    # the sub-model of every trainee in the places nobody holds is the full model: its optimum
    assert r.proven >= 1
    assert r.objective == best.objective


def test_freed_trainees_see_only_the_places_the_fixed_ones_leave():
    from bench.scheduler.generate import generate

    c = Cohort.from_dict(generate(40, 20, 24, seed=1, load=0.75))
    prepared = prepare(c, Options())
    start = best_fit_schedule(c, prepared, c.weights, time_budget=5)
    plannable = [td for td in prepared if td.plannable]
    assert len(start) == len(plannable)  # a complete start (best-fit places everyone here)
    r = improve(c, prepared, c.weights, {}, start, time_limit=6.0, seed=2, size=8)
    sol = _solution(c, r.schedule)
    assert check(c, sol) == []  # unit capacity among the rest
    assert r.rounds > 0 and r.improved > 0  # best-fit leaves room on this cohort
    assert r.objective < r.start_objective
    assert [o for _, o in r.history] == sorted((o for _, o in r.history), reverse=True)


def test_the_solver_with_lns_returns_a_checked_plan_no_worse_than_its_start():
    from bench.scheduler.generate import generate

    c = Cohort.from_dict(generate(40, 20, 24, seed=1, load=0.75))
    for share in (0.5, 1.0):
        # complete_search_up_to below the cohort's size: the path of the 200-trainee cohorts
        s = solve(c, "cpsat", options=Options(time_limit=12, seed=1, lns_share=share, complete_search_up_to=10))
        assert check(c, s) == [] and not s.unassigned
        assert evaluate(c, s).total == s.objective
        lns = s.stats["lns"]
        assert lns["rounds"] > 0
        assert s.objective <= lns["objective"] <= lns["start"]
        assert s.bound is not None and s.bound <= s.objective
        assert s.stats["hint"].endswith("+lns")
        if share == 1.0:  # CP-SAT on the full model left out: the plan is the search's
            assert s.objective == lns["objective"] and not s.stats.get("phases")

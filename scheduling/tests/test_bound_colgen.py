"""Column generation (``bench/scheduler/colgen.py``): its bound never exceeds an optimum CP-SAT
proves on small cohorts, equals the Lagrangian function at its prices, and its plans are valid."""

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.scheduler.colgen import column_generation
from bench.scheduler.lagrangian import SCALE, _priced_model, _solve_priced, candidate_extra
from scheduling.checker import check
from scheduling.model import Cohort
from scheduling.objective import evaluate
from scheduling.prepare import Options, prepare
from scheduling.solution import Solution, assignments_from_schedule
from scheduling.solver import solve

from .cohorts import cohort, national, unit
from .test_bound_lagrangian import crowded


def _lagrangian_at(c, prices):
    """L(prices) computed by the Lagrangian module's own pricing, independently of colgen."""
    options = Options(seed=1, time_limit=2)
    weights = c.weights
    data = prepare(c, options)
    extra = candidate_extra(c, data, weights, options)
    total = weights.unassigned * sum(1 for td in data if not td.plannable)
    scaled = 0
    for td in data:
        if td.plannable:
            z, _ = _solve_priced(_priced_model(c, td, weights, extra.get(td.id, {})), prices, time_limit=5.0)
            scaled += z
    scaled -= sum(v * c.units[k[0]].capacity_in(k[1]) for k, v in prices.items())
    return total + scaled / SCALE


def _check(data):
    c = Cohort.from_dict(data)
    s = solve(c, "cpsat", time_limit=2, seed=1)
    if s.bound != s.objective or s.unassigned:  # optimum not proven, or not everyone placed
        return
    r = column_generation(c, Options(seed=1, time_limit=2), time_limit=20, master_limit=2)
    assert s.stats["trainee_bound"] <= r["bound"] <= s.objective
    assert r["bound"] <= math.ceil(r["lp"] - 1e-6)
    assert math.ceil(_lagrangian_at(c, r["prices"]) - 1e-6) == r["bound"]
    if r["plan"] is not None:
        sol = Solution(
            status="", method="colgen", horizon_start=c.start, assignments=assignments_from_schedule(c, r["plan"])
        )
        assert check(c, sol) == []
        assert evaluate(c, sol).total == r["objective"] >= s.objective


@settings(max_examples=12, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded())
def test_the_colgen_bound_never_exceeds_the_proven_optimum_of_a_crowded_cohort(data):
    _check(data)


def test_the_colgen_bound_sees_capacity_and_its_plan_is_the_optimum():
    # three trainees starting in January or February, one akut place: alone each is on time
    # at the wished-for unit (the per-trainee bound), together someone is not
    data = cohort(
        [
            national(t, total=4, akut=2, primarvard=2, latest="2027-02", preferences=[{"unit": "akut", "weight": 5}])
            for t in ("t1", "t2", "t3")
        ],
        [unit("akut", "akut"), unit("vc", "primarvard", 2)],
        months=8,
    )
    c = Cohort.from_dict(data)
    s = solve(c, "cpsat", time_limit=5, seed=1)
    assert s.status == "optimal"
    r = column_generation(c, Options(seed=1, time_limit=5), time_limit=30, master_limit=5)
    assert r["history"][0]["lagrangian"] == s.stats["trainee_bound"]
    assert s.stats["trainee_bound"] < r["bound"] <= s.objective
    assert r["objective"] == s.objective


def test_the_solver_with_column_generation_returns_a_checked_plan_and_a_proven_bound():
    from bench.scheduler.generate import generate

    c = Cohort.from_dict(generate(40, 20, 24, seed=1, load=0.95))
    # everyone must be placed (greedy leaves one out here): the case where the bound is valid
    s = solve(c, "cpsat", options=Options(time_limit=20, seed=1, colgen_share=0.7, allow_unassigned=False))
    cg = s.stats["colgen"]
    assert check(c, s) == [] and not s.unassigned
    assert evaluate(c, s).total == s.objective
    # the solver's bound is the better of the per-trainee bound and the column-generation bound
    assert s.bound == max(s.stats["trainee_bound"], cg["bound"]) <= s.objective
    assert s.stats["hint"] in ("greedy", "best_fit", "colgen")
    if cg["master"] and cg["master"]["objective"] is not None:
        assert s.objective <= s.stats["colgen_objective"]


def test_pricing_on_two_threads_gives_the_same_bound_and_plans_that_pass_the_checker():
    from scheduling.colgen import column_generation as core
    from scheduling.greedy import greedy_schedule

    data = cohort(
        [
            national(t, total=4, akut=2, primarvard=2, latest="2027-02", preferences=[{"unit": "akut", "weight": 5}])
            for t in ("t1", "t2", "t3", "t4")
        ],
        [unit("akut", "akut"), unit("akut-2", "akut"), unit("vc", "primarvard", 2)],
        months=9,
    )
    c = Cohort.from_dict(data)
    best = solve(c, "cpsat", time_limit=5, seed=1)
    assert best.status == "optimal"
    prepared = prepare(c, Options())
    starts = {"greedy": greedy_schedule(c, prepared, Options())}
    one, two = (core(c, prepared, c.weights, {}, starts, time_limit=30, master_limit=5, threads=n) for n in (1, 2))
    assert one.converged and two.converged
    assert one.bound == two.bound <= best.objective
    assert [h["lagrangian"] for h in one.history] == [h["lagrangian"] for h in two.history]
    sol = Solution(
        status="", method="colgen", horizon_start=c.start, assignments=assignments_from_schedule(c, two.plan)
    )
    assert check(c, sol) == [] and evaluate(c, sol).total == two.plan_objective >= best.objective


def _closing(data, above):
    """Column generation and the reduced-cost search with an upper value ``above`` the optimum."""
    from scheduling.colgen import column_generation as core
    from scheduling.colgen import reduced_cost_search

    c = Cohort.from_dict(data)
    best = solve(c, "cpsat", time_limit=5, seed=1)
    if best.status != "optimal" or best.unassigned:
        return None
    prepared = prepare(c, Options())
    cg = core(c, prepared, c.weights, {}, {}, time_limit=20)
    r = reduced_cost_search(c, prepared, c.weights, {}, cg, best.objective + above, time_limit=10, seed=1)
    return c, best, cg, r


@st.composite
def contested(draw):
    """3–6 national trainees, two akut units of one place and a primärvård unit of two, with
    wishes: the column-generation bound is often below the optimum here (9 of 60 drawn so)."""
    trainees = []
    for n in range(draw(st.integers(3, 6))):
        akut, vc, start = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(0, 2))
        trainees.append(
            national(
                f"t{n}",
                total=akut + vc,
                akut=akut,
                primarvard=vc,
                start=f"2027-{start + 1:02d}",
                latest=f"2027-{start + 1 + draw(st.integers(0, 2)):02d}",
                preferences=[
                    {
                        "unit": draw(st.sampled_from(["akut-0", "akut-1", "vc-0"])),
                        "weight": draw(st.sampled_from([2, 5])),
                    }
                ],
            )
        )
    return cohort(trainees, [unit("akut-0", "akut"), unit("akut-1", "akut"), unit("vc-0", "primarvard", 2)], months=10)


@settings(max_examples=20, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(crowded(), contested()))
def test_the_reduced_cost_search_proves_the_optimum_and_never_more(data):
    for above in (0, 4):
        out = _closing(data, above)
        if out is None or out[3] is None:
            return
        c, best, cg, r = out
        assert cg.bound <= r.bound <= best.objective
        if above == 0:  # no plan is cheaper than the optimum: proven (also where cg.bound is below it)
            assert r.plan is None and r.status == "infeasible" and r.bound == best.objective
        else:  # plans cheaper than optimum + 4 exist: it finds the optimum, never anything below it
            assert r.status == "optimal" and r.bound == r.objective == best.objective
            sol = Solution(
                status="", method="rc", horizon_start=c.start, assignments=assignments_from_schedule(c, r.plan)
            )
            assert check(c, sol) == [] and evaluate(c, sol).total == r.objective


def test_the_reduced_cost_search_raises_the_bound_above_column_generation():
    # drawn by ``contested`` (seeded): column generation proves 20, the optimum is 23
    def t(tid, akut, vc, start, latest, wish, weight):
        return national(
            tid,
            total=akut + vc,
            akut=akut,
            primarvard=vc,
            start=start,
            latest=latest,
            preferences=[{"unit": wish, "weight": weight}],
        )

    data = cohort(
        [
            t("t0", 3, 3, "2027-01", "2027-02", "vc-0", 5),
            t("t1", 3, 3, "2027-01", "2027-03", "akut-0", 5),
            t("t2", 2, 3, "2027-01", "2027-01", "vc-0", 5),
            t("t3", 3, 3, "2027-02", "2027-03", "vc-0", 2),
        ],
        [unit("akut-0", "akut"), unit("akut-1", "akut"), unit("vc-0", "primarvard", 2)],
        months=10,
    )
    _c, best, cg, r = _closing(data, 0)
    assert cg.bound < best.objective
    assert r.status == "infeasible" and r.bound == best.objective


def test_the_reduced_cost_search_proves_the_optimum_of_the_three_trainee_example():
    # three trainees, one akut place (the example above): no plan is cheaper than the optimum
    data = cohort(
        [
            national(t, total=4, akut=2, primarvard=2, latest="2027-02", preferences=[{"unit": "akut", "weight": 5}])
            for t in ("t1", "t2", "t3")
        ],
        [unit("akut", "akut"), unit("vc", "primarvard", 2)],
        months=8,
    )
    c, best, _cg, r = _closing(data, 0)
    assert r.status == "infeasible" and r.bound == best.objective
    # and the solver with it returns the plan as proven optimal
    s = solve(
        c,
        "cpsat",
        options=Options(
            time_limit=10,
            seed=1,
            colgen_share=0.5,
            colgen_close_share=0.5,
            complete_search_up_to=1,
            allow_unassigned=False,
        ),
    )
    assert s.status == "optimal" and s.objective == best.objective and s.bound == best.objective
    assert check(c, s) == [] and s.stats["colgen_closing"]["bound"] == best.objective

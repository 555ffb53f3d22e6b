"""The Lagrangian bound of ``bench/scheduler/lagrangian.py`` is a lower bound: on small cohorts
whose optimum CP-SAT proves, it never exceeds that optimum, and with no prices it is the
per-trainee bound."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.scheduler.lagrangian import lagrangian_bound
from scheduling.model import Cohort
from scheduling.solver import solve

from .cohorts import cohort, national, unit
from .test_properties import cohorts


@st.composite
def crowded(draw):
    """A few national trainees competing for one or two places per category (mostly feasible)."""
    units = [
        unit(f"akut-{i}", "akut", draw(st.integers(1, 2)), unpopular=draw(st.booleans()))
        for i in range(draw(st.integers(1, 2)))
    ]
    units += [unit(f"vc-{i}", "primarvard", draw(st.integers(1, 2))) for i in range(draw(st.integers(1, 2)))]
    names = [u["id"] for u in units]
    trainees = []
    for n in range(draw(st.integers(2, 5))):
        akut, vc = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        start = draw(st.integers(0, 2))
        wishes = draw(st.lists(st.sampled_from(names), max_size=2, unique=True))
        trainees.append(
            national(
                f"t{n}",
                total=akut + vc + draw(st.integers(0, 1)),
                akut=akut,
                primarvard=vc,
                start=f"2027-{start + 1:02d}",
                latest=f"2027-{start + 1 + draw(st.integers(0, 2)):02d}",
                preferences=[{"unit": u, "weight": draw(st.sampled_from([-1, 2, 5]))} for u in wishes],
            )
        )
    return cohort(trainees, units, months=draw(st.integers(8, 11)))


def _check(data, iterations=4):
    c = Cohort.from_dict(data)
    s = solve(c, "cpsat", time_limit=2, seed=1)
    if s.bound != s.objective:  # optimum not proven: nothing to compare with
        return
    r = lagrangian_bound(c, iterations=iterations, upper=s.objective)
    assert r["history"][0]["value"] <= r["bound"] <= s.objective


@settings(max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded())
def test_the_lagrangian_bound_never_exceeds_the_proven_optimum_of_a_crowded_cohort(data):
    _check(data)


@settings(max_examples=8, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts())
def test_the_lagrangian_bound_never_exceeds_the_proven_optimum_of_any_cohort(data):
    _check(data)


def test_without_prices_it_is_the_per_trainee_bound_and_prices_raise_it_below_the_optimum():
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
    r = lagrangian_bound(c, iterations=15, upper=s.objective)
    assert r["history"][0]["value"] == s.stats["trainee_bound"]
    assert r["history"][0]["value"] < r["bound"] <= s.objective

"""The exact-insertion starting plan (``scheduling/insertion.py``): every plan it makes passes the
independent checker, and a trainee alone gets its own optimum."""

from hypothesis import HealthCheck, given, settings

from scheduling.checker import check
from scheduling.insertion import insertion_schedule
from scheduling.model import Cohort
from scheduling.objective import evaluate
from scheduling.prepare import Options, prepare
from scheduling.solution import Solution, assignments_from_schedule
from scheduling.solver import solve

from .cohorts import cohort, national, unit
from .test_properties import cohorts


def _solution(c, schedule):
    s = Solution(
        status="", method="insertion", horizon_start=c.start, assignments=assignments_from_schedule(c, schedule)
    )
    s.unassigned = [t.id for t in c.trainees if t.id not in schedule]
    return s


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts())
def test_every_insertion_plan_passes_the_checker(data):
    c = Cohort.from_dict(data)
    plan = insertion_schedule(c, prepare(c, Options()), c.weights)
    assert check(c, _solution(c, plan)) == []


def test_a_trainee_alone_gets_its_own_optimum():
    data = cohort(
        [national("t1", total=6, akut=3, primarvard=3, preferences=[{"unit": "akut-b", "weight": 5}])],
        [unit("akut-a", "akut"), unit("akut-b", "akut"), unit("vc", "primarvard")],
        months=8,
    )
    c = Cohort.from_dict(data)
    plan = insertion_schedule(c, prepare(c, Options()), c.weights)
    best = solve(c, "cpsat", time_limit=5, seed=1)
    assert best.status == "optimal"
    assert evaluate(c, _solution(c, plan)).total == best.objective

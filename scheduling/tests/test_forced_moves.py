"""The exact forced moves of ``bench/scheduler/forced.py``: each trainee's fewest moves over
every valid plan of its programme. No plan the planner returns gives a trainee fewer moves, the
analytic estimate (``min_placements``) never exceeds it, and it is reached by a checked plan."""

from hypothesis import HealthCheck, given, settings

from bench.scheduler.forced import forced_moves_exact
from scheduling.model import Cohort
from scheduling.objective import trainee_terms
from scheduling.solver import solve

from .cohorts import cohort, national, unit
from .test_properties import cohorts


@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts())
def test_no_plan_has_fewer_moves_than_the_forced_ones(data):
    c = Cohort.from_dict(data)
    f = forced_moves_exact(c, time_limit_each=5)
    assert f.analytic_points <= f.points
    s = solve(c, "cpsat", time_limit=2, seed=1)
    for tid, months in s.schedule().items():
        assert trainee_terms(c, c.trainee_by_id[tid], months)["moves"] >= f.per_trainee[tid]


def test_two_required_categories_force_one_move():
    data = cohort(
        [national("t1", total=6, akut=2, primarvard=2)],
        [unit("akut", "akut"), unit("vc", "primarvard"), unit("psyk", "psykiatri")],
        months=8,
    )
    f = forced_moves_exact(Cohort.from_dict(data))
    assert f.exact and f.per_trainee == {"t1": 1} and f.points == 5

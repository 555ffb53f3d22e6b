"""The partition bound of ``bench/scheduler/groups.py`` is a lower bound: on small cohorts
whose optimum CP-SAT proves, it lies between the per-trainee bound and that optimum."""

from hypothesis import HealthCheck, given, settings

from bench.scheduler.groups import group_bound
from scheduling.model import Cohort
from scheduling.prepare import Options
from scheduling.solver import solve

from .test_bound_lagrangian import crowded


@settings(max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded())
def test_the_partition_bound_never_exceeds_the_proven_optimum_of_a_crowded_cohort(data):
    c = Cohort.from_dict(data)
    s = solve(c, "cpsat", time_limit=2, seed=1)
    if s.bound != s.objective or s.unassigned:  # optimum not proven, or not everyone placed
        return
    r = group_bound(c, Options(seed=1, time_limit=2), time_limit=10)
    assert s.stats["trainee_bound"] == r["per_trainee_bound"] <= r["bound"] <= s.objective

"""The moves the programmes force, computed exactly per trainee (not estimated).

For each trainee: the fewest moves (placements − 1) of *any* valid plan of that trainee alone,
found by CP-SAT on the trainee's own model with every unit of each category as a candidate, no
``max_delay`` (any end up to the horizon), the moves as the only objective, and without the cuts
that come from the analytic estimate (``scheduling.prepare.min_placements``), so that the two are
independent. A value counts as exact only when

* CP-SAT proves it optimal (complete search: no plan of the trainee has fewer moves), and
* the plan it found has that many moves by :func:`scheduling.objective.trainee_terms` and passes
  the independent checker (``scheduling.checker.check``) — so the minimum is reached by a valid plan.

Capacity of other trainees is ignored (the trainee is alone), which is what "forced by the
programme" means: no plan of the cohort can give that trainee fewer moves.

    .venv/bin/python -m bench.scheduler.forced --load 0.95
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field


@dataclass
class Forced:
    points: int  # weights.moves × Σ fewest moves
    moves: int  # Σ fewest moves
    analytic_points: int  # the same from ``min_placements`` (the earlier estimate)
    exact: bool  # every trainee proven optimal and its plan checked
    differ: list[str] = field(default_factory=list)  # trainees where the estimate was not exact
    per_trainee: dict[str, int] = field(default_factory=dict)  # trainee id -> fewest moves
    seconds: float = 0.0


def forced_moves_exact(cohort, weights=None, time_limit_each: float = 10.0) -> Forced:
    from ortools.sat.python import cp_model

    from scheduling import cpsat
    from scheduling.checker import check
    from scheduling.objective import Weights, trainee_terms
    from scheduling.prepare import Options, min_placements, prepare
    from scheduling.solution import Solution, assignments_from_schedule

    weights = weights or cohort.weights
    started = time.perf_counter()
    only_moves = Weights(preference=0, moves=1, idle=0, late=0, fairness=0, unassigned=0)
    data = prepare(cohort, Options(candidates=0, max_delay=None))
    moves = analytic = 0
    exact = True
    differ = []
    per_trainee: dict[str, int] = {}
    for td in data:
        if not td.plannable:
            continue
        model = cpsat.Model(cohort, [td], only_moves, fixed_placed=True, cuts=False)
        model.m.minimize(model.objective_expr())
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = time_limit_each
        code = solver.solve(model.m)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            exact = False
            continue
        best = round(solver.objective_value)
        plan = model.read(solver)[td.id]
        got = trainee_terms(cohort, td.trainee, plan)["moves"]
        one = Solution(
            status="",
            method="forced",
            horizon_start=cohort.start,
            assignments=assignments_from_schedule(cohort, {td.id: plan}),
        )
        one.unassigned = [t.id for t in cohort.trainees if t.id != td.id]
        if code != cp_model.OPTIMAL or got != best or check(cohort, one):
            exact = False
        low = min_placements(td.trainee)[0] - 1
        if low != best:
            differ.append(td.id)
        per_trainee[td.id] = best
        moves += best
        analytic += low
    return Forced(
        points=weights.moves * moves,
        moves=moves,
        analytic_points=weights.moves * analytic,
        exact=exact,
        differ=differ,
        per_trainee=per_trainee,
        seconds=round(time.perf_counter() - started, 2),
    )


def main(argv: list[str] | None = None) -> int:
    from bench.scheduler.generate import add_instance_arguments, generate
    from scheduling.model import Cohort

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_instance_arguments(ap, load=0.75)
    args = ap.parse_args(argv)
    cohort = Cohort.from_dict(generate(args.trainees, args.units, args.months, seed=args.seed, load=args.load))
    f = forced_moves_exact(cohort)
    print(f)
    return 0


if __name__ == "__main__":
    sys.exit(main())

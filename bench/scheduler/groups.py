"""A partition bound: the cohort split into groups, each group planned alone (an experiment).

    .venv/bin/python -m bench.scheduler.groups --load 0.95

The objective is a sum of per-trainee costs, coupled only through unit capacity. Take away
some trainees and the rest can only do as well or better (their places are freed), so for any
partition of the trainees into groups G₁ … Gₖ

    OPT(cohort) ≥ Σᵢ OPT(Gᵢ with the rest of the cohort ignored).

With one trainee per group this is the solver's per-trainee bound; larger groups see the
capacity conflicts inside them. Each group is the solver's own CP-SAT model
(:class:`scheduling.cpsat.Model`, same candidate units, ``max_delay`` and slots, with each
trainee's own optimum as a cut) solved by complete search; only CP-SAT's *proven* bound of each
group is used, so a group not solved to optimality still gives a valid (weaker) term. Valid
when everyone must be placed (the solver's case whenever its starting plan places everyone).

Groups: trainees whose first possible start falls in the same quarter (0–2, 3–5, … months
into the horizon, shifted by one so that the generator's intake waves ±1 month stay
together): they compete for the same units in the same months.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Any


def own_optima(cohort, data, weights, extra, time_limit_each: float = 2.0) -> dict[str, int]:
    """Each plannable trainee's optimum alone (its proven bound), as the solver computes it."""
    from ortools.sat.python import cp_model

    from scheduling import cpsat

    out = {}
    for td in data:
        if not td.plannable:
            continue
        model = cpsat.Model(cohort, [td], weights, {td.id: extra.get(td.id, {})}, fixed_placed=True)
        model.m.minimize(model.objective_expr())
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = time_limit_each
        solver.parameters.cp_model_presolve = False
        code = solver.solve(model.m)
        if code != cp_model.INFEASIBLE:
            out[td.id] = math.ceil(solver.best_objective_bound - 1e-6)
    return out


def group_bound(
    cohort, options=None, *, time_limit: float = 60.0, group_limit: float = 15.0, workers: int = 2
) -> dict[str, Any]:
    """The partition bound (a whole number), the per-trainee bound and each group's figures.

    ``options`` must be the solver's (the candidate units depend on its seed)."""
    from ortools.sat.python import cp_model

    from bench.scheduler.lagrangian import candidate_extra
    from scheduling import cpsat
    from scheduling.prepare import Options, prepare

    started = time.perf_counter()
    options = options or Options()
    weights = options.weights or cohort.weights
    data = prepare(cohort, options)
    extra = candidate_extra(cohort, data, weights, options)
    own = own_optima(cohort, data, weights, extra)
    plannable = [td for td in data if td.plannable and td.id in own]
    constant = weights.unassigned * (len(data) - len(plannable))
    groups: dict[int, list] = {}
    for td in plannable:
        groups.setdefault((td.lo + 1) // 3, []).append(td)
    per_trainee = constant + sum(own.values())
    total = constant
    rows = []
    for key, group in sorted(groups.items()):
        base = sum(own[td.id] for td in group)
        left = time_limit - (time.perf_counter() - started)
        if left <= 0.5 or len(group) == 1:
            total += base
            rows.append({"group": key, "trainees": len(group), "own": base, "bound": base, "status": "skipped"})
            continue
        t0 = time.perf_counter()
        model = cpsat.Model(cohort, group, weights, extra, fixed_placed=True, bounds=own)
        model.m.minimize(model.objective_expr())
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = workers
        solver.parameters.max_time_in_seconds = min(group_limit, left)
        solver.parameters.random_seed = options.seed
        code = solver.solve(model.m)
        b = base if code == cp_model.INFEASIBLE else max(base, math.ceil(solver.best_objective_bound - 1e-6))
        total += b
        rows.append(
            {
                "group": key,
                "trainees": len(group),
                "own": base,
                "bound": b,
                "status": solver.status_name(code).lower(),
                "seconds": round(time.perf_counter() - t0, 2),
            }
        )
    return {
        "bound": total,
        "per_trainee_bound": per_trainee,
        "groups": rows,
        "seconds": round(time.perf_counter() - started, 2),
    }


def main(argv: list[str] | None = None) -> int:
    from bench.scheduler.generate import add_instance_arguments, generate
    from scheduling.model import Cohort
    from scheduling.prepare import Options

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_instance_arguments(ap)
    ap.add_argument("--time-limit", type=float, default=60.0)
    args = ap.parse_args(argv)
    cohort = Cohort.from_dict(generate(args.trainees, args.units, args.months, seed=args.seed, load=args.load))
    r = group_bound(cohort, Options(seed=args.seed, time_limit=60.0), time_limit=args.time_limit)
    for row in r["groups"]:
        print(row)
    print(f"bound {r['bound']} (per trainee {r['per_trainee_bound']}) in {r['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Column generation (Dantzig–Wolfe) over each trainee's plans: a bound that sees capacity, and plans.

    .venv/bin/python -m bench.scheduler.colgen --load 0.95 --time-limit 120

The method itself is ``scheduling/colgen.py`` (the solver uses it on large cohorts); this module
runs it alone on a generated cohort, with the candidate units the solver would use, and checks
every plan it returns.

Master LP: for each trainee a convex combination of its plans (columns), one row per unit-month
(Σ occupancy ≤ capacity), minimum total cost; solved by GLOP. The capacity rows' duals are
prices ``μ[u, m] ≥ 0``; each trainee's cheapest plan under them (the priced per-trainee CP-SAT
model of :mod:`bench.scheduler.lagrangian`, reused) is the pricing problem, and its plans with a
negative reduced cost join the pool.

The bound, at every iteration (Lasdon / Farley): with ``z(t)`` the proven minimum of trainee
t's priced problem and ``π(t)`` the dual of its convexity row, the master's value plus
``Σ_t min(0, z(t) − π(t))`` equals the Lagrangian function at the prices,

    L(μ) = constant + Σ_t z(t) − Σ_(u,m) μ[u, m] · capacity(u, m),

which is a lower bound for any ``μ ≥ 0`` (:func:`bench.scheduler.lagrangian.lagrangian_bound`
explains why). The module computes ``L`` directly from the pricing results, with the prices
rounded to whole numbers of 1/``SCALE`` points as the CP-SAT pricing needs them, and only from
CP-SAT's *proven* bound of each priced problem, so it is valid whether or not a pricing solve
finished. Converged, it is the LP (= Lagrangian dual) bound.

Plans: the *restricted master* as an integer programme (CP-SAT, a Boolean per column, exactly
one per trainee, capacity per unit-month, hinted with the best known plan) over the columns
generated; every plan it returns is checked by :func:`scheduling.checker.check` and scored by
:func:`scheduling.objective.evaluate`.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Any

from bench.scheduler.lagrangian import candidate_extra
from scheduling.colgen import Column, Pool  # noqa: F401 (Column: pickles)
from scheduling.colgen import column_generation as _core


def integer_master_mip(pools: list[Pool], capacity, hint=None, time_limit=20.0, seed=0, solver_name="SCIP"):
    """The restricted master by an LP-based MIP solver (SCIP in OR-Tools): same result shape."""
    from ortools.linear_solver import pywraplp

    mip = pywraplp.Solver.CreateSolver(solver_name)
    mip.SetTimeLimit(int(time_limit * 1000))
    rows: dict[tuple[int, int], Any] = {}
    xs = []
    for pool in pools:
        c = mip.Constraint(1, 1)
        vs = []
        for col in pool.columns:
            x = mip.BoolVar("")
            vs.append(x)
            c.SetCoefficient(x, 1)
            mip.Objective().SetCoefficient(x, col.cost)
            for k, n in col.occ:
                row = rows.get(k)
                if row is None:
                    row = rows[k] = mip.Constraint(-mip.infinity(), capacity(k))
                row.SetCoefficient(x, n)
        xs.append(vs)
    mip.Objective().SetMinimization()
    if hint is not None:
        mip.SetHint([x for vs in xs for x in vs], [float(h == ci) for h, vs in zip(hint, xs) for ci in range(len(vs))])
    code = mip.Solve()
    if code not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return str(code), None, None
    schedule = {
        pool.td.id: pool.columns[max(range(len(vs)), key=lambda ci: vs[ci].solution_value())].plan
        for pool, vs in zip(pools, xs)
    }
    return ("optimal" if code == pywraplp.Solver.OPTIMAL else "feasible"), round(mip.Objective().Value()), schedule


def column_generation(
    cohort,
    options=None,
    *,
    starts: dict[str, dict[str, dict[int, str]]] | None = None,
    time_limit: float = 120.0,
    iterations: int = 100,
    each: float = 2.0,
    master_limit: float = 20.0,
    master_solver: str = "cpsat",
    threads: int = 1,
    log=None,
) -> dict[str, Any]:
    """:func:`scheduling.colgen.column_generation` on the solver's candidate units; ``starts``
    (named schedules) seed the pool, by default greedy and best-fit as the solver builds them.
    Returns the bound, the LP value, the best *checked* plan (of the starts and the master) and
    the history."""
    from scheduling.checker import check
    from scheduling.greedy import greedy_schedule
    from scheduling.heuristic import best_fit_schedule
    from scheduling.objective import evaluate
    from scheduling.prepare import Options, prepare
    from scheduling.solution import Solution, assignments_from_schedule

    options = options or Options()
    weights = options.weights or cohort.weights
    started = time.perf_counter()
    data = prepare(cohort, options)
    extra = candidate_extra(cohort, data, weights, options)
    if starts is None:
        starts = {
            "greedy": greedy_schedule(cohort, data, options),
            "best_fit": best_fit_schedule(cohort, data, weights, time_budget=options.time_limit * 0.1),
        }
    r = _core(
        cohort,
        data,
        weights,
        extra,
        starts,
        time_limit=max(0.0, time_limit - (time.perf_counter() - started)),
        iterations=iterations,
        each=each,
        master_limit=master_limit,
        master=integer_master_mip if master_solver == "scip" else None,
        seed=options.seed,
        threads=threads,
        log=log,
    )
    plannable = sum(1 for td in data if td.plannable)
    best_plan, best_obj, best_name = None, math.inf, None
    for name, sched in [*starts.items(), ("master", r.plan)]:
        if not sched or len(sched) < plannable:
            continue
        sol = Solution(
            status="", method=name, horizon_start=cohort.start, assignments=assignments_from_schedule(cohort, sched)
        )
        obj = evaluate(cohort, sol, weights).total
        if name == "master" and r.masters:
            r.masters[-1]["checked_objective"], r.masters[-1]["violations"] = obj, len(check(cohort, sol))
        if not check(cohort, sol) and obj < best_obj:
            best_plan, best_obj, best_name = sched, obj, name
    if log and r.masters:
        log({"master": r.masters[-1]})
    return {
        "bound": r.bound,
        "lp": r.lp,
        "converged": r.converged,
        "plan": best_plan,
        "objective": None if best_plan is None else best_obj,
        "plan_from": best_name,
        "history": r.history,
        "masters": r.masters,
        "prices": r.prices,  # the prices (1/SCALE points) of the best bound
        "pool": r.pool,  # every trainee's columns (for experiments with the master)
        "seconds": round(time.perf_counter() - started, 2),
    }


def main(argv: list[str] | None = None) -> int:
    import json

    from bench.scheduler.generate import add_instance_arguments, generate
    from scheduling.model import Cohort
    from scheduling.prepare import Options

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_instance_arguments(ap)
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--master-limit", type=float, default=20.0)
    ap.add_argument("--master-solver", choices=["cpsat", "scip"], default="cpsat")
    ap.add_argument("--threads", type=int, default=1, help="pricing models solved at once")
    ap.add_argument("--save", help="pickle the column pool and the best plan here (experiments)")
    ap.add_argument("--start", action="append", default=[], help="a JSON file {trainee: {month: unit}} to seed")
    args = ap.parse_args(argv)
    cohort = Cohort.from_dict(generate(args.trainees, args.units, args.months, seed=args.seed, load=args.load))
    starts = None
    if args.start:
        from scheduling.greedy import greedy_schedule
        from scheduling.heuristic import best_fit_schedule
        from scheduling.prepare import prepare

        options = Options(seed=args.seed, time_limit=60.0)
        data = prepare(cohort, options)
        starts = {"greedy": greedy_schedule(cohort, data, options)}
        starts["best_fit"] = best_fit_schedule(cohort, data, cohort.weights, time_budget=6.0)
        for path in args.start:
            with open(path) as f:
                starts[path] = {t: {int(m): u for m, u in p.items()} for t, p in json.load(f).items()}
    r = column_generation(
        cohort,
        Options(seed=args.seed, time_limit=60.0),
        master_solver=args.master_solver,
        starts=starts,
        time_limit=args.time_limit,
        iterations=args.iterations,
        master_limit=args.master_limit,
        threads=args.threads,
        log=lambda h: print(h, flush=True),
    )
    if args.save:
        import pickle

        with open(args.save, "wb") as f:
            pickle.dump(
                {"columns": {tr.td.id: tr.columns for tr in r["pool"]}, "plan": r["plan"], "prices": r["prices"]}, f
            )
    print(
        f"bound {r['bound']} (LP {r['lp']}), plan {r['objective']} from {r['plan_from']}, "
        f"{len(r['history'])} iterations, {r['seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

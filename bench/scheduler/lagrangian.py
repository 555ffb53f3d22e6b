"""A Lagrangian lower bound that sees unit capacity (an experiment, not used by the solver).

    .venv/bin/python -m bench.scheduler.lagrangian --load 0.95 --iterations 30

The solver's proven bound (``scheduling.solver._standalone``) is the sum of each trainee's
optimum with the rest of the cohort ignored, so it cannot see capacity conflicts. This relaxes
the unit capacity constraints with a price ``λ[u, m] ≥ 0`` per place-month instead:

    L(λ) = Σ_t min over t's plans (cost_t(plan) + Σ_(u,m) occupied by the plan λ[u, m])
           − Σ_(u,m) λ[u, m] · capacity(u, m)

For every λ ≥ 0 and every plan of the whole cohort that respects capacity, the priced sum is at
most the plan's objective (each price multiplies occupancy − capacity ≤ 0), and each
trainee's priced cost is at least its own priced minimum, so ``L(λ)`` is a lower bound on the
optimum of the same model (same candidate units, ``max_delay``, slots). ``λ = 0`` gives
exactly the per-trainee bound; projected subgradient steps (occupancy − capacity, Polyak step
towards an upper bound) look for a larger one, and the best value seen is the bound.

Each trainee's priced problem is the CP-SAT model of that trainee alone
(:class:`scheduling.cpsat.Model` with one trainee), plus a Boolean per (slot, unit, month)
forced to 1 when the slot occupies that unit in that month (a placement keeps its place over
unavailable months inside it, as in the cumulative). Only CP-SAT's proven bound of each
priced problem is used, so a priced problem that is not solved to optimality still gives a
valid (weaker) bound. Prices are whole numbers in 1/``SCALE`` points.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Any

from ortools.sat.python import cp_model

from scheduling.colgen import SCALE, minimize_priced, priced_model

_priced_model = priced_model  # the one builder (scheduling/colgen.py)


def _solve_priced(p, prices: dict[tuple[int, int], int], time_limit: float):
    """(proven lower bound of the scaled priced problem, occupancy of the plan found)."""
    minimize_priced(p, prices)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.cp_model_presolve = False
    code = solver.solve(p.model.m)
    if code == cp_model.INFEASIBLE:
        return None, {}
    occupancy: dict[tuple[int, int], int] = {}
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for sl in p.model.tvs[0].slots:
            if solver.boolean_value(sl.p):
                u = next(u for u, y in sl.y.items() if solver.boolean_value(y))
                for mo in range(solver.value(sl.cs), solver.value(sl.ce) + 1):
                    occupancy[(u, mo)] = occupancy.get((u, mo), 0) + 1
    return math.ceil(solver.best_objective_bound - 1e-6), occupancy


def candidate_extra(cohort, data, weights, options) -> dict[str, dict[str, set[int]]]:
    """The units of the greedy and best-fit plans, which the solver adds to the candidates."""
    from scheduling.greedy import greedy_schedule
    from scheduling.heuristic import best_fit_schedule

    index = {u.id: i for i, u in enumerate(cohort.units)}
    extra: dict[str, dict[str, set[int]]] = {}
    for sched in (
        greedy_schedule(cohort, data, options),
        best_fit_schedule(cohort, data, weights, time_budget=options.time_limit * 0.1),
    ):
        for tid, months in sched.items():
            for uid in months.values():
                extra.setdefault(tid, {}).setdefault(cohort.units[index[uid]].category, set()).add(index[uid])
    return extra


def lagrangian_bound(
    cohort,
    options=None,
    *,
    iterations: int = 30,
    upper: float | None = None,
    time_limit: float | None = None,
    extra=None,
    step: float = 1.0,
    log=None,
) -> dict[str, Any]:
    """Best Lagrangian bound found (a whole number) and its history; see the module docstring.

    ``upper`` is a known plan's objective (the Polyak step aims at it; without it the step aims
    5 % above the current value). ``time_limit`` stops between iterations. ``extra``: the
    candidate units the solver added (default: computed as the solver does)."""
    from scheduling.prepare import Options, prepare

    options = options or Options()
    weights = options.weights or cohort.weights
    started = time.perf_counter()
    data = prepare(cohort, options)
    if extra is None:
        extra = candidate_extra(cohort, data, weights, options)
    constant = sum(weights.unassigned for td in data if not td.plannable)
    priced = [_priced_model(cohort, td, weights, extra.get(td.id, {})) for td in data if td.plannable]
    capacity = {k: cohort.units[k[0]].capacity_in(k[1]) for p in priced for k in p.occ}
    prices: dict[tuple[int, int], int] = {}
    real: dict[tuple[int, int], float] = {}
    best, history, theta, stalled = -math.inf, [], step, 0
    for it in range(iterations):
        if time_limit is not None and time.perf_counter() - started > time_limit:
            break
        total, use, solved = 0, {}, 0
        for p in priced:
            # unchanged when the last plan pays no price and was already at the price-free optimum
            if p.last is not None and p.last[0] == p.last_free and not any(prices.get(k) for k in p.last[1]):
                value, occupancy = p.last
            else:
                value, occupancy = _solve_priced(p, prices, time_limit=5.0)
                solved += 1
                if value is None:  # cannot be placed at all: left out
                    value, occupancy = SCALE * weights.unassigned, {}
                value = min(value, SCALE * weights.unassigned)
                p.last = (value, occupancy)
                if it == 0:
                    p.last_free = value
            total += value
            for k, n in occupancy.items():
                use[k] = use.get(k, 0) + n
        value = constant + (total - sum(v * capacity[k] for k, v in prices.items())) / SCALE
        best_before, best = best, max(best, value)
        history.append(
            {
                "iteration": it,
                "value": round(value, 2),
                "solved": solved,
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
        if log:
            log(history[-1])
        grad = {k: use.get(k, 0) - c for k, c in capacity.items()}
        grad = {k: g for k, g in grad.items() if g > 0 or real.get(k, 0) > 0}  # projection onto prices >= 0
        norm = sum(g * g for g in grad.values())
        if norm == 0:  # the priced plans fit together and fill every priced place: no step left
            break
        if value > best_before + 1e-9:
            stalled = 0
        else:
            stalled += 1
            if stalled >= 3:  # no new best for three steps: smaller steps
                theta, stalled = theta / 2, 0
        target = upper if upper is not None and upper > value else value * 1.05
        size = theta * (target - value) / norm * SCALE
        # the step is taken on real prices; the bound is evaluated with them rounded (any
        # whole-number prices >= 0 give a valid bound)
        real = {k: v for k, v in ((k, max(0.0, real.get(k, 0.0) + size * g)) for k, g in grad.items()) if v > 0}
        prices = {k: round(v) for k, v in real.items() if round(v) > 0}
    return {"bound": math.ceil(best - 1e-6), "history": history, "seconds": round(time.perf_counter() - started, 2)}


def main(argv: list[str] | None = None) -> int:
    from bench.scheduler.generate import add_instance_arguments, generate
    from scheduling.model import Cohort

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_instance_arguments(ap)
    ap.add_argument("--iterations", type=int, default=30)
    ap.add_argument("--upper", type=float, default=None, help="a known plan's objective (Polyak target)")
    ap.add_argument(
        "--step", type=float, default=1.0, help="Polyak step factor (halved after 3 steps without a new best)"
    )
    args = ap.parse_args(argv)
    cohort = Cohort.from_dict(generate(args.trainees, args.units, args.months, seed=args.seed, load=args.load))
    r = lagrangian_bound(
        cohort, iterations=args.iterations, upper=args.upper, step=args.step, log=lambda h: print(h, flush=True)
    )
    print(f"bound {r['bound']} after {len(r['history'])} iterations, {r['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

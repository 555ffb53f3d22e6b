"""Exact insertion: a starting plan (hint) for CP-SAT, each trainee planned optimally in turn.

Trainees in start order; each is solved alone by CP-SAT (its own model from
:class:`scheduling.cpsat.Model`: the same slots, candidate units and order rules) against the
places the trainees before it left free, so it gets its best plan given them. Ties between
plans of the same cost are broken against units that trainees still to come wish for (the sum
of their wishes' weights, per unit chosen), which leaves those places to them.

Cheaper than CP-SAT on the whole cohort (one small model per trainee) and usually better than
the best-fit construction (``heuristic.py``), whose placements are chosen one at a time; the
solver hints the cheapest of the starting plans. A trainee with no plan in what is left is
left out of the pass; a second pass puts the trainees left out first (the solver prefers another
starting plan when this one still leaves someone out).
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from . import cpsat
from .model import Cohort
from .objective import Weights
from .prepare import TraineeData


def insertion_schedule(
    cohort: Cohort,
    data: list[TraineeData],
    weights: Weights,
    extra: dict[str, dict[str, set[int]]] | None = None,
    *,
    time_budget: float = 10.0,
    each: float = 2.0,
) -> dict[str, dict[int, str]]:
    """trainee id -> {month index: unit id} for the trainees it could place within the budget.

    When someone finds no place left, a second pass puts those trainees first (if time is left);
    the pass that places more trainees is returned."""
    started = time.perf_counter()
    order = sorted(
        (td for td in data if td.plannable),
        key=lambda td: (td.trainee.earliest_start, td.trainee.latest_start, td.index),
    )
    best: dict[str, dict[int, str]] = {}
    for _ in range(2):
        left = time_budget - (time.perf_counter() - started)
        if left <= 0:
            break
        plan = _pass(cohort, order, weights, extra or {}, left, each)
        if len(plan) > len(best):
            best = plan
        if len(plan) == len(order):
            break
        order = [td for td in order if td.id not in plan] + [td for td in order if td.id in plan]
    return best


def _pass(cohort, order, weights, extra, time_budget, each):
    started = time.perf_counter()
    index = {u.id: i for i, u in enumerate(cohort.units)}
    free = [[u.capacity_in(m) for m in range(cohort.months)] for u in cohort.units]
    pressure = [0] * len(cohort.units)
    for td in order:
        for p in td.trainee.preferences:
            if p.weight > 0:
                pressure[index[p.unit]] += p.weight
    out: dict[str, dict[int, str]] = {}
    for td in order:
        for p in td.trainee.preferences:
            if p.weight > 0:
                pressure[index[p.unit]] -= p.weight
        left = time_budget - (time.perf_counter() - started)
        if left <= 0:
            break
        found = _best(cohort, td, weights, extra.get(td.id, {}), free, pressure, min(each, left))
        if found is None:
            continue
        plan, held = found
        for u, m in held:
            free[u][m] -= 1
        out[td.id] = plan
    return out


def _best(cohort, td, weights, extra, free, pressure, time_limit):
    model = cpsat.Model(cohort, [td], weights, {td.id: extra}, fixed_placed=True)
    m = model.m
    for u, ivs in model.unit_intervals.items():
        # months where no place is left: fixed intervals the trainee's placements must avoid
        blocks, mo = [], td.lo
        while mo <= td.hi:
            if free[u][mo] <= 0:
                end = mo
                while end + 1 <= td.hi and free[u][end + 1] <= 0:
                    end += 1
                blocks.append(m.new_fixed_size_interval_var(mo, end - mo + 1, ""))
                mo = end + 1
            else:
                mo += 1
        if blocks:
            m.add_no_overlap(list(ivs) + blocks)
    tv = model.tvs[0]
    ties = [(y, pressure[u]) for sl in tv.slots for u, y in sl.y.items() if pressure[u] > 0]
    # lexicographic: the trainee's cost first, the tie-break below one point of it
    scale = 1 + sum(max((pressure[u] for u in sl.y), default=0) for sl in tv.slots)
    objective = model.objective_expr() * scale
    if ties:
        objective += cp_model.LinearExpr.weighted_sum([y for y, _ in ties], [p for _, p in ties])
    m.minimize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.cp_model_presolve = False  # tiny models: presolve costs more than it saves
    if solver.solve(m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    held = []
    for sl in tv.slots:
        if solver.boolean_value(sl.p):
            u = next(u for u, y in sl.y.items() if solver.boolean_value(y))
            # the place is held over the trainee's unavailable months inside the placement too
            held += [(u, mo) for mo in range(solver.value(sl.cs), solver.value(sl.ce) + 1)]
    return model.read(solver)[td.id], held

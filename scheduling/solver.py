"""``solve(cohort, method=...)``: the one entry point (command line, Django job, benchmark).

How a CP-SAT run goes:

1. ``prepare``: per trainee the start months, the month range (``max_delay``), the candidate
   units; trainees that cannot be planned whatever the others do are set aside with a reason.
2. The greedy baseline runs first; its plan is the hint, and its units join the candidates, so
   CP-SAT starts from a feasible plan whenever greedy found one and never ends worse.
3. When greedy placed everyone (or ``allow_unassigned`` is off) every trainee must be placed
   and CP-SAT minimises the objective. Otherwise phase 1 maximises the number placed (up to
   ``phase1_share`` of the time; if it is proven maximal and someone is still out, the cohort is
   proven infeasible), then phase 2 keeps at least that many placed and minimises the objective.
4. The returned objective is always recomputed by :func:`scheduling.objective.evaluate`, the same
   evaluator that scores the greedy plan.

The time limit covers the whole run (preparation, greedy, model building and solving).
"""

from __future__ import annotations

import time
from typing import Any, Callable

from . import cpsat
from .explain import capacity_conflicts, unplaced_reasons
from .greedy import greedy_schedule
from .model import Cohort
from .objective import Weights, evaluate
from .prepare import Options, TraineeData, prepare
from .solution import Solution, assignments_from_schedule

METHODS = ("cpsat", "greedy")


def solve(cohort: Cohort, method: str = "cpsat", *, time_limit: float | None = None, seed: int | None = None,
          weights: Weights | None = None, options: Options | None = None,
          progress: Callable[[dict[str, Any]], Any] | None = None,
          should_stop: Callable[[], bool] | None = None) -> Solution:
    """Plan ``cohort``. ``progress`` gets ``{"phase", "objective", "bound", "gap", "seconds"}`` on
    every improving CP-SAT solution; ``should_stop()`` returning True ends the search early
    (the best plan so far is returned)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r} (expected one of {', '.join(METHODS)})")
    t0 = time.perf_counter()
    options = options or Options()
    changes: dict[str, Any] = {}
    if time_limit is not None:
        changes["time_limit"] = float(time_limit)
    if seed is not None:
        changes["seed"] = int(seed)
    if weights is not None:
        changes["weights"] = weights
    options = options.replace(**changes)
    weights = options.weights or cohort.weights

    data = prepare(cohort, options)
    impossible = [td.id for td in data if not td.plannable]
    greedy = greedy_schedule(cohort, data, options)
    greedy_solution = Solution(status="", method="greedy", horizon_start=cohort.start,
                               assignments=assignments_from_schedule(cohort, greedy))
    greedy_score = evaluate(cohort, greedy_solution, weights)
    stats: dict[str, Any] = {
        "trainees": len(cohort.trainees), "units": len(cohort.units), "months": cohort.months,
        "greedy_placed": len(greedy), "greedy_objective": greedy_score.total,
        "greedy_seconds": round(time.perf_counter() - t0, 3),
        "options": {"time_limit": options.time_limit, "seed": options.seed, "workers": options.workers,
                    "candidates": options.candidates, "max_delay": options.max_delay,
                    "allow_unassigned": options.allow_unassigned},
        "weights": weights.to_dict(),
    }

    bound: float | None = None
    solver_status = None
    proven_max = False
    strict_infeasible = False
    if method == "greedy":
        schedule = greedy
    else:
        schedule, bound, solver_status, proven_max, strict_infeasible = _cpsat(
            cohort, data, greedy, weights, options, t0, progress, should_stop, stats)

    assignments = assignments_from_schedule(cohort, schedule)
    solution = Solution(status="unknown", method=method, horizon_start=cohort.start, assignments=assignments)
    plannable = [td for td in data if td.plannable]
    unassigned = [td.id for td in data if td.id not in schedule]
    solution.unassigned = unassigned
    score = evaluate(cohort, solution, weights)
    solution.objective, solution.terms = score.total, score.terms
    stats["placed"] = len(schedule)

    explanation: list[str] = []
    if not unassigned:
        solution.status = "optimal" if solver_status == "optimal" else "feasible"
    else:
        explanation += [p for td in data for p in td.problems]
        conflicts = capacity_conflicts(cohort, data) if plannable else []
        explanation += conflicts
        proven = bool(impossible) or bool(conflicts) or strict_infeasible or \
            (proven_max and len(unassigned) > len(impossible))
        if method == "cpsat" and proven_max and len(unassigned) > len(impossible) and not conflicts:
            explanation.append(
                f"CP-SAT proved that at most {len(plannable) - (len(unassigned) - len(impossible))} of the "
                f"{len(plannable)} plannable trainees can be placed together; no single category and period is "
                f"over-subscribed, so the conflict comes from windows, order rules and capacities combined.")
        if strict_infeasible and not conflicts and not impossible:
            explanation.append(
                "CP-SAT proved that the trainees cannot all be placed together; no single category and period "
                "is over-subscribed, so the conflict comes from windows, order rules and capacities combined "
                "(run without --strict to see who can be placed).")
        explanation += unplaced_reasons(cohort, data, schedule, unassigned)
        solution.status = "infeasible" if proven else "unknown"
        if not proven:
            explanation.append("No proof was found that these trainees cannot be placed: a longer time limit "
                               "or more candidate units may place them.")
    solution.explanation = explanation

    if bound is not None:
        if solution.status == "optimal":
            bound = float(solution.objective)
        solution.bound = float(bound)
        solution.gap = round(max(0.0, (solution.objective - bound)) / max(1.0, abs(solution.objective)), 6)
    solution.seconds = time.perf_counter() - t0
    solution.stats = stats
    return solution


def _cpsat(cohort: Cohort, data: list[TraineeData], greedy: dict[str, dict[int, str]], weights: Weights,
           options: Options, t0: float, progress, should_stop, stats: dict[str, Any]):
    plannable = [td for td in data if td.plannable]
    if not plannable:
        return {}, None, "optimal", True, False
    index = {u.id: i for i, u in enumerate(cohort.units)}
    extra: dict[str, dict[str, set[int]]] = {}
    for tid, months in greedy.items():
        for uid in months.values():
            extra.setdefault(tid, {}).setdefault(cohort.units[index[uid]].category, set()).add(index[uid])
    greedy_full = len(greedy) == len(plannable)
    strict = not options.allow_unassigned
    fixed = greedy_full or strict
    tb = time.perf_counter()
    model = cpsat.Model(cohort, data, weights, extra, fixed_placed=fixed)
    stats["hint_misses"] = model.add_hint(greedy)
    stats["build_seconds"] = round(time.perf_counter() - tb, 3)
    proto = model.m.proto
    stats["variables"] = len(proto.variables)
    stats["constraints"] = len(proto.constraints)
    phases: list[dict[str, Any]] = []
    stats["phases"] = phases

    def left() -> float:
        return options.time_limit - (time.perf_counter() - t0)

    hint = greedy
    proven_max = greedy_full
    if not fixed:
        model.m.maximize(model.placed_expr())
        r1 = cpsat.run(model, time_limit=left() * options.phase1_share, options=options, phase="place",
                       t0=t0, progress=progress, should_stop=should_stop)
        phases.append(_phase_stats("place", r1))
        if r1.schedule is not None and len(r1.schedule) >= len(greedy):
            hint = r1.schedule
        proven_max = r1.status == "optimal"
        model.m.add(model.placed_expr() >= len(hint))
        if len(hint) == len(plannable):
            proven_max = True
        model.add_hint(hint)
    model.m.minimize(model.objective_expr())
    r2 = cpsat.run(model, time_limit=left(), options=options, phase="optimise", t0=t0,
                   progress=progress, should_stop=should_stop)
    phases.append(_phase_stats("optimise", r2))
    stats["first_solution_seconds"] = _offset(r2.first_solution_seconds)
    stats["gap_2pct_seconds"] = _offset(r2.gap_target_seconds)
    if r2.schedule is None:
        if strict and r2.status == "infeasible":
            return {}, None, "infeasible", False, True
        # No solution within the time: fall back to the starting plan (reported in stats).
        stats["fallback_to_hint"] = True
        return hint, r2.bound, "unknown", proven_max, False
    stats["cpsat_objective"] = r2.objective
    return r2.schedule, r2.bound, r2.status, proven_max, False


def _offset(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _phase_stats(name: str, r: cpsat.RunResult) -> dict[str, Any]:
    return {"phase": name, "status": r.status, "objective": r.objective, "bound": r.bound,
            "seconds": round(r.seconds, 3), "solutions": r.solutions, **r.stats}

"""``solve(cohort, method=...)``: the one entry point (command line, Django job, benchmark).

How a CP-SAT run goes:

1. ``prepare``: per trainee the start months, the month range (``max_delay``), the candidate
   units; trainees that cannot be planned whatever the others do are set aside with a reason.
2. Three starting plans: the greedy baseline (first-fit, also what ``method="greedy"`` returns),
   a best-fit construction (``heuristic.py``) and an exact insertion (``insertion.py``: each
   trainee in turn planned optimally by CP-SAT in the places left). Units used by the first two
   join the candidates, and the cheapest plan is the hint, so CP-SAT starts from a feasible plan
   whenever one of them is complete and never ends worse than greedy.
3. Each trainee alone (the others ignored) is solved to optimality: its cost there is a lower
   bound on its cost in any plan. The sum is the reported ``bound`` (when CP-SAT's own bound is
   lower, as it is for large cohorts), and each bound is also a cut in the model. A trainee with
   no plan even alone is set aside with an explanation.
   With ``Options.colgen_share`` > 0 (off by default), a cohort of 31–``colgen_up_to`` trainees
   runs column generation (``colgen.py``) instead of the insertion and step 3: its first round
   is step 3, its Lagrangian bound (it sees capacity) joins the bound when everyone is placed,
   and its integer master's plan is a starting plan.
   With ``Options.colgen_close_share`` > 0 the reduced-cost search (``colgen.py``) follows: it
   proves the best plan optimal, or raises the bound, or finds a cheaper plan.
   With ``Options.lns_share`` > 0 (off by default), a cohort above ``complete_search_up_to``
   whose starting plan places everyone is first improved by our own fix-and-optimize search
   (``lns.py``) for that share of the time left; its plan becomes the hint.
4. When the starting plan places everyone (or ``allow_unassigned`` is off) every trainee must be
   placed and CP-SAT minimises the objective. Otherwise phase 1 maximises the number placed (up
   to ``phase1_share`` of the time; if it is proven maximal and someone is still out, the cohort
   is proven infeasible), then phase 2 keeps at least that many placed and minimises.
   Cohorts above ``complete_search_up_to`` plannable trainees use large-neighbourhood search on
   both workers (complete search proves optimality on small ones).
5. The returned objective is always recomputed by :func:`scheduling.objective.evaluate`, the same
   evaluator that scores the greedy plan (tests check that CP-SAT's value agrees).

The time limit covers the whole run (preparation, greedy, model building and solving).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from . import colgen, cpsat, lns
from .explain import capacity_conflicts, unplaced_reasons
from .greedy import greedy_schedule
from .heuristic import best_fit_schedule
from .insertion import insertion_schedule
from .model import Cohort
from .objective import Weights, evaluate
from .prepare import Options, TraineeData, prepare, standalone_bound
from .solution import Solution, assignments_from_schedule

METHODS = ("cpsat", "greedy")


def solve(
    cohort: Cohort,
    method: str = "cpsat",
    *,
    time_limit: float | None = None,
    seed: int | None = None,
    weights: Weights | None = None,
    options: Options | None = None,
    progress: Callable[[dict[str, Any]], Any] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Solution:
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
    greedy_solution = Solution(
        status="", method="greedy", horizon_start=cohort.start, assignments=assignments_from_schedule(cohort, greedy)
    )
    greedy_score = evaluate(cohort, greedy_solution, weights)
    stats: dict[str, Any] = {
        "trainees": len(cohort.trainees),
        "units": len(cohort.units),
        "months": cohort.months,
        "greedy_placed": len(greedy),
        "greedy_objective": greedy_score.total,
        "greedy_seconds": round(time.perf_counter() - t0, 3),
        "options": {
            "time_limit": options.time_limit,
            "seed": options.seed,
            "workers": options.workers,
            "candidates": options.candidates,
            "max_delay": options.max_delay,
            "allow_unassigned": options.allow_unassigned,
        },
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
            cohort, data, greedy, weights, options, t0, progress, should_stop, stats
        )

    impossible = [td.id for td in data if not td.plannable]  # the standalone pass may add some
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
        proven = (
            bool(impossible)
            or bool(conflicts)
            or strict_infeasible
            or (proven_max and len(unassigned) > len(impossible))
        )
        if method == "cpsat" and proven_max and len(unassigned) > len(impossible) and not conflicts:
            explanation.append(
                f"CP-SAT proved that at most {len(plannable) - (len(unassigned) - len(impossible))} of the "
                f"{len(plannable)} plannable trainees can be placed together; no single category and period is "
                f"over-subscribed, so the conflict comes from windows, order rules and capacities combined."
            )
        if strict_infeasible and not conflicts and not impossible:
            explanation.append(
                "CP-SAT proved that the trainees cannot all be placed together; no single category and period "
                "is over-subscribed, so the conflict comes from windows, order rules and capacities combined "
                "(run without --strict to see who can be placed)."
            )
        explanation += unplaced_reasons(cohort, data, schedule, unassigned)
        solution.status = "infeasible" if proven else "unknown"
        if not proven:
            explanation.append(
                "No proof was found that these trainees cannot be placed: a longer time limit "
                "or more candidate units may place them."
            )
    solution.explanation = explanation

    if bound is not None:
        if solution.status == "optimal":
            bound = float(solution.objective)
        # the objective is a whole number, so is its best bound (CP-SAT's is a float)
        solution.bound = float(math.ceil(bound - 1e-6))
        solution.gap = round(max(0.0, (solution.objective - bound)) / max(1.0, abs(solution.objective)), 6)
    solution.seconds = time.perf_counter() - t0
    solution.stats = stats
    return solution


def _standalone(
    cohort: Cohort, data: list[TraineeData], extra, weights: Weights, options: Options, t0: float, stats: dict[str, Any]
) -> dict[str, int]:
    """Each plannable trainee alone (others ignored): its best cost, a valid lower bound on its
    cost in any plan of the full model. A trainee with no plan even alone is set aside."""
    bounds: dict[str, int] = {}
    started = time.perf_counter()
    budget = options.time_limit * options.standalone_share
    solo = options.replace(
        workers=1, cp_params={"cp_model_presolve": False}
    )  # tiny models: presolve costs more than it saves
    for td in data:
        if not td.plannable:
            continue
        spent = time.perf_counter() - started
        if spent > budget:
            stats["standalone_incomplete"] = True
            break
        model = cpsat.Model(cohort, [td], weights, {td.id: extra.get(td.id, {})}, fixed_placed=True)
        model.m.minimize(model.objective_expr())
        r = cpsat.run(model, time_limit=min(2.0, budget - spent + 0.05), options=solo, phase="standalone", t0=t0)
        if r.status == "infeasible":
            t = td.trainee
            td.problems.append(
                f"{t.id}: no plan fits even with the cohort to itself: the programme {t.programme}'s "
                f"order and months ({', '.join(f'{c} {m}' for c, m in t.requirements.items())}, "
                f"{t.total_months} in all) do not fit the start window "
                f"{cohort.span_label(t.earliest_start, t.latest_start)}, the unavailable months and the "
                f"units' open months up to {cohort.label(td.hi)}"
            )
        elif r.bound is not None:
            bounds[td.id] = math.ceil(r.bound - 1e-6)
    stats["standalone_seconds"] = round(time.perf_counter() - started, 3)
    return bounds


def _colgen(cohort, data, greedy, best_fit, extra, weights: Weights, options: Options, t0: float, stats):
    """Column generation for a cohort in its size range whose starting plans place everyone (or
    when everyone must be placed): None when off, or when a trainee has no plan even alone."""
    plannable = [td for td in data if td.plannable]
    full = len(greedy) == len(plannable) or len(best_fit) == len(plannable)
    if not (
        options.colgen_share > 0
        and options.complete_search_up_to < len(plannable) <= options.colgen_up_to
        and (full or not options.allow_unassigned)
    ):
        return None
    tb = time.perf_counter()

    def master_limit() -> float:  # the master's share, leaving CP-SAT at least a tenth of the limit
        left = options.time_limit * 0.9 - (time.perf_counter() - t0)
        return min(options.time_limit * options.colgen_master_share, left)

    cg = colgen.column_generation(
        cohort,
        data,
        weights,
        extra,
        {"greedy": greedy, "best_fit": best_fit},
        time_limit=options.time_limit * options.colgen_share - (time.perf_counter() - t0),
        master_limit=master_limit,
        seed=options.seed,
        threads=options.colgen_threads,
    )
    if cg.bound is None:
        return None
    stats["colgen"] = {
        "bound": cg.bound,
        "lp": cg.lp,
        "converged": cg.converged,
        "iterations": len(cg.history),
        "columns": sum(len(p.columns) for p in cg.pool),
        "master": cg.masters[-1] if cg.masters else None,
        "seconds": round(time.perf_counter() - tb, 3),
    }
    stats["colgen_bound"] = cg.bound
    return cg


def _cpsat(
    cohort: Cohort,
    data: list[TraineeData],
    greedy: dict[str, dict[int, str]],
    weights: Weights,
    options: Options,
    t0: float,
    progress,
    should_stop,
    stats: dict[str, Any],
):
    index = {u.id: i for i, u in enumerate(cohort.units)}
    tb = time.perf_counter()
    best_fit = best_fit_schedule(cohort, data, weights, time_budget=options.time_limit * 0.1)
    stats["best_fit_seconds"] = round(time.perf_counter() - tb, 3)
    stats["best_fit_placed"] = len(best_fit)
    # units of both starting plans join the candidates, so that either can be hinted
    extra: dict[str, dict[str, set[int]]] = {}
    for sched in (greedy, best_fit):
        for tid, months in sched.items():
            for uid in months.values():
                extra.setdefault(tid, {}).setdefault(cohort.units[index[uid]].category, set()).add(index[uid])
    cg = _colgen(cohort, data, greedy, best_fit, extra, weights, options, t0, stats)
    if cg is not None:  # its first round solved each trainee alone
        bounds = cg.own
        inserted = cg.plan or {}
    else:
        tb = time.perf_counter()
        inserted = insertion_schedule(cohort, data, weights, extra, time_budget=options.time_limit * 0.3)
        stats["insertion_seconds"] = round(time.perf_counter() - tb, 3)
        stats["insertion_placed"] = len(inserted)
        bounds = _standalone(cohort, data, extra, weights, options, t0, stats)
    plannable = [td for td in data if td.plannable]
    if not plannable:  # nobody can be placed: leaving everyone out is the (only) optimum
        return {}, float(weights.unassigned * len(data)), "optimal", True, False
    scores = {
        name: evaluate(
            cohort,
            Solution(
                status="", method=name, horizon_start=cohort.start, assignments=assignments_from_schedule(cohort, sched)
            ),
            weights,
        ).total
        for name, sched in (("greedy", greedy), ("best_fit", best_fit), ("insertion", inserted))
    }
    stats["best_fit_objective"] = scores["best_fit"]
    if cg is None:
        stats["insertion_objective"] = scores["insertion"]
    else:  # the integer master's plan takes the insertion's place
        scores["colgen"] = scores.pop("insertion")
        stats["colgen_objective"] = scores["colgen"] if cg.plan else None
    plans = {"greedy": greedy, "best_fit": best_fit, "colgen" if cg is not None else "insertion": inserted}
    stats["hint"] = min(plans, key=lambda name: scores[name])  # the first of equals: greedy
    start_plan = plans[stats["hint"]]
    # A valid lower bound on the objective: trainees set aside + each trainee's own best cost
    # (or being left out, whichever is cheaper).
    impossible = len(data) - len(plannable)
    lower = weights.unassigned * impossible
    greedy_full = len(start_plan) == len(plannable)
    strict = not options.allow_unassigned
    fixed = greedy_full or strict
    for td in plannable:
        lb = max(bounds.get(td.id, 0), standalone_bound(td.trainee, weights))
        lower += lb if fixed else min(lb, weights.unassigned)
    stats["trainee_bound"] = lower
    if cg is not None and fixed and len(plannable) == len(cg.own):
        # the Lagrangian bound at the master's prices (colgen.py): proven when everyone is placed
        lower = max(lower, cg.bound)

    def left() -> float:
        return options.time_limit - (time.perf_counter() - t0)

    if (
        cg is not None
        and options.colgen_close_share > 0
        and len(start_plan) == len(plannable) == len(data)
        and len(plannable) == len(cg.own)
        and left() > 1.0
    ):
        upper = scores[stats["hint"]]
        planned = round(time.perf_counter() - t0, 3)  # the plan to close on exists from here
        closed = _close(cohort, data, weights, extra, cg, start_plan, upper, options, left, stats)
        lower = max(lower, closed.bound)
        best = upper
        if closed.plan is not None and len(closed.plan) == len(plannable) and closed.objective < upper:
            start_plan, best = closed.plan, closed.objective
            stats["hint"] = f"{stats['hint']}+closing"
        if lower >= best:  # the plan is proven optimal (within the planning limits)
            stats["first_solution_seconds"] = planned
            stats["gap_2pct_seconds"] = round(time.perf_counter() - t0, 3)  # proven (gap 0)
            return start_plan, float(best), "optimal", True, False

    if (
        options.lns_share > 0
        and len(start_plan) == len(plannable)
        and len(plannable) > options.complete_search_up_to
        and left() > 1.0
    ):
        start_plan, done = _lns(
            cohort,
            data,
            weights,
            extra,
            start_plan,
            bounds,
            options,
            left,
            lower,
            impossible,
            progress,
            should_stop,
            stats,
        )
        if done:  # no time left for CP-SAT on the full model
            # the starting plan was there before the search; whether the gap reached 2 % is not tracked
            stats["first_solution_seconds"] = stats["lns"]["first_plan_seconds"]
            status = "optimal" if stats["lns"]["objective"] <= lower else "feasible"
            return start_plan, lower, status, True, False

    tb = time.perf_counter()
    model = cpsat.Model(cohort, data, weights, extra, fixed_placed=fixed, bounds=bounds)
    stats["hint_misses"] = model.add_hint(start_plan)
    stats["build_seconds"] = round(time.perf_counter() - tb, 3)
    proto = model.m.proto
    stats["variables"] = len(proto.variables)
    stats["constraints"] = len(proto.constraints)
    phases: list[dict[str, Any]] = []
    stats["phases"] = phases

    hint = start_plan
    proven_max = greedy_full
    if not fixed:
        model.m.maximize(model.placed_expr())
        r1 = cpsat.run(
            model,
            time_limit=left() * options.phase1_share,
            options=options,
            phase="place",
            t0=t0,
            progress=progress,
            should_stop=should_stop,
        )
        phases.append(_phase_stats("place", r1))
        if r1.schedule is not None and len(r1.schedule) >= len(hint):
            hint = r1.schedule
        proven_max = r1.status == "optimal"
        model.m.add(model.placed_expr() >= len(hint))
        if len(hint) == len(plannable):
            proven_max = True
        model.add_hint(hint)
    model.m.minimize(model.objective_expr())
    search = options
    if len(plannable) > options.complete_search_up_to:
        # Large cohorts: both workers on large-neighbourhood search (without LP, which makes
        # each neighbourhood faster); the bound comes from the trainees' own optima (above),
        # which full search does not improve within minutes at this size.
        search = options.replace(
            cp_params={"use_lns_only": True, "linearization_level": 0, **(options.cp_params or {})}
        )
    r2 = cpsat.run(
        model,
        time_limit=left(),
        options=search,
        phase="optimise",
        t0=t0,
        progress=progress,
        should_stop=should_stop,
        lower=lower,
    )
    phases.append(_phase_stats("optimise", r2))
    stats["first_solution_seconds"] = _offset(r2.first_solution_seconds)
    stats["gap_2pct_seconds"] = _offset(r2.gap_target_seconds)
    bound = max(lower, r2.bound) if r2.bound is not None else lower
    if r2.schedule is None:
        if strict and r2.status == "infeasible":
            return {}, None, "infeasible", False, True
        # No solution within the time: fall back to the starting plan (reported in stats).
        stats["fallback_to_hint"] = True
        return hint, bound, "unknown", proven_max, False
    stats["cpsat_objective"] = round(r2.objective)
    status = r2.status
    if r2.objective <= bound + 1e-9:
        status = "optimal"
    return r2.schedule, bound, status, proven_max, False


def _close(cohort, data, weights, extra, cg, plan, upper, options, left, stats):
    """The reduced-cost search of ``colgen.py`` on a complete plan of cost ``upper`` for
    ``colgen_close_share`` of the time left: a proven bound, perhaps a cheaper plan."""
    r = colgen.reduced_cost_search(
        cohort,
        data,
        weights,
        extra,
        cg,
        upper,
        time_limit=left() * options.colgen_close_share,
        workers=options.workers,
        seed=options.seed,
        hint=plan,
    )
    if r is None:
        return colgen.Closing(bound=0, status="none")
    stats["colgen_closing"] = {
        "upper": upper,
        "bound": r.bound,
        "status": r.status,
        "objective": r.objective,
        "budget": r.budget,
        "cells": r.cells,
        "seconds": r.seconds,
    }
    return r


def _lns(cohort, data, weights, extra, plan, bounds, options, left, lower, impossible, progress, should_stop, stats):
    """Our own fix-and-optimize search (``lns.py``) on a complete starting plan for
    ``lns_share`` of the time left: (the improved plan, True when no time is left for CP-SAT)."""
    constant = weights.unassigned * impossible

    def report(info: dict[str, Any]) -> None:
        if progress is not None:
            obj = info["objective"] + constant
            progress(
                {
                    "phase": "lns",
                    "objective": obj,
                    "bound": lower,
                    "gap": (obj - lower) / max(1.0, abs(obj)),
                    "seconds": round(options.time_limit - left(), 3),
                }
            )

    budget = left() * options.lns_share
    first = round(options.time_limit - left(), 3)
    r = lns.improve(
        cohort,
        data,
        weights,
        extra,
        plan,
        time_limit=budget,
        bounds=bounds,
        seed=options.seed,
        workers=options.lns_workers,
        threads=options.workers,
        sideways=options.lns_sideways,
        tiebreak=options.lns_tiebreak,
        should_stop=should_stop,
        progress=report,
    )
    stats["lns"] = {
        "start": r.start_objective + constant,
        "objective": r.objective + constant,
        "rounds": r.rounds,
        "improved": r.improved,
        "proven": r.proven,
        "sideways": r.sideways,
        "seconds": r.seconds,
        "by_kind": r.by_kind,
        "first_plan_seconds": first,
    }
    stats["hint"] = f"{stats['hint']}+lns"
    return r.schedule, left() < 1.0 or options.lns_share >= 1.0


def _offset(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _phase_stats(name: str, r: cpsat.RunResult) -> dict[str, Any]:
    return {
        "phase": name,
        "status": r.status,
        "objective": r.objective,
        "bound": r.bound,
        "seconds": round(r.seconds, 3),
        "solutions": r.solutions,
        **r.stats,
    }

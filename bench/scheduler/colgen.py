"""Column generation (Dantzig–Wolfe) over each trainee's plans: a bound that sees capacity, and plans.

    .venv/bin/python -m bench.scheduler.colgen --load 0.95 --time-limit 120

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
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from bench.scheduler.lagrangian import SCALE, _priced_model, candidate_extra


@dataclass
class Column:
    cost: int  # the trainee's objective with this plan (scheduling.objective.trainee_terms, weighted)
    occ: tuple[tuple[tuple[int, int], int], ...]  # ((unit index, month), places) the plan holds
    plan: dict[int, str]  # month -> unit id


@dataclass
class _Trainee:
    td: Any
    priced: Any  # lagrangian._Priced
    columns: list[Column] = field(default_factory=list)
    keys: set = field(default_factory=set)  # plan keys already in the pool
    last_prices: tuple | None = None  # the prices on its unit-months at the last pricing
    last: tuple[int, list[Column]] | None = None  # (scaled proven bound, plans found) at those prices


def _cost(cohort, weights, trainee, plan) -> int:
    from scheduling.objective import trainee_terms

    return sum(getattr(weights, k) * v for k, v in trainee_terms(cohort, trainee, plan).items())


def _occupancy(cohort, tv, plan) -> tuple | None:
    """Place-months a plan holds, as the cumulative sees them: a placement keeps its place over
    the trainee's unavailable months inside it (calendar start to calendar end)."""
    index = {u.id: i for i, u in enumerate(cohort.units)}
    pos = {mo: i for i, mo in enumerate(tv.avail)}
    runs: list[list[int]] = []
    for mo in sorted(plan):
        if mo not in pos:
            return None
        i, u = pos[mo], index[plan[mo]]
        if runs and runs[-1][0] == u and runs[-1][2] == i - 1:
            runs[-1][2] = i
        else:
            runs.append([u, i, i])
    occ: dict[tuple[int, int], int] = {}
    for u, s, e in runs:
        for mo in range(tv.avail[s], tv.avail[e] + 1):
            occ[(u, mo)] = occ.get((u, mo), 0) + 1
    return tuple(sorted(occ.items()))


def _add(cohort, weights, tr: _Trainee, plan: dict[int, str]) -> Column | None:
    plan = {mo: u for mo, u in plan.items() if mo not in tr.td.trainee.unavailable}  # as the model reads plans
    key = tuple(sorted(plan.items()))
    if not plan or key in tr.keys:
        return None
    occ = _occupancy(cohort, tr.priced.model.tvs[0], plan)
    if occ is None:
        return None
    col = Column(cost=_cost(cohort, weights, tr.td.trainee, plan), occ=occ, plan=dict(plan))
    tr.keys.add(key)
    tr.columns.append(col)
    return col


class _Collect(cp_model.CpSolverSolutionCallback):
    def __init__(self, model):
        super().__init__()
        self.model, self.plans = model, []

    def on_solution_callback(self) -> None:
        plan = self.model.read(self).get(self.model.tvs[0].td.id)
        if plan:
            self.plans.append(plan)


def _price(tr: _Trainee, prices: dict[tuple[int, int], int], time_limit: float):
    """(proven lower bound of the scaled priced problem or None if infeasible, plans found)."""
    p = tr.priced
    terms = [(o, prices[k]) for k, os in p.occ.items() if prices.get(k, 0) > 0 for o in os]
    expr = p.model.objective_expr() * SCALE
    if terms:
        expr += cp_model.LinearExpr.weighted_sum([o for o, _ in terms], [c for _, c in terms])
    p.model.m.minimize(expr)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.linearization_level = 0  # measured: as fast as without presolve, and steadier
    cb = _Collect(p.model)
    code = solver.solve(p.model.m, cb)
    if code == cp_model.INFEASIBLE:
        return None, []
    return math.ceil(solver.best_objective_bound - 1e-6), cb.plans


def _master_lp(trainees: list[_Trainee], capacity, penalty: float = 1000.0):
    """Solve the restricted master LP: (value, duals of the convexity rows, prices μ ≥ 0).

    Places over capacity are allowed at ``penalty`` each (an upper bound on every price)."""
    from ortools.linear_solver import pywraplp

    lp = pywraplp.Solver.CreateSolver("GLOP")
    rows: dict[tuple[int, int], Any] = {}
    conv = []
    for tr in trainees:
        c = lp.Constraint(1, 1)
        conv.append(c)
        for col in tr.columns:
            x = lp.NumVar(0, 1, "")
            c.SetCoefficient(x, 1)
            lp.Objective().SetCoefficient(x, col.cost)
            for k, n in col.occ:
                row = rows.get(k)
                if row is None:
                    row = rows[k] = lp.Constraint(-lp.infinity(), capacity(k))
                    # a place over capacity at a high price keeps the LP feasible before the
                    # pool holds plans that fit together (prices stay ≤ ``penalty``)
                    over = lp.NumVar(0, lp.infinity(), "")
                    row.SetCoefficient(over, -1)
                    lp.Objective().SetCoefficient(over, penalty)
                row.SetCoefficient(x, n)
    lp.Objective().SetMinimization()
    code = lp.Solve()
    if code != pywraplp.Solver.OPTIMAL:
        return None, None, None
    pi = [c.dual_value() for c in conv]
    mu = {k: -r.dual_value() for k, r in rows.items() if -r.dual_value() > 1e-9}
    return lp.Objective().Value(), pi, mu


def integer_master(cohort, trainees: list[_Trainee], capacity, hint=None, time_limit=20.0, workers=2, seed=1):
    """The restricted master as an integer programme: (status, objective, schedule or None)."""
    m = cp_model.CpModel()
    use: dict[tuple[int, int], list] = {}
    obj, xs = [], []
    for ti, tr in enumerate(trainees):
        vs = []
        for ci, col in enumerate(tr.columns):
            x = m.new_bool_var("")
            vs.append(x)
            obj.append((x, col.cost))
            for k, n in col.occ:
                use.setdefault(k, []).append((x, n))
            if hint is not None:
                m.add_hint(x, int(hint[ti] == ci))
        m.add_exactly_one(vs)
        xs.append(vs)
    for k, items in use.items():
        cap = capacity(k)
        if sum(n for _, n in items) > cap:
            m.add(cp_model.LinearExpr.weighted_sum([x for x, _ in items], [n for _, n in items]) <= cap)
    m.minimize(cp_model.LinearExpr.weighted_sum([x for x, _ in obj], [c for _, c in obj]))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.random_seed = seed
    code = solver.solve(m)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solver.status_name(code).lower(), None, None, None
    chosen = [next(ci for ci, x in enumerate(vs) if solver.boolean_value(x)) for vs in xs]
    schedule = {tr.td.id: tr.columns[ci].plan for tr, ci in zip(trainees, chosen)}
    return solver.status_name(code).lower(), round(solver.objective_value), schedule, chosen


def integer_master_mip(cohort, trainees: list[_Trainee], capacity, hint=None, time_limit=20.0, solver_name="SCIP"):
    """The restricted master by an LP-based MIP solver (SCIP in OR-Tools): same result shape."""
    from ortools.linear_solver import pywraplp

    mip = pywraplp.Solver.CreateSolver(solver_name)
    mip.SetTimeLimit(int(time_limit * 1000))
    rows: dict[tuple[int, int], Any] = {}
    xs = []
    for tr in trainees:
        c = mip.Constraint(1, 1)
        vs = []
        for col in tr.columns:
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
        return str(code), None, None, None
    chosen = [max(range(len(vs)), key=lambda ci: vs[ci].solution_value()) for vs in xs]
    schedule = {tr.td.id: tr.columns[ci].plan for tr, ci in zip(trainees, chosen)}
    status = "optimal" if code == pywraplp.Solver.OPTIMAL else "feasible"
    return status, round(mip.Objective().Value()), schedule, chosen


def column_generation(
    cohort,
    options=None,
    *,
    starts: dict[str, dict[str, dict[int, str]]] | None = None,
    time_limit: float = 120.0,
    iterations: int = 100,
    each: float = 2.0,
    smoothing: float = 0.0,
    master_every: int = 0,
    master_limit: float = 20.0,
    master_solver: str = "cpsat",
    log=None,
) -> dict[str, Any]:
    """Column generation until no column prices out, ``iterations`` or ``time_limit`` (checked
    between iterations). ``starts``: named schedules whose plans seed the pool (the starting
    plans, a CP-SAT plan); by default best-fit and greedy as the solver builds them.

    ``smoothing`` α: price at α·(prices of the best bound so far) + (1 − α)·(the LP's duals)
    (Wentges), which damps the duals' oscillation. ``master_every`` n > 0: solve the integer
    master every n iterations (and always at the end) for ``master_limit`` seconds.

    Returns the best bound (a whole number), the best checked plan and the history."""
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
    constant = sum(weights.unassigned for td in data if not td.plannable)
    trainees = [
        _Trainee(td=td, priced=_priced_model(cohort, td, weights, extra.get(td.id, {}))) for td in data if td.plannable
    ]
    cap_cache: dict[tuple[int, int], int] = {}

    def capacity(k):
        if k not in cap_cache:
            cap_cache[k] = cohort.units[k[0]].capacity_in(k[1])
        return cap_cache[k]

    def score(schedule):
        sol = Solution(
            status="",
            method="colgen",
            horizon_start=cohort.start,
            assignments=assignments_from_schedule(cohort, schedule),
        )
        return evaluate(cohort, sol, weights).total, check(cohort, sol)

    best_plan, best_obj, best_name = None, math.inf, None
    for name, sched in starts.items():
        for tr in trainees:
            if sched.get(tr.td.id):
                _add(cohort, weights, tr, sched[tr.td.id])
        if len(sched) == len(trainees):
            obj, violations = score(sched)
            if not violations and obj < best_obj:
                best_plan, best_obj, best_name = sched, obj, name
    history: list[dict[str, Any]] = []
    best_bound, best_prices = -math.inf, {}
    masters: list[dict[str, Any]] = []
    prices: dict[tuple[int, int], int] = {}
    lp_value = None

    def run_master(limit):
        nonlocal best_plan, best_obj, best_name
        hint = None
        if best_plan is not None:
            hint = []
            for tr in trainees:
                key = tuple(sorted(best_plan[tr.td.id].items()))
                hint.append(next((ci for ci, c in enumerate(tr.columns) if tuple(sorted(c.plan.items())) == key), -1))
        t0 = time.perf_counter()
        status, obj, sched, _ = integer_master(
            cohort, trainees, capacity, hint=hint, time_limit=limit, seed=options.seed
        )
        row = {"status": status, "objective": obj, "seconds": round(time.perf_counter() - t0, 2)}
        if sched is not None:
            checked, violations = score(sched)
            row["checked_objective"], row["violations"] = checked, len(violations)
            if not violations and checked < best_obj:
                best_plan, best_obj, best_name = sched, checked, "master"
        row["at"] = round(time.perf_counter() - started, 2)
        masters.append(row)
        if log:
            log({"master": row})

    for it in range(iterations):
        if time.perf_counter() - started > time_limit:
            break
        # prices: iteration 0 has none (every trainee's own optimum joins the pool)
        if it > 0:
            lp_value, _pi, mu = _master_lp(trainees, capacity)
            if lp_value is None:
                break
            if smoothing and best_prices:
                keys = set(mu) | set(best_prices)
                mu = {k: smoothing * best_prices.get(k, 0) / SCALE + (1 - smoothing) * mu.get(k, 0.0) for k in keys}
            prices = {k: round(v * SCALE) for k, v in mu.items() if round(v * SCALE) > 0}
        total, solved, added = 0, 0, 0
        for tr in trainees:
            mine = tuple((k, prices[k]) for k in tr.priced.occ if k in prices)
            if tr.last is not None and tr.last_prices == mine:
                z, plans = tr.last[0], []
            else:
                z, plans = _price(tr, prices, each)
                solved += 1
                tr.last_prices, tr.last = mine, (z, plans)
            if z is None:  # cannot be placed alone: the pool and bound leave it (not expected)
                continue
            total += z
            for plan in plans:
                if _add(cohort, weights, tr, plan) is not None:
                    added += 1
        value = constant + (total - sum(v * capacity(k) for k, v in prices.items())) / SCALE
        if value > best_bound:
            best_bound, best_prices = value, dict(prices)
        history.append(
            {
                "iteration": it,
                "lagrangian": round(value, 2),
                "lp": None if lp_value is None else round(constant + lp_value, 2),
                "priced": solved,
                "added": added,
                "columns": sum(len(tr.columns) for tr in trainees),
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
        if log:
            log(history[-1])
        if master_every and it > 0 and it % master_every == 0:
            run_master(master_limit)
        if it > 0 and (added == 0 or best_bound >= constant + lp_value - 1e-6):
            break  # no column prices out: the LP is optimal over all plans, its value the bound
    if lp_value is not None or history:
        lp_value, _, _ = _master_lp(trainees, capacity)
    if master_limit:
        run_master(master_limit)
    return {
        "bound": math.ceil(best_bound - 1e-6),
        "lp": None if lp_value is None else round(constant + lp_value, 2),
        "plan": best_plan,
        "objective": None if best_plan is None else best_obj,
        "plan_from": best_name,
        "history": history,
        "masters": masters,
        "prices": best_prices,  # the prices (1/SCALE points) of the best bound
        "pool": trainees,  # every trainee's columns (for experiments with the master)
        "seconds": round(time.perf_counter() - started, 2),
    }


def main(argv: list[str] | None = None) -> int:
    import json

    from bench.scheduler.generate import generate
    from scheduling.model import Cohort
    from scheduling.prepare import Options

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trainees", type=int, default=200)
    ap.add_argument("--units", type=int, default=60)
    ap.add_argument("--months", type=int, default=30)
    ap.add_argument("--load", type=float, default=0.95)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--smoothing", type=float, default=0.0)
    ap.add_argument("--master-every", type=int, default=0)
    ap.add_argument("--master-limit", type=float, default=20.0)
    ap.add_argument("--master-solver", choices=["cpsat", "scip"], default="cpsat")
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
        smoothing=args.smoothing,
        master_every=args.master_every,
        master_limit=args.master_limit,
        log=lambda h: print(h, flush=True),
    )
    if args.save:
        import pickle

        with open(args.save, "wb") as f:
            pickle.dump({"columns": {tr.td.id: tr.columns for tr in r["pool"]}, "plan": r["plan"]}, f)
    print(
        f"bound {r['bound']} (LP {r['lp']}), plan {r['objective']} from {r['plan_from']}, "
        f"{len(r['history'])} iterations, {r['seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Column generation (Dantzig–Wolfe) over each trainee's plans: a bound that sees capacity, and a plan.

Master LP: for each trainee a convex combination of its plans (columns), one row per unit-month
(Σ occupancy ≤ capacity), minimum total cost; solved by GLOP. The capacity rows' duals are
prices ``μ[u, m] ≥ 0``; each trainee's cheapest plan under them (its own CP-SAT model,
:class:`scheduling.cpsat.Model` with one trainee, plus a Boolean per slot, unit and month that
is 1 when the slot holds the unit that month) is the pricing problem; every plan CP-SAT finds
on the way joins the pool.

The bound, at every iteration (Lasdon / Farley), is the Lagrangian function at the prices,

    L(μ) = constant + Σ_t z(t) − Σ_(u,m) μ[u, m] · capacity(u, m),

with ``z(t)`` CP-SAT's *proven* minimum of trainee t's priced problem (valid whether or not
the solve finished). For any ``μ ≥ 0`` and any plan of the cohort that places everyone within
capacity, each price multiplies occupancy − capacity ≤ 0 and each trainee's priced cost is at
least ``z(t)``, so ``L(μ)`` is at most the plan's objective: a lower bound on the optimum of the
same model (candidate units, ``max_delay``, slots) when everyone must be placed. At zero prices
it is the per-trainee bound; converged (no plan prices out), it equals the master LP's value.
Prices are whole numbers of 1/``SCALE`` points (what CP-SAT needs; ``L`` is computed with them).

The plan: the *restricted master* as an integer programme (CP-SAT, a Boolean per column,
exactly one per trainee, capacity per unit-month, hinted with the best starting plan).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from . import cpsat
from .model import Cohort
from .objective import Weights, trainee_terms
from .prepare import TraineeData

SCALE = 100


@dataclass
class Priced:
    """One trainee's own model with an occupancy Boolean per (unit, month), to be priced."""

    td: Any
    model: Any
    occ: dict[tuple[int, int], list[Any]] = field(default_factory=dict)
    last: tuple[int, dict[tuple[int, int], int]] | None = None  # used by bench/scheduler/lagrangian.py
    last_free: int | None = None


def priced_model(cohort: Cohort, td: TraineeData, weights: Weights, extra: dict[str, set[int]]) -> Priced:
    model = cpsat.Model(cohort, [td], weights, {td.id: extra}, fixed_placed=True)
    m = model.m
    out = Priced(td=td, model=model)
    for sl in model.tvs[0].slots:
        starts, ends = {}, {}
        for mo in range(td.lo, td.hi + 1):
            starts[mo] = m.new_bool_var("")  # 1 whenever the slot starts in or before ``mo``
            m.add(sl.cs >= mo + 1).only_enforce_if(~starts[mo])
            ends[mo] = m.new_bool_var("")  # 1 whenever the slot ends in or after ``mo``
            m.add(sl.ce <= mo - 1).only_enforce_if(~ends[mo])
        for u, y in sl.y.items():
            for mo in range(td.lo, td.hi + 1):
                o = m.new_bool_var("")
                m.add(o >= y + starts[mo] + ends[mo] - 2)
                out.occ.setdefault((u, mo), []).append(o)
    return out


@dataclass
class Column:
    cost: int  # the trainee's objective with this plan (objective.trainee_terms, weighted)
    occ: tuple[tuple[tuple[int, int], int], ...]  # ((unit index, month), places) the plan holds
    plan: dict[int, str]  # month -> unit id


@dataclass
class Pool:
    """One trainee's columns and its last pricing."""

    td: TraineeData
    priced: Priced
    columns: list[Column] = field(default_factory=list)
    keys: set = field(default_factory=set)
    last_prices: tuple | None = None
    last: tuple[int | None, list] | None = None


@dataclass
class Result:
    bound: int | None  # the best L(μ), rounded up (None: some trainee has no plan alone)
    lp: float | None  # the last master LP's value (with the constant)
    converged: bool
    own: dict[str, int]  # each trainee's optimum alone (its proven bound at zero prices)
    plan: dict[str, dict[int, str]] | None = None  # the integer master's plan
    plan_objective: int | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    masters: list[dict[str, Any]] = field(default_factory=list)
    prices: dict[tuple[int, int], int] = field(default_factory=dict)  # of the best bound
    #: each trainee's proven priced minimum (× SCALE) at those prices, and L(μ) × SCALE there
    z: dict[str, int] = field(default_factory=dict)
    scaled: int | None = None
    pool: list[Pool] = field(default_factory=list)
    seconds: float = 0.0


def _occupancy(cohort: Cohort, tv, plan: dict[int, str]) -> tuple | None:
    """Place-months a plan holds, as the cumulative sees them (`cpsat.plan_occupancy`), sorted."""
    occ = cpsat.plan_occupancy(tv.avail, plan, {u.id: i for i, u in enumerate(cohort.units)})
    return None if occ is None else tuple(sorted(occ.items()))


def add_column(cohort: Cohort, weights: Weights, pool: Pool, plan: dict[int, str]) -> Column | None:
    """Add a plan of the trainee to its pool (None if already there or not a plan of its model)."""
    plan = {mo: u for mo, u in plan.items() if mo not in pool.td.trainee.unavailable}  # as the model reads
    key = tuple(sorted(plan.items()))
    if not plan or key in pool.keys:
        return None
    occ = _occupancy(cohort, pool.priced.model.tvs[0], plan)
    if occ is None:
        return None
    terms = trainee_terms(cohort, pool.td.trainee, plan)
    col = Column(cost=sum(getattr(weights, k) * v for k, v in terms.items()), occ=occ, plan=dict(plan))
    pool.keys.add(key)
    pool.columns.append(col)
    return col


class _Collect(cp_model.CpSolverSolutionCallback):
    def __init__(self, model):
        super().__init__()
        self.model, self.plans = model, []

    def on_solution_callback(self) -> None:
        plan = self.model.read(self).get(self.model.tvs[0].td.id)
        if plan:
            self.plans.append(plan)


def minimize_priced(p, prices: dict[tuple[int, int], int]) -> None:
    """Set the priced model's objective: its own (× SCALE) plus the price of every (unit, month) it occupies."""
    terms = [(o, prices[k]) for k, os in p.occ.items() if prices.get(k, 0) > 0 for o in os]
    expr = p.model.objective_expr() * SCALE
    if terms:
        expr += cp_model.LinearExpr.weighted_sum([o for o, _ in terms], [c for _, c in terms])
    p.model.m.minimize(expr)


def price(pool: Pool, prices: dict[tuple[int, int], int], time_limit: float):
    """(proven lower bound of the scaled priced problem, or None if it has no plan; plans found)."""
    p = pool.priced
    minimize_priced(p, prices)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.linearization_level = 0  # measured: as fast as without presolve, and steadier
    cb = _Collect(p.model)
    code = solver.solve(p.model.m, cb)
    if code in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
        return None, []
    return math.ceil(solver.best_objective_bound - 1e-6), cb.plans


def _price_all(todo, prices, each: float, threads: int, deadline: float | None):
    """Price each (pool, key) of ``todo``: yields (pool, key, (z, plans)), with z False for those
    not priced because ``deadline`` (perf_counter seconds) passed. With ``threads`` > 1 the
    models are solved in worker threads (each pool has its own model; CP-SAT releases the GIL)."""
    if threads <= 1:
        for pool, mine in todo:
            if deadline is not None and time.perf_counter() > deadline:
                yield pool, mine, (False, [])
                continue
            yield pool, mine, price(pool, prices, each)
        return
    from concurrent.futures import ThreadPoolExecutor

    def job(pool):
        if deadline is not None and time.perf_counter() > deadline:
            return False, []
        return price(pool, prices, each)

    with ThreadPoolExecutor(max_workers=threads) as ex:
        for (pool, mine), out in zip(todo, ex.map(job, [pool for pool, _ in todo])):
            yield pool, mine, out


def master_lp(pools: list[Pool], capacity: Callable, penalty: float = 1000.0):
    """The restricted master LP: (value, duals of the convexity rows, prices μ ≥ 0), or Nones.

    Places over capacity are allowed at ``penalty`` each (an upper bound on every price), which
    keeps it feasible before the pool holds plans that fit together."""
    from ortools.linear_solver import pywraplp

    lp = pywraplp.Solver.CreateSolver("GLOP")
    rows: dict[tuple[int, int], Any] = {}
    conv = []
    for pool in pools:
        c = lp.Constraint(1, 1)
        conv.append(c)
        for col in pool.columns:
            x = lp.NumVar(0, 1, "")
            c.SetCoefficient(x, 1)
            lp.Objective().SetCoefficient(x, col.cost)
            for k, n in col.occ:
                row = rows.get(k)
                if row is None:
                    row = rows[k] = lp.Constraint(-lp.infinity(), capacity(k))
                    over = lp.NumVar(0, lp.infinity(), "")
                    row.SetCoefficient(over, -1)
                    lp.Objective().SetCoefficient(over, penalty)
                row.SetCoefficient(x, n)
    lp.Objective().SetMinimization()
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None, None, None
    pi = [c.dual_value() for c in conv]
    mu = {k: -r.dual_value() for k, r in rows.items() if -r.dual_value() > 1e-9}
    return lp.Objective().Value(), pi, mu


def integer_master(pools: list[Pool], capacity: Callable, hint=None, time_limit=20.0, workers=2, seed=0):
    """The restricted master as an integer programme: (status, objective, schedule or None)."""
    m = cp_model.CpModel()
    use: dict[tuple[int, int], list] = {}
    obj, xs = [], []
    for ti, pool in enumerate(pools):
        vs = []
        for ci, col in enumerate(pool.columns):
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
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    solver.parameters.random_seed = seed
    code = solver.solve(m)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solver.status_name(code).lower(), None, None
    schedule = {
        pool.td.id: next(col.plan for col, x in zip(pool.columns, vs) if solver.boolean_value(x))
        for pool, vs in zip(pools, xs)
    }
    return solver.status_name(code).lower(), round(solver.objective_value), schedule


def column_generation(
    cohort: Cohort,
    data: list[TraineeData],
    weights: Weights,
    extra: dict[str, dict[str, set[int]]],
    starts: dict[str, dict[str, dict[int, str]]],
    *,
    time_limit: float,
    iterations: int = 100,
    each: float = 2.0,
    master_limit: float | Callable[[], float] = 0.0,
    master_if_converged: bool = False,
    master: Callable | None = None,
    seed: int = 0,
    threads: int = 1,
    log: Callable | None = None,
) -> Result:
    """Column generation until no plan prices out, ``iterations`` or ``time_limit`` (seconds,
    checked between iterations), then the integer master for ``master_limit`` seconds (only when
    converged if ``master_if_converged``), hinted with the cheapest complete plan of ``starts``
    (whose plans also seed the pool). ``master``: another integer-master function (experiments).
    ``threads``: pricing models solved at once (one CP-SAT worker each)."""
    started = time.perf_counter()
    constant = sum(weights.unassigned for td in data if not td.plannable)
    pools = [Pool(td=td, priced=priced_model(cohort, td, weights, extra.get(td.id, {}))) for td in data if td.plannable]
    cap_cache: dict[tuple[int, int], int] = {}

    def capacity(k):
        if k not in cap_cache:
            cap_cache[k] = cohort.units[k[0]].capacity_in(k[1])
        return cap_cache[k]

    best_start, best_cost = None, math.inf
    for sched in starts.values():
        complete = True
        for pool in pools:
            if sched.get(pool.td.id):
                add_column(cohort, weights, pool, sched[pool.td.id])
            else:
                complete = False
        if complete:
            cost = sum(
                sum(getattr(weights, k) * v for k, v in trainee_terms(cohort, p.td.trainee, sched[p.td.id]).items())
                for p in pools
            )
            if cost < best_cost:
                best_start, best_cost = sched, cost
    result = Result(bound=None, lp=None, converged=False, own={}, pool=pools)
    best_bound, prices, lp_value = -math.inf, {}, None
    for it in range(iterations):
        if it > 0 and time.perf_counter() - started > time_limit:
            break
        if it > 0:  # iteration 0 has no prices: every trainee's own optimum joins the pool
            lp_value, _, mu = master_lp(pools, capacity)
            if lp_value is None:
                break
            prices = {k: round(v * SCALE) for k, v in mu.items() if round(v * SCALE) > 0}
        total, solved, added, missing, cut = 0, 0, 0, False, False
        todo = []
        for pool in pools:
            mine = tuple((k, prices[k]) for k in pool.priced.occ if k in prices)
            if pool.last is None or pool.last_prices != mine:  # otherwise its last pricing still holds
                todo.append((pool, mine))
        deadline = None if it == 0 else started + time_limit
        for pool, mine, (z, plans) in _price_all(todo, prices, each, threads, deadline):
            if z is False:
                cut = True  # out of time inside a round: its value would be incomplete
                continue
            solved += 1
            pool.last_prices, pool.last = mine, (z, [])
            added += sum(add_column(cohort, weights, pool, plan) is not None for plan in plans)
        for pool in pools:
            if cut:
                break
            z = pool.last[0]
            if z is None:
                missing = True
                continue
            if it == 0:
                result.own[pool.td.id] = math.ceil(z / SCALE - 1e-9)
            total += z
        if cut or missing:  # missing: a trainee with no plan even alone, no bound of this kind
            break
        scaled = constant * SCALE + total - sum(v * capacity(k) for k, v in prices.items())
        value = scaled / SCALE
        if value > best_bound:
            best_bound, result.prices = value, dict(prices)
            result.z, result.scaled = {pool.td.id: pool.last[0] for pool in pools}, scaled
        result.history.append(
            {
                "iteration": it,
                "lagrangian": round(value, 2),
                "lp": None if lp_value is None else round(constant + lp_value, 2),
                "priced": solved,
                "added": added,
                "columns": sum(len(p.columns) for p in pools),
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
        if log:
            log(result.history[-1])
        if it > 0 and (added == 0 or math.ceil(best_bound - 1e-6) >= math.ceil(constant + lp_value - 1e-6)):
            # no plan prices out (the LP is optimal over all plans), or the bound, a whole number,
            # has reached the LP's value rounded up: no more iterations can raise it
            result.converged = True
            break
    if best_bound > -math.inf:
        result.bound = math.ceil(best_bound - 1e-6)
    if result.history:
        lp_value, _, _ = master_lp(pools, capacity)
        result.lp = None if lp_value is None else round(constant + lp_value, 2)
    if callable(master_limit):  # seconds left for it, asked when column generation ends
        master_limit = master_limit()
    if master_limit > 0 and result.bound is not None and (result.converged or not master_if_converged):
        hint = None
        if best_start is not None:
            keys = [
                tuple(sorted((mo, u) for mo, u in best_start[p.td.id].items() if mo not in p.td.trainee.unavailable))
                for p in pools
            ]
            hint = [
                next((ci for ci, c in enumerate(p.columns) if tuple(sorted(c.plan.items())) == key), -1)
                for p, key in zip(pools, keys)
            ]
        t0 = time.perf_counter()
        status, obj, sched = (master or integer_master)(pools, capacity, hint=hint, time_limit=master_limit, seed=seed)
        result.masters.append({"status": status, "objective": obj, "seconds": round(time.perf_counter() - t0, 2)})
        if sched is not None:
            result.plan, result.plan_objective = sched, obj + constant
    result.seconds = round(time.perf_counter() - started, 2)
    return result


@dataclass
class Closing:
    """What :func:`reduced_cost_search` found: a proven bound and perhaps a better plan."""

    bound: int
    status: str  # CP-SAT's status of the restricted model ("infeasible": the incumbent is optimal)
    plan: dict[str, dict[int, str]] | None = None
    objective: int | None = None
    seconds: float = 0.0
    budget: int = 0  # SCALE × (upper − 1) − SCALE × L(μ)
    cells: int = 0  # unit-months with a positive price


def reduced_cost_search(
    cohort: Cohort,
    data: list[TraineeData],
    weights: Weights,
    extra: dict[str, dict[str, set[int]]],
    cg: Result,
    upper: int,
    *,
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    hint: dict[str, dict[int, str]] | None = None,
) -> Closing | None:
    """Close the gap between the Lagrangian bound and a plan of cost ``upper`` by reduced costs.

    At the prices μ of the best bound, for any plan x that places everyone within capacity,

        SCALE · (cost(x) − L(μ)) = Σ_t (PC_t(x_t) − Z_t) + Σ_(u,m) M[u, m] · (capacity − occupancy(x)),

    with ``M`` the prices × SCALE, ``PC_t`` trainee t's priced cost (its own × SCALE plus the
    prices of the unit-months it holds) and ``Z_t`` the proven minimum of it: every term is ≥ 0.
    So a plan cheaper than ``upper`` has each term at most ``budget`` = SCALE · (upper − 1 − L):
    each trainee within that of its priced optimum, each priced unit-month at most budget / M
    places short of full. The full model with these constraints (and objective ≤ upper − 1)
    contains every plan cheaper than ``upper``: if CP-SAT proves it infeasible, ``upper`` is the
    optimum; otherwise the optimum is at least min(upper, its proven bound), and any plan it finds
    is cheaper than ``upper``. Occupancy Booleans may be 1 where the plan does not hold the place
    (they are only bounded below): they add the same M to a trainee's PC_t and take it from the
    unit-month's slack, so every real plan still satisfies the constraints. None when the cohort
    has trainees set aside or column generation has no bound."""
    if cg.scaled is None or not cg.z or any(not td.plannable for td in data):
        return None
    started = time.perf_counter()
    budget = SCALE * (upper - 1) - cg.scaled
    if budget < 0:  # L(μ) > upper − 1: no cheaper plan
        return Closing(bound=upper, status="infeasible", budget=budget, cells=0)
    prices = {k: v for k, v in cg.prices.items() if v > 0}
    model = cpsat.Model(cohort, data, weights, extra, fixed_placed=True, bounds=cg.own)
    m = model.m
    occ: dict[tuple[int, int], list] = {}
    for tv in model.tvs:
        td = tv.td
        terms = []
        for sl in tv.slots:
            starts: dict[int, Any] = {}
            ends: dict[int, Any] = {}
            for u, y in sl.y.items():
                for mo in range(td.lo, td.hi + 1):
                    price_ = prices.get((u, mo))
                    if not price_:
                        continue
                    if mo not in starts:
                        starts[mo] = m.new_bool_var("")  # 1 whenever the slot starts in or before mo
                        m.add(sl.cs >= mo + 1).only_enforce_if(~starts[mo])
                        ends[mo] = m.new_bool_var("")  # 1 whenever the slot ends in or after mo
                        m.add(sl.ce <= mo - 1).only_enforce_if(~ends[mo])
                    o = m.new_bool_var("")
                    m.add(o >= y + starts[mo] + ends[mo] - 2)
                    occ.setdefault((u, mo), []).append(o)
                    terms.append((o, price_))
        lo, hi = tv.cost
        own = cp_model.LinearExpr.weighted_sum(model.obj_vars[lo:hi], model.obj_coefs[lo:hi])
        priced = own * SCALE
        if terms:
            priced += cp_model.LinearExpr.weighted_sum([o for o, _ in terms], [c for _, c in terms])
        z = cg.z.get(td.id)
        if z is None:
            return None
        m.add(priced >= z)
        m.add(priced <= z + budget)
    for k, os_ in occ.items():
        cap = cohort.units[k[0]].capacity_in(k[1])
        m.add(cp_model.LinearExpr.sum(os_) <= cap)
        m.add(prices[k] * (cap - cp_model.LinearExpr.sum(os_)) <= budget)
    for k, v in prices.items():  # a priced unit-month no one of the model can hold
        if k not in occ and v * cohort.units[k[0]].capacity_in(k[1]) > budget:
            return Closing(bound=upper, status="infeasible", budget=budget, cells=len(prices))
    m.add(model.objective_expr() <= upper - 1)
    m.minimize(model.objective_expr())
    if hint:
        model.add_hint(hint)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = workers
    p.max_time_in_seconds = max(0.05, time_limit - (time.perf_counter() - started))
    p.random_seed = seed
    code = solver.solve(m)
    status = cpsat.STATUS.get(code, "unknown")
    out = Closing(bound=upper, status=status, budget=budget, cells=len(prices))
    if code == cp_model.INFEASIBLE:
        out.bound = upper
    elif code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        out.plan = model.read(solver)
        out.objective = round(solver.objective_value)
        out.bound = out.objective if code == cp_model.OPTIMAL else math.ceil(solver.best_objective_bound - 1e-6)
    else:
        out.bound = min(upper, math.ceil(solver.best_objective_bound - 1e-6))
    out.bound = max(out.bound, math.ceil(cg.scaled / SCALE - 1e-9))
    out.seconds = round(time.perf_counter() - started, 3)
    return out

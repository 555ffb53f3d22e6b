"""Fix-and-optimize: a large-neighbourhood search of our own around a complete plan.

Each round frees a *neighbourhood* of trainees, keeps every other trainee's plan fixed (the
places they hold are taken off the units' capacity) and solves the freed trainees exactly with
CP-SAT: the full model (:class:`scheduling.cpsat.Model`: the same slots, candidate units, order
rules and objective) restricted to them, hinted with their current plans. The sub-plan replaces
theirs only when it is cheaper (or, with ``sideways``, as cheap and different), so the plan never
gets worse and stays within capacity (the freed trainees see exactly the places the fixed ones
leave). ``threads`` neighbourhoods of disjoint trainees are solved at once (CP-SAT releases the
GIL); a result is taken only if its places still fit what the others hold when it comes back.

Why not only CP-SAT's own LNS: on the 200-trainee model each of its neighbourhoods costs about
a second of wall time, almost all of it copying and presolving the whole model; a sub-model of
10–40 trainees is built and solved in a fraction of that, and the neighbourhoods can follow the
structure of the problem:

* ``related``: a trainee (preferring those far above their own optimum) and the trainees
  holding the most place-months on its candidate units within its month range;
* ``unit``: a trainee and the trainees holding places on its candidate units of one of its
  categories within its month range (a few units' timelines rearranged);
* ``crowded``: the trainees in a full unit-month and those holding places on the same units
  around it;
* ``window``: the trainees whose month ranges cover a month in a trainee's range;
* ``random``: trainees drawn at random.

The neighbourhood size adapts: it grows while sub-models are solved to optimality quickly and
shrinks when they run out of time.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any

from ortools.sat.python import cp_model

from . import cpsat
from .model import Cohort
from .objective import Weights, trainee_terms
from .prepare import TraineeData

KINDS = ("related", "unit", "crowded", "window", "random")
#: CP-SAT parameters of each sub-model (measured on medium-tight: faster at 20–30 trainees)
LNS_PARAMS = {"linearization_level": 0}


@dataclass
class Result:
    schedule: dict[str, dict[int, str]]
    objective: int  # the placed trainees' weighted cost (without the unassigned term)
    start_objective: int
    rounds: int = 0
    improved: int = 0
    proven: int = 0  # neighbourhoods whose sub-model was solved to optimality
    sideways: int = 0  # plans of equal cost taken (with ``sideways``)
    seconds: float = 0.0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [rounds, improved, points]
    history: list[tuple[float, int]] = field(default_factory=list)  # (seconds, objective) per improvement


def occupancy(td: TraineeData, plan: dict[int, str], index: dict[str, int]) -> dict[tuple[int, int], int] | None:
    """Place-months a plan holds as the model's cumulative counts them (`cpsat.plan_occupancy`)."""
    return cpsat.plan_occupancy(td.available_months(), plan, index)


def improve(
    cohort: Cohort,
    data: list[TraineeData],
    weights: Weights,
    extra: dict[str, dict[str, set[int]]],
    schedule: dict[str, dict[int, str]],
    *,
    time_limit: float,
    bounds: dict[str, int] | None = None,
    seed: int = 0,
    size: int = 10,
    min_size: int = 6,
    max_size: int = 60,
    each: float = 1.0,
    workers: int = 1,
    threads: int = 2,
    cp_params: dict | None = LNS_PARAMS,
    kinds: tuple[str, ...] = KINDS,
    sideways: bool = True,
    tiebreak: bool = False,
    should_stop: Callable[[], bool] | None = None,
    progress: Callable[[dict[str, Any]], Any] | None = None,
    log: Callable[[str], Any] | None = None,
) -> Result:
    """Improve a plan that places every plannable trainee of ``data`` (others are left as they
    are) for ``time_limit`` seconds. ``bounds``: each trainee's optimum alone (its lower bound),
    which steers the ``related`` neighbourhoods and is a cut in each sub-model."""
    started = time.perf_counter()
    rng = random.Random(seed)
    bounds = bounds or {}
    index = {u.id: i for i, u in enumerate(cohort.units)}
    plannable = [td for td in data if td.plannable and schedule.get(td.id)]
    by_id = {td.id: td for td in plannable}
    plan = {tid: dict(months) for tid, months in schedule.items()}

    def cost(td: TraineeData, months: dict[int, str]) -> int:
        return sum(getattr(weights, k) * v for k, v in trainee_terms(cohort, td.trainee, months).items())

    costs = {td.id: cost(td, plan[td.id]) for td in plannable}
    occ: dict[str, dict[tuple[int, int], int]] = {}
    used: dict[tuple[int, int], int] = {}
    expressible: set[str] = set()  # plannable trainees whose plan the model can express: the ones to free
    for tid, months in plan.items():
        td = by_id.get(tid)
        o = occupancy(td, months, index) if td is not None else None
        if o is None:  # not expressible in the model: count its calendar months as held
            o = {}
            for mo, uid in months.items():
                o[(index[uid], mo)] = o.get((index[uid], mo), 0) + 1
        else:
            expressible.add(tid)
        occ[tid] = o
        for k, n in o.items():
            used[k] = used.get(k, 0) + n
    free_ids = [td.id for td in plannable if td.id in expressible]
    start_total = sum(costs.values())
    result = Result(schedule=plan, objective=start_total, start_objective=start_total)
    if len(free_ids) < 2:
        result.seconds = round(time.perf_counter() - started, 3)
        return result

    # candidate units per trainee (the model's: its own candidates plus the extra ones)
    cands: dict[str, set[int]] = {}
    for tid in free_ids:
        td = by_id[tid]
        s: set[int] = set()
        for us in td.units.values():
            s.update(us)
        for us in extra.get(tid, {}).values():
            s.update(us)
        cands[tid] = s
    holders: dict[int, set[str]] = {}  # unit -> trainees holding a place there (kept up to date)

    def index_holder(tid: str, add: bool) -> None:
        for u, _mo in occ[tid]:
            if add:
                holders.setdefault(u, set()).add(tid)
            else:
                holders.get(u, set()).discard(tid)

    for tid in plan:
        index_holder(tid, True)
    freeable = set(free_ids)

    def around(seed_id: str, units, k: int) -> list[str]:
        """The seed and up to k - 1 others that can be freed, ranked (with noise) by the place-months they
        hold on `units` within the seed's months."""
        td = by_id[seed_id]
        score: dict[str, float] = {}
        for u in units:
            for other in holders.get(u, ()):
                if other == seed_id or other not in freeable:
                    continue
                n = sum(1 for (uu, mo) in occ[other] if uu == u and td.lo <= mo <= td.hi)
                if n:
                    score[other] = score.get(other, 0.0) + n
        ranked = sorted(score, key=lambda t: -score[t] * (0.5 + rng.random()))
        return [seed_id, *ranked[: k - 1]]

    def related(seed_id: str, k: int) -> list[str]:
        return around(seed_id, cands[seed_id], k)

    def pick_seed() -> str:
        slack = [(tid, costs[tid] - bounds.get(tid, 0)) for tid in free_ids]
        total = sum(max(0, s) for _, s in slack)
        if total > 0 and rng.random() < 0.7:
            r = rng.random() * total
            for tid, s in slack:
                r -= max(0, s)
                if r <= 0:
                    return tid
        return rng.choice(free_ids)

    def neighbourhood(kind: str, k: int) -> list[str]:
        if kind == "random":
            return rng.sample(free_ids, min(k, len(free_ids)))
        if kind == "window":
            td = by_id[pick_seed()]
            mid = rng.randint(td.lo, td.hi)
            near = [t for t in free_ids if by_id[t].lo <= mid <= by_id[t].hi]
            rng.shuffle(near)
            return near[:k]
        if kind == "unit":
            # one category's units around a trainee: everyone placed on the seed's candidate
            # units of that category within the seed's months (a unit's timeline rearranged)
            seed_id = pick_seed()
            cats = sorted({cohort.units[u].category for u, _ in occ[seed_id]})
            c = rng.choice(cats)
            return around(seed_id, {u for u in cands[seed_id] if cohort.units[u].category == c}, k)
        if kind == "crowded":
            full = [key for key, n in used.items() if n >= cohort.units[key[0]].capacity_in(key[1])]
            if not full:
                return rng.sample(free_ids, min(k, len(free_ids)))
            u, mo = rng.choice(full)
            inside = [t for t in holders.get(u, ()) if t in freeable and (u, mo) in occ[t]]
            out: list[str] = []
            for t in inside:
                for r in related(t, max(2, k // max(1, len(inside)))):
                    if r not in out:
                        out.append(r)
            return out[:k]
        # related: a seed and those holding its candidate units; then another seed among them
        out = related(pick_seed(), k)
        return out[:k]

    sizes = dict.fromkeys(kinds, float(size))
    stats = {kind: [0, 0, 0] for kind in kinds}
    result.by_kind = stats
    weights_kind = dict.fromkeys(kinds, 1.0)
    busy: set[str] = set()  # trainees in a neighbourhood being solved
    rounds = 0

    def launch(pool: ThreadPoolExecutor) -> Future | None:
        nonlocal rounds
        left = time_limit - (time.perf_counter() - started)
        if left < 0.2 or (should_stop is not None and should_stop()):
            return None
        for _ in range(20):  # a neighbourhood disjoint from those being solved
            kind = rng.choices(kinds, weights=[weights_kind[k] for k in kinds])[0]
            k = max(min_size, min(max_size, round(sizes[kind])))
            free = [t for t in neighbourhood(kind, k + len(busy)) if t not in busy][:k]
            if len(free) >= 2:
                break
        else:
            return None
        rounds += 1
        stats[kind][0] += 1
        busy.update(free)
        tds = [by_id[t] for t in free]
        model = _sub_model(cohort, tds, weights, extra, plan, occ, used, bounds, rng if tiebreak else None)
        job = pool.submit(_run, model, tds, min(each, left), workers, seed + rounds, cp_params)
        job.meta = (kind, free, time.perf_counter())  # type: ignore[attr-defined]
        return job

    def fits(free: list[str], new_occ: dict[str, dict[tuple[int, int], int]]) -> bool:
        """The new plans of ``free`` within capacity given everyone else's current places (others
        may have moved while this neighbourhood was being solved)."""
        delta: dict[tuple[int, int], int] = {}
        for t in free:
            for key, n in occ[t].items():
                delta[key] = delta.get(key, 0) - n
            for key, n in new_occ[t].items():
                delta[key] = delta.get(key, 0) + n
        return all(
            used.get(key, 0) + n <= cohort.units[key[0]].capacity_in(key[1]) for key, n in delta.items() if n > 0
        )

    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        running: set[Future] = set()
        while True:
            while len(running) < max(1, threads):
                job = launch(pool)
                if job is None:
                    break
                running.add(job)
            if not running:
                break
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for job in done:
                kind, free, launched = job.meta  # type: ignore[attr-defined]
                busy.difference_update(free)
                status, found = job.result()
                secs = time.perf_counter() - launched
                if status == "optimal":
                    result.proven += 1
                    if secs < each * 0.5:
                        sizes[kind] = min(max_size, sizes[kind] * 1.15)
                else:
                    sizes[kind] = max(min_size, sizes[kind] * 0.8)
                gain = 0
                if found is not None:
                    before = sum(costs[t] for t in free)
                    new_costs = {t: cost(by_id[t], found[t]) for t in free}
                    new_occ = {t: occupancy(by_id[t], found[t], index) or {} for t in free}
                    after = sum(new_costs.values())
                    changed = any(found[t] != plan[t] for t in free)
                    if (after < before or (sideways and after == before and changed)) and fits(free, new_occ):
                        gain = before - after
                        for t in free:
                            index_holder(t, False)
                            for key, n in occ[t].items():
                                used[key] -= n
                            plan[t] = found[t]
                            occ[t] = new_occ[t]
                            for key, n in occ[t].items():
                                used[key] = used.get(key, 0) + n
                            index_holder(t, True)
                            costs[t] = new_costs[t]
                        result.improved += gain > 0
                        result.sideways += gain == 0
                        result.objective -= gain
                        if gain > 0:
                            stats[kind][1] += 1
                            stats[kind][2] += gain
                            now = round(time.perf_counter() - started, 2)
                            result.history.append((now, result.objective))
                            if progress is not None:
                                progress({"phase": "lns", "objective": result.objective, "seconds": now})
                # a kind that improves gets chosen more often (kept at least a tenth)
                weights_kind[kind] = max(0.1, 0.8 * weights_kind[kind] + 0.2 * (1.0 + min(gain, 20) / 4))
                if log:
                    log(
                        f"lns {kind} k={len(free)} {status} {secs:.2f}s gain {gain} "
                        f"-> {result.objective} ({time.perf_counter() - started:.1f}s)"
                    )
    result.rounds = rounds
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _sub_model(cohort, tds, weights, extra, plan, occ, used, bounds, rng=None) -> cpsat.Model:
    """The model of the freed trainees ``tds`` alone in the places the others hold now."""
    freed = {td.id for td in tds}
    mine: dict[tuple[int, int], int] = {}
    for tid in freed:
        for key, n in occ[tid].items():
            mine[key] = mine.get(key, 0) + n
    # capacity left for the freed trainees, month by month (the fixed trainees' places removed)
    taken: dict[int, dict[int, int]] = {}
    for (u, mo), n in used.items():
        fixed = n - mine.get((u, mo), 0)
        if fixed > 0:
            taken.setdefault(u, {})[mo] = fixed
    units = list(cohort.units)
    for u, months in taken.items():
        unit = units[u]
        by_month = dict(unit.capacity_by_month)
        for mo, n in months.items():
            by_month[mo] = max(0, unit.capacity_in(mo) - n)
        units[u] = replace(unit, capacity_by_month=by_month)
    sub = replace(cohort, units=tuple(units))
    model = cpsat.Model(
        sub, tds, weights, {td.id: extra.get(td.id, {}) for td in tds}, fixed_placed=True, bounds=bounds
    )
    model.add_hint({td.id: plan[td.id] for td in tds})
    if rng is None:
        model.m.minimize(model.objective_expr())
        return model
    # ties between plans of equal cost broken at random, below one point of the cost: a weight of
    # 0 or 1 per (slot, unit) choice, at most one choice per present slot
    ys = [y for tv in model.tvs for sl in tv.slots for y in sl.y.values()]
    picks = [(y, 1) for y in ys if rng.random() < 0.5]
    scale = 1 + sum(len(tv.slots) for tv in model.tvs)
    objective = model.objective_expr() * scale
    if picks:
        objective += cp_model.LinearExpr.weighted_sum([y for y, _ in picks], [w for _, w in picks])
    model.m.minimize(objective)
    return model


def _run(model: cpsat.Model, tds, time_limit: float, workers: int, seed: int, cp_params: dict | None):
    """Solve a sub-model (in a worker thread; CP-SAT releases the GIL): (status, plans or None)."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = workers
    p.max_time_in_seconds = max(0.05, time_limit)
    p.random_seed = seed
    for k, v in (cp_params or {}).items():
        setattr(p, k, v)
    code = solver.solve(model.m)
    status = cpsat.STATUS.get(code, "unknown")
    found = model.read(solver) if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    if found is not None and any(td.id not in found for td in tds):
        found = None
    return status, found


def total_cost(cohort: Cohort, weights: Weights, schedule: dict[str, dict[int, str]]) -> int:
    """The weighted cost of the placed trainees (the objective without the unassigned term)."""
    tr = cohort.trainee_by_id
    return sum(
        sum(getattr(weights, k) * v for k, v in trainee_terms(cohort, tr[tid], months).items())
        for tid, months in schedule.items()
        if months
    )

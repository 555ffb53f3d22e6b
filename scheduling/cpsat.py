"""The CP-SAT model: placements as optional intervals.

Each trainee's plan is a set of *slots*, one per placement the programme template allows
(``Trainee.max_placements``: usually one per category; two for the category a programme both
starts and ends in, or where the template has two slots of it). A slot k has a presence ``p``,
a unit choice ``y[k, u]`` among the trainee's candidate units of its category, and a start,
end and length counted in the trainee's *own* time: its available months only, so that a
placement simply pauses over an unavailable month and the months worked are ``end - start +
1``.

* per trainee: the slots do not overlap (NoOverlap in own time); months per category within
  [requirement, cap] and ``total_months`` in all (both from ``rules`` via ``Trainee``); the
  plan starts (first slot) in the trainee's window; order rules from the programme — the
  slot of the first category starts before every other non-introduction slot, the last
  category's slot ends after them, introduction before everything when ``introduction_first``;
* per unit: a cumulative over calendar months (the slot's interval mapped through the
  trainee's calendar; months of leave inside a placement keep the place) with the unit's
  capacity, lowered month by month by fixed intervals where ``capacity_by_month`` says so;
* objective: the same terms as :func:`scheduling.objective.evaluate` (checked by the tests):
  moves = slots present - 1, preference shortfall in months, idle = own-time span - total,
  late = calendar end - earliest possible end, fairness P(P-1)/2 over unpopular placements.
* cuts that do not change the optimum but help the bound: at least the fewest placements the
  programme needs; each trainee's cost at least its own lower bound (the analytic
  :func:`scheduling.prepare.standalone_bound` or its optimum alone, ``bounds``); months at a
  wanted unit summed over all trainees at most the unit's place-months.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ortools.sat.python import cp_model

from .model import INTRO, Cohort
from .objective import Weights
from .prepare import Options, TraineeData, min_placements, standalone_bound


@dataclass
class Slot:
    category: str
    role: str  # "first", "last", "" (free), or "second" (second slot of a category without a role)
    units: list[int]
    p: Any = None
    s: Any = None
    e: Any = None
    length: Any = None
    cs: Any = None  # calendar start (var or affine expression)
    ce: Any = None
    csize: Any = None
    y: dict[int, Any] = field(default_factory=dict)
    first: Any = None
    last: Any = None
    interval: Any = None
    lmax: int = 0
    #: True when cs/ce/csize are variables (the trainee has unavailable months in its range)
    own_calendar: bool = False


@dataclass
class TV:
    """The variables of one trainee."""

    td: TraineeData
    a: Any
    avail: list[int]
    slots: list[Slot] = field(default_factory=list)
    st: Any = None
    end: Any = None
    cend: Any = None
    idle: Any = None
    late: Any = None
    months_at: dict[int, list[tuple[Slot, Any]]] = field(default_factory=dict)  # unit -> [(slot, M)]
    short: dict[int, Any] = field(default_factory=dict)
    fair: Any = None
    identity: bool = True  # own time = calendar time shifted by ``lo``
    st_default: int = 0
    #: the slice of ``Model.obj_vars`` holding this trainee's cost terms
    cost: tuple[int, int] = (0, 0)


class Model:
    """Builds the CP-SAT model for the plannable trainees of a cohort."""

    def __init__(
        self,
        cohort: Cohort,
        data: list[TraineeData],
        weights: Weights,
        extra_units: dict[str, dict[str, set[int]]] | None = None,
        fixed_placed: bool = False,
        bounds: dict[str, int] | None = None,
        cuts: bool = True,
    ):
        self.cohort = cohort
        #: False leaves out the per-trainee cuts that come from the analytic bounds
        #: (``min_placements``, ``standalone_bound``), e.g. to check those bounds independently
        self.cuts = cuts
        self.weights = weights
        #: lower bound on each trainee's own cost (exact standalone optimum when known)
        self.bounds = bounds or {}
        self.m = cp_model.CpModel()
        self.unit_index = {u.id: i for i, u in enumerate(cohort.units)}
        self.tvs: list[TV] = []
        self.unit_intervals: dict[int, list[Any]] = {}
        self.obj_vars: list[Any] = []
        self.obj_coefs: list[int] = []
        self.obj_const = 0
        self.fixed_placed = fixed_placed
        self.pref_months: dict[int, list[tuple[TV, Any]]] = {}
        extra_units = extra_units or {}
        for td in data:
            if td.plannable:
                self._trainee(td, extra_units.get(td.id, {}))
            else:  # set aside before the model: counted as unassigned, a constant
                self.obj_const += weights.unassigned
        self._capacity()

    # -- building ----------------------------------------------------------------------
    def _obj(self, var, coef: int) -> None:
        if coef:
            self.obj_vars.append(var)
            self.obj_coefs.append(coef)

    def _slots(self, td: TraineeData, extra: dict[str, set[int]]) -> list[Slot]:
        t = td.trainee
        out = []
        for c in t.categories:
            units = sorted(set(td.units.get(c, [])) | set(extra.get(c, set())))
            if not units:
                continue
            n = t.max_placements(c)
            for i in range(n):
                if c == t.first_category == t.last_category and n >= 2:
                    role = "first" if i == 0 else ("last" if i == n - 1 else "")
                elif c == t.first_category and i == 0:
                    role = "first"
                elif c == t.last_category and i == n - 1:
                    role = "last"
                else:
                    role = "second" if i > 0 else ""
                out.append(Slot(category=c, role=role, units=units))
        return out

    def _trainee(self, td: TraineeData, extra: dict[str, set[int]]) -> None:
        m, t, W = self.m, td.trainee, self.weights
        S = cp_model.LinearExpr.sum
        units = self.cohort.units
        cost_from = len(self.obj_vars)  # this trainee's objective terms start here
        a = m.new_bool_var(f"a_{td.index}")
        if self.fixed_placed:
            m.add(a == 1)
        avail = td.available_months()
        N = len(avail)
        tv = TV(td=td, a=a, avail=avail)
        self.tvs.append(tv)
        identity = avail == list(range(td.lo, td.lo + N))  # no unavailable month in the range
        pos = {mo: i for i, mo in enumerate(avail)}
        total = t.total_months
        tv.identity = identity
        tv.slots = slots = self._slots(td, extra)
        if not slots:
            m.add(a == 0)

        for sl in slots:
            cap = t.caps.get(sl.category)
            lmax = sl.lmax = min(total, N, cap if cap is not None else total)
            sl.p = m.new_bool_var("")
            sl.s = m.new_int_var(0, N - 1, "")
            sl.e = m.new_int_var(0, N - 1, "")
            sl.length = m.new_int_var(0, lmax, "")
            m.add(sl.p <= a)
            m.add(sl.e == sl.s + sl.length - 1).only_enforce_if(sl.p)
            m.add(sl.length >= 1).only_enforce_if(sl.p)
            m.add(sl.length == 0).only_enforce_if(~sl.p)
            m.add(sl.s == 0).only_enforce_if(~sl.p)
            m.add(sl.e == 0).only_enforce_if(~sl.p)
            sl.interval = m.new_optional_interval_var(sl.s, sl.length, sl.e + 1, sl.p, "")
            if identity:
                sl.cs, sl.ce, sl.csize = sl.s + td.lo, sl.e + td.lo, sl.length
            else:
                sl.own_calendar = True
                sl.cs = m.new_int_var(td.lo, td.hi, "")
                sl.ce = m.new_int_var(td.lo, td.hi, "")
                m.add_element(sl.s, avail, sl.cs)
                m.add_element(sl.e, avail, sl.ce)
                sl.csize = m.new_int_var(0, td.hi - td.lo + 1, "")
                m.add(sl.csize == sl.ce - sl.cs + 1).only_enforce_if(sl.p)
                m.add(sl.csize == 0).only_enforce_if(~sl.p)
            for u in sl.units:
                y = m.new_bool_var("")
                sl.y[u] = y
                iv = m.new_optional_interval_var(sl.cs, sl.csize, sl.ce + 1, y, "")
                self.unit_intervals.setdefault(u, []).append(iv)
            m.add(S(list(sl.y.values())) == sl.p)
        m.add_no_overlap([sl.interval for sl in slots])

        # totals and categories
        m.add(S([sl.length for sl in slots]) == total * a)
        for c in t.categories:
            ls = [sl.length for sl in slots if sl.category == c]
            req, cap = t.requirements.get(c, 0), t.caps.get(c)
            if req and not ls:
                m.add(a == 0)
                continue
            if req:
                m.add(S(ls) >= req * a)
                m.add(S([sl.p for sl in slots if sl.category == c]) >= a)
            if cap is not None and ls and cap < total:
                m.add(S(ls) <= cap * a)

        # several slots of one category without roles: in order, on different units
        by_cat: dict[str, list[Slot]] = {}
        for sl in slots:
            by_cat.setdefault(sl.category, []).append(sl)
        for group in by_cat.values():
            free = [sl for sl in group if sl.role in ("", "second")]
            for s1, s2 in pairwise(free):
                m.add(s2.p <= s1.p)
                m.add(s2.s >= s1.e + 1).only_enforce_if(s2.p)
                for u in s1.units:
                    if u in s2.y:
                        m.add(s1.y[u] + s2.y[u] <= 1)

        # start, end, idle, late
        starts = sorted(pos[s] for s in td.starts)
        tv.st = m.new_int_var_from_domain(cp_model.Domain.from_values(starts), "")
        tv.st_default = starts[0]
        tv.end = m.new_int_var(0, N - 1, "")
        firsts, lasts = [], []
        for sl in slots:
            sl.first = m.new_bool_var("")
            sl.last = m.new_bool_var("")
            m.add(sl.first <= sl.p)
            m.add(sl.last <= sl.p)
            m.add(sl.s == tv.st).only_enforce_if(sl.first)
            m.add(sl.e == tv.end).only_enforce_if(sl.last)
            m.add(sl.s >= tv.st).only_enforce_if(sl.p)
            m.add(sl.e <= tv.end).only_enforce_if(sl.p)
            firsts.append(sl.first)
            lasts.append(sl.last)
        m.add(S(firsts) == a)
        m.add(S(lasts) == a)
        if identity:
            tv.cend = tv.end + td.lo
        else:
            tv.cend = m.new_int_var(td.lo, td.hi, "")
            m.add_element(tv.end, avail, tv.cend)
        if W.idle:
            tv.idle = m.new_int_var(0, N, "")
            m.add(tv.idle >= tv.end - tv.st + 1 - total).only_enforce_if(a)
            self._obj(tv.idle, W.idle)
        if W.late:
            tv.late = m.new_int_var(0, max(0, td.hi - td.earliest_end), "")
            m.add(tv.late >= tv.cend - td.earliest_end).only_enforce_if(a)
            self._obj(tv.late, W.late)

        # order rules from the programme
        non_intro = [sl for sl in slots if sl.category != INTRO]
        first_slot = next((sl for sl in slots if sl.role == "first"), None)
        last_slot = next((sl for sl in slots if sl.role == "last"), None)
        if t.first_category:
            if first_slot is None:
                m.add(a == 0)
            else:
                m.add(first_slot.p == a)
                for sl in non_intro:
                    if sl is not first_slot:
                        m.add(sl.s >= first_slot.e + 1).only_enforce_if(sl.p)
        if t.last_category:
            if last_slot is None:
                m.add(a == 0)
            else:
                others = [sl for sl in non_intro if sl is not last_slot and sl.category != t.last_category]
                if t.first_category == t.last_category:
                    # visited twice only when the plan has another category in between
                    for sl in others:
                        m.add(last_slot.p >= sl.p)
                    m.add(last_slot.p <= S([sl.p for sl in others]))
                else:
                    m.add(last_slot.p == a)
                for sl in non_intro:
                    if sl is not last_slot:
                        m.add(sl.e + 1 <= last_slot.s).only_enforce_if([sl.p, last_slot.p])
        if t.introduction_first:
            for isl in (sl for sl in slots if sl.category == INTRO):
                for sl in non_intro:
                    m.add(sl.s >= isl.e + 1).only_enforce_if([sl.p, isl.p])

        # moves
        if self.cuts:
            min_runs, _ = min_placements(t)
            m.add(S([sl.p for sl in slots]) >= min_runs * a)
        for sl in slots:
            self._obj(sl.p, W.moves)
        self._obj(a, -W.moves)

        # preferences
        for pref in t.preferences:
            u = self.unit_index[pref.unit]
            c = units[u].category
            ms = []
            for sl in slots:
                if u in sl.y:
                    mv = m.new_int_var(0, sl.lmax, "")
                    m.add(mv == sl.length).only_enforce_if(sl.y[u])
                    m.add(mv == 0).only_enforce_if(~sl.y[u])
                    m.add(mv <= sl.lmax * sl.y[u])
                    m.add(mv <= sl.length)
                    ms.append(mv)
                    tv.months_at.setdefault(u, []).append((sl, mv))
                    self.pref_months.setdefault(u, []).append((tv, mv))
            if pref.weight > 0:
                target = t.preference_target(c)
                if not ms:
                    self._obj(a, W.preference * pref.weight * target)
                    continue
                short = m.new_int_var(0, target, "")
                m.add(short >= target * a - S(ms))
                tv.short[u] = short
                self._obj(short, W.preference * pref.weight)
            else:
                for mv in ms:
                    self._obj(mv, W.preference * -pref.weight)

        # fairness: P(P-1)/2 with P = placements at unpopular units
        unpop = [sl.y[u] for sl in slots for u in sl.y if units[u].unpopular]
        if W.fairness and len(unpop) >= 2:
            kmax = min(len(slots), len(unpop))
            if kmax >= 2:
                f = m.new_int_var(0, kmax * (kmax - 1) // 2, "")
                ps = S(unpop)
                for k in range(1, kmax):
                    m.add(f >= k * ps - k * (k + 1) // 2)
                tv.fair = f
                self._obj(f, W.fairness)

        tv.cost = (cost_from, len(self.obj_vars))  # this trainee's terms (its cost when placed)
        lb = max(self.bounds.get(t.id, 0), standalone_bound(t, W) if self.cuts else 0)
        if lb > 0:
            m.add(cp_model.LinearExpr.weighted_sum(self.obj_vars[cost_from:], self.obj_coefs[cost_from:]) >= lb * a)
        # unassigned
        self.obj_const += W.unassigned
        self._obj(a, -W.unassigned)

    def _capacity(self) -> None:
        H = self.cohort.months
        for u, ivs in self.unit_intervals.items():
            unit = self.cohort.units[u]
            caps = [unit.capacity_in(mo) for mo in range(H)]
            cmax = max(caps)
            demands = [1] * len(ivs)
            ivs = list(ivs)
            mo = 0
            while mo < H:  # block months with fewer places by fixed intervals
                if caps[mo] < cmax:
                    end = mo
                    while end + 1 < H and caps[end + 1] == caps[mo]:
                        end += 1
                    ivs.append(self.m.new_fixed_size_interval_var(mo, end - mo + 1, ""))
                    demands.append(cmax - caps[mo])
                    mo = end + 1
                else:
                    mo += 1
            if len(self.unit_intervals[u]) > min(caps):  # otherwise it can never bind
                self.m.add_cumulative(ivs, demands, cmax)
        # months at a wanted unit, summed over trainees, fit in the unit's place-months
        for u, items in self.pref_months.items():
            unit = self.cohort.units[u]
            lo = min(tv.td.lo for tv, _ in items)
            hi = max(tv.td.hi for tv, _ in items)
            budget = sum(unit.capacity_in(mo) for mo in range(lo, hi + 1))
            if sum(tv.td.trainee.total_months for tv, _ in items) > budget:
                self.m.add(cp_model.LinearExpr.sum([mv for _, mv in items]) <= budget)

    # -- objective ----------------------------------------------------------------------
    def objective_expr(self):
        return cp_model.LinearExpr.weighted_sum(self.obj_vars, self.obj_coefs) + self.obj_const

    def placed_expr(self):
        return cp_model.LinearExpr.sum([tv.a for tv in self.tvs])

    # -- hints and reading solutions ------------------------------------------------------
    def _runs(self, tv: TV, months: dict[int, int]) -> list[tuple[int, int, int]] | None:
        """(unit, first own-time position, last position) per placement, or None if not in the model."""
        pos = {mo: i for i, mo in enumerate(tv.avail)}
        runs: list[list[int]] = []
        for mo in sorted(months):
            if mo not in pos:
                return None
            i, u = pos[mo], months[mo]
            if runs and runs[-1][0] == u and runs[-1][2] == i - 1:
                runs[-1][2] = i
            else:
                runs.append([u, i, i])
        return [tuple(r) for r in runs]

    def _assign_slots(self, tv: TV, runs) -> dict[int, tuple[int, int, int]] | None:
        units = self.cohort.units
        by_cat: dict[str, list] = {}
        for r in runs:
            by_cat.setdefault(units[r[0]].category, []).append(r)
        out: dict[int, tuple[int, int, int]] = {}
        for c, rs in by_cat.items():
            idx = [k for k, sl in enumerate(tv.slots) if sl.category == c]
            if len(rs) > len(idx):
                return None
            roles = {tv.slots[k].role: k for k in idx}
            if "first" in roles and "last" in roles and len(rs) >= 2:
                order = [roles["first"]] + [k for k in idx if k not in (roles["first"], roles["last"])]
                chosen = order[: len(rs) - 1] + [roles["last"]]
            else:
                chosen = idx[: len(rs)]
            for k, r in zip(chosen, rs):
                if r[0] not in tv.slots[k].y:
                    return None
                out[k] = r
        return out

    def values_for(self, tv: TV, months: dict[int, int] | None) -> dict[Any, int] | None:
        """Values of ``tv``'s variables for a plan (month -> unit index), None if it does not fit."""
        t = tv.td.trainee
        vals: dict[Any, int] = {}
        placed = bool(months)
        assigned: dict[int, tuple[int, int, int]] = {}
        if placed:
            runs = self._runs(tv, months)
            if runs is None:
                return None
            assigned = self._assign_slots(tv, runs)
            if assigned is None:
                return None
        vals[tv.a] = int(placed)
        st = min(r[1] for r in assigned.values()) if placed else None
        end = max(r[2] for r in assigned.values()) if placed else None
        for k, sl in enumerate(tv.slots):
            r = assigned.get(k)
            vals[sl.p] = int(r is not None)
            vals[sl.s] = r[1] if r else 0
            vals[sl.e] = r[2] if r else 0
            vals[sl.length] = r[2] - r[1] + 1 if r else 0
            if sl.own_calendar:
                vals[sl.cs] = tv.avail[r[1]] if r else tv.avail[0]
                vals[sl.ce] = tv.avail[r[2]] if r else tv.avail[0]
                vals[sl.csize] = tv.avail[r[2]] - tv.avail[r[1]] + 1 if r else 0
            for u, y in sl.y.items():
                vals[y] = int(r is not None and r[0] == u)
            vals[sl.first] = int(r is not None and r[1] == st)
            vals[sl.last] = int(r is not None and r[2] == end)
        vals[tv.st] = st if placed else tv.st_default
        vals[tv.end] = end if placed else 0
        if not tv.identity:
            vals[tv.cend] = tv.avail[end] if placed else tv.avail[0]
        if tv.idle is not None:
            vals[tv.idle] = (end - st + 1 - t.total_months) if placed else 0
        if tv.late is not None:
            vals[tv.late] = max(0, tv.avail[end] - tv.td.earliest_end) if placed else 0
        for u, items in tv.months_at.items():
            for sl, mv in items:
                vals[mv] = vals[sl.length] if vals[sl.y[u]] else 0
        units = self.cohort.units
        for u, v in tv.short.items():
            got = sum(vals[mv] for _, mv in tv.months_at.get(u, []))
            vals[v] = max(0, t.preference_target(units[u].category) - got) if placed else 0
        if tv.fair is not None:
            n = sum(vals[y] for sl in tv.slots for u, y in sl.y.items() if units[u].unpopular)
            vals[tv.fair] = n * (n - 1) // 2
        return vals

    def add_hint(self, schedule: dict[str, dict[int, str]]) -> int:
        """Hint a plan; returns how many placed trainees could not be expressed (hinted unplaced)."""
        self.m.clear_hints()
        misses = 0
        for tv in self.tvs:
            plan = schedule.get(tv.td.id)
            months = {mo: self.unit_index[uid] for mo, uid in plan.items()} if plan else None
            vals = self.values_for(tv, months)
            if vals is None:
                misses += 1
                vals = self.values_for(tv, None)
            for var, val in vals.items():
                self.m.add_hint(var, val)
        return misses

    def read(self, solver: cp_model.CpSolver) -> dict[str, dict[int, str]]:
        out: dict[str, dict[int, str]] = {}
        units = self.cohort.units
        for tv in self.tvs:
            if not solver.boolean_value(tv.a):
                continue
            months: dict[int, str] = {}
            for sl in tv.slots:
                if not solver.boolean_value(sl.p):
                    continue
                u = next(u for u, y in sl.y.items() if solver.boolean_value(y))
                for i in range(solver.value(sl.s), solver.value(sl.e) + 1):
                    months[tv.avail[i]] = units[u].id
            out[tv.td.id] = months
        return out


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(
        self,
        phase: str,
        t0: float,
        progress: Callable[[dict], Any] | None,
        should_stop: Callable[[], bool] | None,
        gap_target: float = 0.02,
        lower: float | None = None,
    ):
        super().__init__()
        self.lower = lower
        self.phase, self.t0 = phase, t0
        self.progress, self.should_stop = progress, should_stop
        self.gap_target = gap_target
        self.first_time: float | None = None
        self.gap_time: float | None = None
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        now = time.perf_counter() - self.t0
        obj, bound = self.objective_value, self.best_objective_bound
        if self.lower is not None:
            bound = max(bound, self.lower)
        gap = (obj - bound) / max(1.0, abs(obj))
        if self.first_time is None:
            self.first_time = now
        if self.gap_time is None and gap <= self.gap_target:
            self.gap_time = now
        if self.progress is not None:
            self.progress({"phase": self.phase, "objective": obj, "bound": bound, "gap": gap, "seconds": round(now, 3)})
        if self.should_stop is not None and self.should_stop():
            self.stop_search()


STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.UNKNOWN: "unknown",
    cp_model.MODEL_INVALID: "invalid",
}


@dataclass
class RunResult:
    status: str
    schedule: dict[str, dict[int, str]] | None
    objective: float | None
    bound: float | None
    seconds: float
    first_solution_seconds: float | None = None
    gap_target_seconds: float | None = None
    solutions: int = 0
    stats: dict[str, Any] = field(default_factory=dict)


def run(
    model: Model,
    *,
    time_limit: float,
    options: Options,
    phase: str,
    t0: float,
    progress=None,
    should_stop=None,
    lower: float | None = None,
) -> RunResult:
    """Solve the model's current objective once."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = max(0.05, time_limit)
    p.num_workers = max(1, options.workers)
    p.random_seed = options.seed
    p.log_search_progress = options.log
    for k, v in (options.cp_params or {}).items():
        setattr(p, k, v)
    cb = _Callback(phase, t0, progress, should_stop, lower=lower)
    start = time.perf_counter()
    code = solver.solve(model.m, cb)
    seconds = time.perf_counter() - start
    status = STATUS.get(code, "unknown")
    if status == "invalid":
        raise RuntimeError(f"CP-SAT model invalid: {model.m.validate()}")
    schedule = model.read(solver) if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    return RunResult(
        status=status,
        schedule=schedule,
        objective=solver.objective_value if schedule is not None else None,
        bound=solver.best_objective_bound if code != cp_model.INFEASIBLE else None,
        seconds=seconds,
        first_solution_seconds=cb.first_time,
        gap_target_seconds=cb.gap_time,
        solutions=cb.solutions,
        stats={"branches": solver.num_branches, "conflicts": solver.num_conflicts},
    )


def plan_occupancy(avail: list[int], plan: dict[int, str], index: dict[str, int]) -> dict[tuple[int, int], int] | None:
    """(unit index, month) → places held by one trainee's plan (month → unit id), as the model's cumulative
    counts them: a placement keeps its place over the trainee's unavailable months inside it (calendar start
    to calendar end). `avail`: the trainee's available months in order; `index`: unit id → unit index. None
    when the plan has a month outside `avail` or a unit outside `index` (the model cannot express it)."""
    pos = {mo: i for i, mo in enumerate(avail)}
    runs: list[list[int]] = []
    for mo in sorted(plan):
        if mo not in pos or plan[mo] not in index:
            return None
        i, u = pos[mo], index[plan[mo]]
        if runs and runs[-1][0] == u and runs[-1][2] == i - 1:
            runs[-1][2] = i
        else:
            runs.append([u, i, i])
    occ: dict[tuple[int, int], int] = {}
    for u, s, e in runs:
        for mo in range(avail[s], avail[e] + 1):
            occ[(u, mo)] = occ.get((u, mo), 0) + 1
    return occ

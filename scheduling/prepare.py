"""Per-trainee planning data shared by the greedy baseline, the CP-SAT model and the explainer.

Planning limits (documented in the README, settable in :class:`Options`):

* ``max_delay``: a plan may end at most this many calendar months after the latest on-time
  end (latest start, no idle month). Keeps the month range of each trainee short; ``None``
  allows everything up to the horizon's end.
* ``candidates``: CP-SAT considers, per trainee and category, the trainee's preferred units
  plus ``candidates`` other units (chosen in rotation so that every unit is offered to about
  the same number of trainees) plus the units the greedy plan used. ``0`` = every unit.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from .model import INTRO, Cohort, Trainee
from .objective import Weights


@dataclass(frozen=True)
class Options:
    """Knobs of a planning run (all optional)."""

    time_limit: float = 60.0
    seed: int = 0
    workers: int = 2
    candidates: int = 4
    max_delay: int | None = 4
    allow_unassigned: bool = True
    weights: Weights | None = None
    #: Share of the time limit that the first phase (place as many as possible) may use when
    #: the greedy plan leaves someone out.
    phase1_share: float = 0.4
    log: bool = False
    #: cohorts with more plannable trainees than this use large-neighbourhood search only
    complete_search_up_to: int = 30
    #: share of the time limit for solving each trainee alone (its lower bound)
    standalone_share: float = 0.25
    #: with ``colgen_share`` > 0, cohorts with more than ``complete_search_up_to`` and at most
    #: ``colgen_up_to`` plannable trainees start with column generation (``colgen.py``) instead of
    #: the insertion: a bound that sees capacity and a plan from the integer master over the plans
    #: generated. It runs until ``colgen_share`` of the time limit has passed, the master for at
    #: most ``colgen_master_share`` of it. Off by default: at 60 s on a shared machine it leaves
    #: CP-SAT too little time (bench/RESULTS.md, "Issue 18 item 8")
    colgen_up_to: int = 300
    colgen_share: float = 0.0
    colgen_master_share: float = 0.25
    #: with column generation, the share of the time left after it for the reduced-cost search
    #: (``colgen.reduced_cost_search``): the full model restricted to plans cheaper than the best
    #: starting plan whose every trainee and priced unit-month is within the gap of the bound;
    #: infeasible proves that plan optimal, otherwise it gives a bound and perhaps a cheaper plan
    colgen_close_share: float = 0.0
    #: pricing models solved at once in column generation (threads, one CP-SAT worker each)
    colgen_threads: int = 1
    #: with ``lns_share`` > 0, cohorts with more than ``complete_search_up_to`` plannable trainees
    #: whose starting plan places everyone improve it first by our own fix-and-optimize search
    #: (``lns.py``: a neighbourhood of trainees re-solved exactly in the places the others leave)
    #: for that share of the time left, then CP-SAT on the full model (hinted with the result)
    #: for the rest; 1.0 leaves CP-SAT out. ``lns_workers``: CP-SAT workers per sub-model
    lns_share: float = 0.0
    lns_workers: int = 1
    #: the search also takes plans of equal cost (moves sideways on a plateau); ``lns_tiebreak``:
    #: ties between plans of equal cost broken at random in each sub-model
    lns_sideways: bool = True
    lns_tiebreak: bool = False
    #: extra CP-SAT parameters (name -> value), for experiments
    cp_params: dict | None = None

    def replace(self, **changes) -> Options:
        return replace(self, **changes)


@dataclass
class TraineeData:
    trainee: Trainee
    index: int
    starts: list[int] = field(default_factory=list)
    lo: int = 0
    hi: int = -1
    earliest_end: int | None = None
    #: category -> candidate unit indexes (into cohort.units)
    units: dict[str, list[int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.trainee.id

    @property
    def plannable(self) -> bool:
        return not self.problems

    def months(self) -> range:
        return range(self.lo, self.hi + 1)

    def available_months(self) -> list[int]:
        return [m for m in self.months() if m not in self.trainee.unavailable]


def _fmt_reqs(reqs: dict[str, int]) -> str:
    return ", ".join(f"{c} {m}" for c, m in reqs.items())


def trainee_problems(cohort: Cohort, t: Trainee) -> list[str]:
    """Why ``t`` cannot be planned whatever the others do (empty when nothing is wrong)."""
    out: list[str] = []
    H = cohort.months
    need = sum(t.requirements.values())
    if need > t.total_months:
        out.append(
            f"{t.id}: the required months ({_fmt_reqs(t.requirements)}) add up to {need} "
            f"but the plan is {t.total_months} months"
        )
    by_cat = cohort.units_by_category
    caps = [t.caps.get(c) for c in t.categories]
    if caps and all(c is not None for c in caps) and sum(caps) < t.total_months:
        detail = ", ".join(f"{c} ≤ {t.caps[c]}" for c in t.categories)
        out.append(
            f"{t.id}: programme {t.programme} allows at most {sum(caps)} months ({detail}) "
            f"but the plan is {t.total_months} months"
        )
    else:
        open_cats = [c for c in t.categories if any(_has_places(u) for u in by_cat.get(c, ()))]
        missing = [c for c in t.categories if c not in open_cats and c not in t.requirements]
        room = [t.caps.get(c) for c in open_cats]
        if missing and all(r is not None for r in room) and sum(room) < t.total_months:
            out.append(
                f"{t.id}: the {t.total_months}-month plan needs months of {' or '.join(missing)} "
                f"(the other categories allow at most {sum(room)} months in programme {t.programme}) "
                f"but the cohort has no {' or '.join(missing)} unit with places"
            )
    for c, m in t.requirements.items():
        if not any(_has_places(u) for u in by_cat.get(c, ())):
            out.append(f"{t.id}: needs {m} months of {c} but the cohort has no {c} unit with places")
    for what, c in (("start", t.first_category), ("end", t.last_category)):
        if c and c not in t.categories:
            out.append(
                f"{t.id}: programme {t.programme} must {what} in {c} but the plan's categories "
                f"({', '.join(t.categories)}) do not include it"
            )
        elif c and c not in t.requirements and not by_cat.get(c):
            out.append(f"{t.id}: programme {t.programme} must {what} in {c} but the cohort has no {c} unit")
    first = t.first_available(t.earliest_start, H)
    if first is None or t.months_needed_from(first, H) is None:
        leave = sum(1 for m in t.unavailable if m >= t.earliest_start)
        extra = f" ({leave} of the months after it unavailable)" if leave else ""
        out.append(
            f"{t.id}: needs {t.total_months} months of service from {cohort.label(t.earliest_start)}"
            f"{extra} but the horizon ends {cohort.label(H - 1)}"
        )
    elif not any(t.available(s) for s in range(t.earliest_start, t.latest_start + 1)):
        out.append(
            f"{t.id}: unavailable in every month of the start window "
            f"{cohort.span_label(t.earliest_start, t.latest_start)}"
        )
    return out


def _has_places(unit) -> bool:
    return unit.capacity > 0 or any(unit.capacity_by_month.values())


def prepare(cohort: Cohort, options: Options) -> list[TraineeData]:
    """Planning data for every trainee (in cohort order)."""
    H = cohort.months
    out: list[TraineeData] = []
    for i, t in enumerate(cohort.trainees):
        td = TraineeData(trainee=t, index=i, problems=trainee_problems(cohort, t))
        td.starts = [
            s
            for s in range(t.earliest_start, t.latest_start + 1)
            if t.available(s) and t.months_needed_from(s, H) is not None
        ]
        td.earliest_end = t.earliest_end(H)
        if td.problems or not td.starts:
            td.problems = td.problems or [f"{t.id}: no start month in the window fits the horizon"]
            out.append(td)
            continue
        td.lo = td.starts[0]
        on_time = t.months_needed_from(td.starts[-1], H)
        td.hi = H - 1 if options.max_delay is None else min(H - 1, on_time + options.max_delay)
        out.append(td)
    _choose_candidates(cohort, out, options)
    return out


def _choose_candidates(cohort: Cohort, data: list[TraineeData], options: Options) -> None:
    """Candidate units per trainee and category (see the module docstring)."""
    index = {u.id: i for i, u in enumerate(cohort.units)}
    by_cat = {c: [index[u.id] for u in us] for c, us in cohort.units_by_category.items()}
    rng = random.Random(options.seed)
    offsets = {c: rng.randrange(len(us)) for c, us in sorted(by_cat.items())}
    ranked = sorted(
        (td for td in data if td.plannable),
        key=lambda td: (td.trainee.earliest_start, td.trainee.latest_start, td.index),
    )
    k = options.candidates
    for rank, td in enumerate(ranked):
        t = td.trainee
        wanted = {p.unit: p.weight for p in t.preferences}
        for c in t.categories:
            pool = [u for u in by_cat.get(c, ()) if _has_capacity(cohort.units[u], td.lo, td.hi)]
            if not pool:
                continue
            if k <= 0 or len(pool) <= k + sum(1 for u in pool if wanted.get(cohort.units[u].id, 0) > 0):
                td.units[c] = pool
                continue
            chosen = [u for u in pool if wanted.get(cohort.units[u].id, 0) > 0]
            chosen.sort(key=lambda u: -wanted[cohort.units[u].id])
            rest = [u for u in pool if u not in chosen]
            # avoid units the trainee asked to avoid unless nothing else is left
            rest.sort(key=lambda u: wanted.get(cohort.units[u].id, 0) < 0)
            n_ok = sum(1 for u in rest if wanted.get(cohort.units[u].id, 0) >= 0) or len(rest)
            start = (rank * k + offsets[c]) % n_ok
            picked = [rest[(start + j) % n_ok] for j in range(min(k, n_ok))]
            td.units[c] = sorted(set(chosen) | set(picked))


def _has_capacity(unit, lo: int, hi: int) -> bool:
    return any(unit.capacity_in(m) > 0 for m in range(lo, hi + 1))


def block_plan(cohort: Cohort, t: Trainee) -> list[tuple[str, int]]:
    """Months per category for a simple plan: requirements, then the programme's template
    defaults (``Programme.default_months``), then any category with room — in template order.

    Used by the greedy baseline; CP-SAT chooses freely within the requirements and caps.
    """
    import math

    import rules

    prog = rules.load_programme(t.programme)
    order: list[str] = []
    for s in prog.slots:
        if s.category not in order and s.category in t.categories:
            order.append(s.category)
    order += [c for c in t.categories if c not in order]
    if INTRO in order:  # an introduction is always the first block
        order.remove(INTRO)
        order.insert(0, INTRO)
    has_units = {c for c, us in cohort.units_by_category.items() if any(_has_places(u) for u in us)}
    months = {c: t.requirements.get(c, 0) for c in order}
    extra = t.total_months - sum(months.values())
    defaults = {c: math.ceil(v) for c, v in prog.default_months().items()}

    def room(c: str) -> float:
        cap = t.caps.get(c)
        return math.inf if cap is None else cap - months[c]

    for c in order:
        if extra <= 0:
            break
        if c not in has_units:
            continue
        add = int(min(extra, max(0, defaults.get(c, 0) - months[c]), room(c)))
        months[c] += add
        extra -= add
    for c in order:
        if extra <= 0:
            break
        if c not in has_units or months[c] == 0:
            continue
        add = int(min(extra, room(c)))
        months[c] += add
        extra -= add
    for c in order:
        if extra <= 0:
            break
        if c not in has_units:
            continue
        add = int(min(extra, room(c)))
        months[c] += add
        extra -= add
    return [(c, months[c]) for c in order if months[c] > 0]


def minimal_block_plan(cohort: Cohort, t: Trainee) -> list[tuple[str, int]]:
    """Months per category for a plan with the fewest placements: the requirements, the rest
    spread one month at a time over the required categories up to their caps, then over as
    few other categories as possible (largest cap first). Template order as in ``block_plan``."""
    import math

    template = [c for c, _ in block_plan(cohort, t)]
    order = template + [c for c in t.categories if c not in template]
    has_units = {c for c, us in cohort.units_by_category.items() if any(_has_places(u) for u in us)}
    months = {c: t.requirements.get(c, 0) for c in order}
    extra = t.total_months - sum(months.values())

    def room(c: str) -> float:
        cap = t.caps.get(c)
        return math.inf if cap is None else cap - months[c]

    groups = [[c for c in order if c in t.requirements]]
    fillers = sorted((c for c in order if c not in t.requirements and c in has_units), key=lambda c: -room(c))
    groups += [[c] for c in fillers]
    used: list[str] = []
    for group in groups:
        used += group
        while extra > 0:
            open_ = [c for c in used if room(c) > 0 and c in has_units]
            if not open_:
                break
            for c in open_:
                if extra <= 0:
                    break
                months[c] += 1
                extra -= 1
        if extra <= 0:
            break
    return [(c, months[c]) for c in order if months[c] > 0]


def min_placements(t: Trainee) -> tuple[int, int]:
    """(fewest placements any plan of ``t`` has, how many of them are in non-required categories).

    One per required category, plus the fewest other categories whose caps fill the total,
    plus one when the programme starts and ends in the same category and the plan has more
    than one category (that category is then visited twice).
    """
    import math

    required = list(t.requirements)
    room = sum(math.inf if t.caps.get(c) is None else t.caps[c] for c in required)
    fillers = sorted(
        (c for c in t.categories if c not in t.requirements),
        key=lambda c: -(math.inf if t.caps.get(c) is None else t.caps[c]),
    )
    n_fill = 0
    for c in fillers:
        if room >= t.total_months:
            break
        room += math.inf if t.caps.get(c) is None else t.caps[c]
        n_fill += 1
    runs = len(required) + n_fill
    main = len([c for c in required if c != INTRO]) + n_fill - (INTRO in fillers[:n_fill])
    if t.first_category and t.first_category == t.last_category and main >= 2:
        runs += 1
    return runs, n_fill


def standalone_bound(t: Trainee, weights: Weights) -> int:
    """A lower bound on ``t``'s own soft cost in any plan (whatever the others do).

    moves >= fewest placements - 1; and each positive preference beyond the one per category
    that the fewest placements can serve costs at least min(its full shortfall, one move):
    being at that unit at all needs one more placement.
    """
    runs, n_fill = min_placements(t)
    bound = weights.moves * (runs - 1)
    per_cat: dict[str, list[int]] = {}
    for p in t.preferences:
        c = t.preference_categories.get(p.unit)
        if p.weight > 0 and c is not None:
            per_cat.setdefault(c, []).append(weights.preference * p.weight * t.preference_target(c))
    fill_tops = []
    for c, full in per_cat.items():
        full.sort(reverse=True)
        limit = t.max_placements(c)  # at most this many units of c can be used at all
        bound += sum(full[limit:])
        chosen = [min(v, weights.moves) for v in full[:limit]]
        if c in t.requirements:
            free = 2 if (t.first_category == c == t.last_category and runs > 1) else 1
            bound += sum(chosen[free:])
        else:
            bound += sum(chosen[1:])
            fill_tops.append(chosen[0])
    fill_tops.sort(reverse=True)
    bound += sum(fill_tops[n_fill:])
    return bound

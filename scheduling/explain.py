"""Why a cohort (or a trainee) cannot be planned, in people's words.

Three kinds of reasons:

1. a trainee's own data (``prepare.trainee_problems``): requirements longer than the plan,
   the programme's category ranges too short for it, a window that does not fit the horizon;
2. capacity conflicts, found by counting: for a category and a period, the months that the
   trainees *must* spend in that category within the period (because they cannot do them
   outside it, given their windows, unavailable months and ``max_delay``) exceed the
   category's places in that period. Such a conflict proves that not everyone can be placed:
   "akut capacity in 2027-03..2027-05 is 12 place-months (4 places a month) but 6 trainees
   (t1, …) need at least 18 months of akut in that period";
3. for a trainee left out of a particular plan: which category had no room for it.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Cohort
from .prepare import Options, TraineeData, prepare

ALL = "*"  # pseudo category: every unit


def names(ids: Iterable[str], limit: int = 6) -> str:
    ids = list(ids)
    if len(ids) <= limit:
        return ", ".join(ids)
    return ", ".join(ids[:limit]) + f" and {len(ids) - limit} more"


def explain_infeasible(
    cohort: Cohort, options: Options | None = None, data: list[TraineeData] | None = None
) -> list[str]:
    """Every reason found why not all trainees can be placed (empty if none is found).

    With default options plans may run to the horizon's end (``max_delay=None``); pass the
    solver's options to explain within the same planning limits.
    """
    options = options or Options(max_delay=None)
    data = data if data is not None else prepare(cohort, options)
    out = [p for td in data for p in td.problems]
    out += capacity_conflicts(cohort, data)
    return out


def _places_a_month(caps: list[int]) -> str:
    lo, hi = min(caps), max(caps)
    if lo == hi:
        return f"{lo} place{'s' if lo != 1 else ''} a month"
    return f"{lo}–{hi} places a month"


def capacity_conflicts(cohort: Cohort, data: list[TraineeData], per_category: int = 3) -> list[str]:
    """Periods where a category's places cannot cover the months trainees must spend there."""
    H = cohort.months
    plannable = [td for td in data if td.plannable]
    # prefix counts of each trainee's available months within its range
    prefix: dict[int, list[int]] = {}
    for td in plannable:
        p = [0] * (H + 1)  # p[m + 1] = available months in [lo, m]
        for m in range(H):
            p[m + 1] = p[m] + (1 if td.lo <= m <= td.hi and m not in td.trainee.unavailable else 0)
        prefix[td.index] = p
    categories = sorted({c for td in plannable for c in td.trainee.requirements})
    out: list[str] = []
    for cat in categories + [ALL]:
        units = cohort.units if cat == ALL else cohort.units_by_category.get(cat, ())
        per_month = [sum(u.capacity_in(m) for u in units) for m in range(H)]
        supply = [0] * (H + 1)
        for m in range(H):
            supply[m + 1] = supply[m] + per_month[m]
        need = [
            (td, td.trainee.total_months if cat == ALL else td.trainee.requirements.get(cat, 0)) for td in plannable
        ]
        need = [(td, n, prefix[td.index]) for td, n in need if n > 0]
        if not need:
            continue
        found = []
        for a in range(H):
            # only trainees whose range overlaps the window's start can be forced into it
            for b in range(a, H):
                cap = supply[b + 1] - supply[a]
                demand = 0
                who = []
                for td, n, p in need:
                    outside = p[H] - (p[b + 1] - p[a])
                    d = n - outside
                    if d > 0:
                        demand += d
                        who.append(td.id)
                if demand > cap:
                    found.append((demand - cap, -(b - a), a, b, demand, cap, who))
        found.sort(key=lambda f: (-f[0], -f[1], f[2]))
        chosen: list[tuple] = []
        for f in found:
            if len(chosen) >= per_category:
                break
            if any(not (f[3] < g[2] or f[2] > g[3]) for g in chosen):
                continue
            chosen.append(f)
        for _, _, a, b, demand, cap, who in sorted(chosen, key=lambda f: f[2]):
            what = "total capacity (all units)" if cat == ALL else f"{cat} capacity"
            months_of = "months of placement" if cat == ALL else f"months of {cat}"
            out.append(
                f"{what} in {cohort.span_label(a, b)} is {cap} place-months "
                f"({_places_a_month(per_month[a : b + 1])}) but {len(who)} trainee"
                f"{'s' if len(who) != 1 else ''} ({names(who)}) need at least {demand} "
                f"{months_of} in that period"
            )
    return out


def unplaced_reasons(
    cohort: Cohort, data: list[TraineeData], schedule: dict[str, dict[int, str]], unassigned: Iterable[str]
) -> list[str]:
    """For trainees a plan left out: which category had no room in the months they could use."""
    H = cohort.months
    free = [[u.capacity_in(m) for m in range(H)] for u in cohort.units]
    index = {u.id: i for i, u in enumerate(cohort.units)}
    for months in schedule.values():
        for m, uid in months.items():
            free[index[uid]][m] -= 1
    by_id = {td.id: td for td in data}
    out = []
    for tid in unassigned:
        td = by_id[tid]
        if not td.plannable:
            continue  # already explained by its own problems
        t = td.trainee
        span = cohort.span_label(td.lo, td.hi)
        blocked = []
        for cat, k in t.requirements.items():
            if not _room(cohort, td, free, index, cat, k):
                blocked.append(f"no {cat} unit has {k} free month{'s' if k != 1 else ''} in a row")
        if blocked:
            out.append(f"{tid} was not placed: {'; '.join(blocked)} in {span} (the months {tid}'s plan can use)")
        else:
            out.append(
                f"{tid} was not placed: each required category has room on its own in {span}, "
                f"but not in an order and at a start ({cohort.span_label(t.earliest_start, t.latest_start)}) "
                f"that fit the programme {t.programme} and the {t.total_months}-month plan"
            )
    return out


def _room(cohort, td: TraineeData, free, index, cat: str, k: int) -> bool:
    avail = [m for m in range(td.lo, td.hi + 1) if m not in td.trainee.unavailable]
    for u in cohort.units_by_category.get(cat, ()):
        row = free[index[u.id]]
        run = 0
        for m in avail:
            run = run + 1 if row[m] > 0 else 0
            if run >= k:
                return True
    return False

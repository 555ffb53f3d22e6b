"""First-fit baseline: trainees in start order, each placed at the first start, unit and month
that fit, one block per category (split in two when the programme starts and ends in it).

It is here to compare with CP-SAT and to give CP-SAT a feasible starting point (a hint).
It never moves a trainee once placed, so it can leave trainees out where a plan exists.
"""

from __future__ import annotations

from itertools import permutations

from .model import INTRO, Cohort
from .prepare import Options, TraineeData, block_plan

MAX_SEQUENCES = 24


def greedy_schedule(cohort: Cohort, data: list[TraineeData], options: Options) -> dict[str, dict[int, str]]:
    """trainee id -> {month index: unit id} for every trainee it could place."""
    H = cohort.months
    free = [[u.capacity_in(m) for m in range(H)] for u in cohort.units]
    index = {u.id: i for i, u in enumerate(cohort.units)}
    all_by_cat = {c: [index[u.id] for u in us] for c, us in cohort.units_by_category.items()}
    out: dict[str, dict[int, str]] = {}
    order = sorted(
        (td for td in data if td.plannable),
        key=lambda td: (td.trainee.earliest_start, td.trainee.latest_start, td.index),
    )
    for td in order:
        found = _place(cohort, td, free, all_by_cat)
        if found is None:
            continue
        plan, held = found
        for u, m in held:
            free[u][m] -= 1
        out[td.id] = {m: cohort.units[u].id for m, u in plan.items()}
    return out


def _sequences(cohort: Cohort, td: TraineeData, blocks=None) -> list[list[tuple[str, int]]]:
    t = td.trainee
    blocks = block_plan(cohort, t) if blocks is None else blocks
    if sum(k for _, k in blocks) != t.total_months:
        return []  # the categories with places cannot make up the plan's length
    months = dict(blocks)
    intro = [(INTRO, months.pop(INTRO))] if INTRO in months else []
    first, last = t.first_category, t.last_category
    if (first and first not in months) or (last and last not in months):
        return []  # the order rules need a category the block plan could not give months to
    head: list[tuple[str, int]] = []
    tail: list[tuple[str, int]] = []
    if first and first == last and first in months:
        m = months.pop(first)
        others = list(months)
        if others and m < 2:
            # borrow a month from a category above its requirement
            donor = next((c for c in others if months[c] > t.requirements.get(c, 0)), None)
            if donor is None:
                return []
            months[donor] -= 1
            if months[donor] == 0:
                del months[donor]
            m += 1
        if months:
            head, tail = [(first, (m + 1) // 2)], [(first, m // 2)]
        else:
            head = [(first, m)]
    else:
        if first and first in months:
            head = [(first, months.pop(first))]
        if last and last in months:
            tail = [(last, months.pop(last))]
    middle = list(months.items())
    seqs = []
    for perm in permutations(middle):
        seqs.append(intro + head + list(perm) + tail)
        if len(seqs) >= MAX_SEQUENCES:
            break
    return seqs


def _unit_order(cohort: Cohort, td: TraineeData, units: list[int]) -> list[int]:
    wanted = {p.unit: p.weight for p in td.trainee.preferences}
    # preferred units first (highest weight), units to avoid last, otherwise input order
    return sorted(units, key=lambda u: -wanted.get(cohort.units[u].id, 0))


def _place(cohort, td: TraineeData, free, all_by_cat):
    t = td.trainee
    seqs = _sequences(cohort, td)
    orders = {c: _unit_order(cohort, td, all_by_cat.get(c, [])) for c in t.categories}
    for s in td.starts:
        for seq in seqs:
            plan = _try(td, seq, s, free, orders)
            if plan is not None:
                return plan
    return None


def _run(td: TraineeData, m: int, k: int) -> list[int] | None:
    """The next ``k`` available months from ``m`` (within the trainee's range), or None."""
    out = []
    unavailable = td.trainee.unavailable
    while len(out) < k:
        if m > td.hi:
            return None
        if m not in unavailable:
            out.append(m)
        m += 1
    return out


def _try(td: TraineeData, seq, s: int, free, orders):
    """(month -> unit, [(unit, month) places held]) or None. A placement holds its place in the
    trainee's unavailable months inside it too (as the CP-SAT model does)."""
    plan: dict[int, int] = {}
    held: list[tuple[int, int]] = []
    cur = s
    for i, (cat, k) in enumerate(seq):
        starts = [cur] if i == 0 else range(cur, td.hi + 1)
        placed = False
        for m in starts:
            if m in td.trainee.unavailable:
                continue
            months = _run(td, m, k)
            if months is None:
                break
            span = range(months[0], months[-1] + 1)
            for u in orders[cat]:
                row = free[u]
                if all(row[x] > 0 for x in span):
                    for x in months:
                        plan[x] = u
                    held += [(u, x) for x in span]
                    cur = months[-1] + 1
                    placed = True
                    break
            if placed:
                break
        if not placed:
            return None
    return plan, held

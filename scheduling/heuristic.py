"""Best-fit construction: a good starting plan (hint) for CP-SAT.

Construction: trainees in start order; for each, every start month, category order and block
shape (the template's months, or the fewest placements) is tried, each placement on the unit
that costs least for this trainee (wished-for units first, units wanted by trainees not yet
placed last, a second unpopular unit only when nothing else fits), and the plan with the
lowest own cost is kept (:func:`scheduling.objective.trainee_terms` — the objective is a sum
of per-trainee costs, coupled only through capacity).

The greedy baseline (``greedy.py``) stays first-fit for the comparison the benchmark reports.
"""

from __future__ import annotations

import time

from .greedy import _run, _sequences
from .model import Cohort
from .objective import Weights, trainee_terms
from .prepare import TraineeData, minimal_block_plan


class Builder:
    def __init__(self, cohort: Cohort, data: list[TraineeData], weights: Weights):
        self.cohort, self.weights = cohort, weights
        H = cohort.months
        self.units = cohort.units
        self.free = [[u.capacity_in(m) for m in range(H)] for u in self.units]
        self.index = {u.id: i for i, u in enumerate(self.units)}
        self.by_cat = {c: [self.index[u.id] for u in us] for c, us in cohort.units_by_category.items()}
        self.pressure = [0] * len(self.units)
        self.plans: dict[str, tuple[float, dict[int, int], list[tuple[int, int]]]] = {}
        self.seqs: dict[str, list] = {}
        self.data = {td.id: td for td in data if td.plannable}

    # -- one trainee ----------------------------------------------------------------------
    def sequences(self, td: TraineeData):
        if td.id not in self.seqs:
            t = td.trainee
            self.seqs[td.id] = _sequences(self.cohort, td, minimal_block_plan(self.cohort, t)) + _sequences(
                self.cohort, td
            )
        return self.seqs[td.id]

    def cost(self, td: TraineeData, plan: dict[int, int]) -> int:
        months = {m: self.units[u].id for m, u in plan.items()}
        terms = trainee_terms(self.cohort, td.trainee, months)
        return sum(getattr(self.weights, k) * v for k, v in terms.items())

    def best(self, td: TraineeData):
        wanted = {self.index[p.unit]: p.weight for p in td.trainee.preferences}
        best = None
        for s in td.starts:
            for seq in self.sequences(td):
                found = self._try(td, seq, s, wanted)
                if found is None:
                    continue
                c = self.cost(td, found[0])
                if best is None or c < best[0]:
                    best = (c, *found)
            if best is not None and best[0] == 0:
                break
        return best

    def apply(self, td: TraineeData, option) -> None:
        for u, m in option[2]:
            self.free[u][m] -= 1
        self.plans[td.id] = option

    def _try(self, td: TraineeData, seq, s: int, wanted):
        plan: dict[int, int] = {}
        held: list[tuple[int, int]] = []
        cur, unpopular_used = s, 0
        free, units, pressure = self.free, self.units, self.pressure
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
                fits = [u for u in self.by_cat.get(cat, []) if all(free[u][x] > 0 for x in span)]
                if fits:
                    u = min(
                        fits,
                        key=lambda u: (
                            -wanted.get(u, 0),
                            units[u].unpopular and unpopular_used > 0,
                            pressure[u],
                            -min(free[u][x] for x in span),
                        ),
                    )
                    unpopular_used += units[u].unpopular
                    for x in months:
                        plan[x] = u
                    held += [(u, x) for x in span]
                    cur = months[-1] + 1
                    placed = True
                    break
            if not placed:
                return None
        return plan, held


def best_fit_schedule(
    cohort: Cohort, data: list[TraineeData], weights: Weights, time_budget: float = 30.0
) -> dict[str, dict[int, str]]:
    started = time.perf_counter()
    b = Builder(cohort, data, weights)
    order = sorted(b.data.values(), key=lambda td: (td.trainee.earliest_start, td.trainee.latest_start, td.index))
    for td in order:
        for p in td.trainee.preferences:
            if p.weight > 0:
                b.pressure[b.index[p.unit]] += p.weight
    for td in order:
        for p in td.trainee.preferences:
            if p.weight > 0:
                b.pressure[b.index[p.unit]] -= p.weight
        if time.perf_counter() - started > time_budget:
            break
        option = b.best(td)
        if option is not None:
            b.apply(td, option)
    return {tid: {m: cohort.units[u].id for m, u in opt[1].items()} for tid, opt in b.plans.items()}

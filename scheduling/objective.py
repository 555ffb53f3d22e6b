"""The objective: one pure-Python evaluator shared by the greedy baseline and CP-SAT.

Every term is a non-negative whole number and 0 is ideal. For each *placed* trainee:

* ``preference`` — for each preference (unit u, weight w): if w > 0, ``w`` points for every
  month short of ``target`` months at u, where ``target`` is the trainee's requirement in
  u's category (the programme template's default months for a category without a
  requirement, at least 1); if w < 0, ``|w|`` points for every month at u. (Months, not
  "placed there or not": a one-month stint does not satisfy a wish for the akut placement,
  and the linear form keeps CP-SAT's bound tight.)
* ``moves`` — placements - 1, where a placement is a run of months at one unit; the run goes
  on across the trainee's unavailable months but not across an idle month (so a plan with
  akut, primärvård and psykiatri has at least 2 moves);
* ``idle`` — months inside the plan (first to last month) that are neither worked nor
  unavailable;
* ``late`` — months between the plan's last month and the earliest possible one (starting at
  ``earliest_start`` and working every available month); starting later counts here too;
* ``fairness`` — with P = the trainee's placements at units marked ``unpopular``:
  P·(P-1)/2, so a first unpopular placement is free, a second costs 1, a third 2 more… —
  unpopular placements are spread before anyone gets two.

Plus ``unassigned`` — trainees that got no plan at all. The objective is
``sum(weight[term] * term)``; the solver treats ``unassigned`` lexicographically first
(place as many trainees as possible, then minimise the rest), and the default weight keeps
the sum consistent with that order in practice.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .model import Cohort, Trainee
    from .solution import Solution

WEIGHT_NAMES: tuple[str, ...] = ("preference", "moves", "idle", "late", "fairness", "unassigned")


@dataclass(frozen=True)
class Weights:
    """Weight of each soft term (whole numbers >= 0)."""

    preference: int = 2
    moves: int = 5
    idle: int = 5
    late: int = 3
    fairness: int = 5
    unassigned: int = 1000

    def replace(self, **changes: int) -> Weights:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Score:
    total: int
    terms: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "terms": dict(self.terms)}


def trainee_terms(cohort: Cohort, trainee: Trainee, months: dict[int, str]) -> dict[str, int]:
    """Unweighted terms for one placed trainee; ``months`` maps month index -> unit id."""
    units = cohort.unit_by_id
    worked = sorted(months)
    first, last = worked[0], worked[-1]
    # Placements: a new one starts when the unit differs from the unit in the previous
    # available month (unavailable months do not break a run; idle months do).
    runs = unpopular_runs = 0
    for m in worked:
        prev = m - 1
        while prev >= 0 and prev in trainee.unavailable:
            prev -= 1
        if prev < 0 or months.get(prev) != months[m]:
            runs += 1
            unpopular_runs += units[months[m]].unpopular
    available_in_span = sum(1 for m in range(first, last + 1) if m not in trainee.unavailable)
    earliest_end = trainee.earliest_end(cohort.months)
    at: dict[str, int] = {}
    for uid in months.values():
        at[uid] = at.get(uid, 0) + 1
    pref = 0
    for p in trainee.preferences:
        n = at.get(p.unit, 0)
        if p.weight > 0:
            pref += p.weight * max(0, trainee.preference_target(units[p.unit].category) - n)
        else:
            pref += -p.weight * n
    return {
        "preference": pref,
        "moves": runs - 1,
        "idle": available_in_span - len(worked),
        "late": max(0, last - earliest_end) if earliest_end is not None else 0,
        "fairness": unpopular_runs * (unpopular_runs - 1) // 2,
    }


def evaluate(cohort: Cohort, solution: Solution, weights: Weights | None = None) -> Score:
    """The objective of ``solution`` (its assignments) for ``cohort``; the same for every method."""
    weights = weights or cohort.weights
    schedule = solution.schedule()
    terms = dict.fromkeys(WEIGHT_NAMES, 0)
    for t in cohort.trainees:
        months = schedule.get(t.id)
        if not months:
            terms["unassigned"] += 1
            continue
        for k, v in trainee_terms(cohort, t, months).items():
            terms[k] += v
    total = sum(getattr(weights, k) * v for k, v in terms.items())
    return Score(total=total, terms=terms)

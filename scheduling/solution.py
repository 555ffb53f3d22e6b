"""A plan for a cohort: assignments (runs of whole months at one unit) and the solve's outcome.

``Solution.to_dict()`` is the JSON written by ``manage.py plan_cohort``::

    {"status": "optimal|feasible|infeasible|unknown", "method": "cpsat|greedy",
     "objective": 123, "bound": 118.0, "gap": 0.0407, "seconds": 4.2,
     "assignments": [{"trainee": "t1", "unit": "akut-sus", "category": "akut",
                      "start": "2027-01", "months": 3}],
     "unassigned": ["t7"], "explanation": ["..."], "terms": {"preference": 3, ...},
     "stats": {...}}

* ``status``: ``optimal`` — every trainee placed and the objective proven optimal (within the
  planning limits: candidate units, ``max_delay``); ``feasible`` — every trainee placed, not
  proven optimal; ``infeasible`` — it is proven that not every trainee can be placed (the
  plan then places as many as it could and ``explanation`` says why); ``unknown`` — some
  trainees are unplaced but no proof was found that they cannot be (time ran out).
* ``gap`` = (objective - bound) / max(1, |objective|) as a fraction (0.02 = 2 %); ``bound``
  and ``gap`` are ``null`` for the greedy method, which proves nothing.
* An assignment covers consecutive calendar months, all worked; a placement that continues
  at the same unit after an unavailable month is written as two assignments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .model import month_index, month_label

if TYPE_CHECKING:  # pragma: no cover
    from .model import Cohort

STATUSES = ("optimal", "feasible", "infeasible", "unknown")


@dataclass(frozen=True)
class Assignment:
    trainee: str
    unit: str
    category: str
    start: int  # month index from the horizon start
    months: int

    @property
    def end(self) -> int:
        return self.start + self.months - 1


@dataclass
class Solution:
    status: str
    method: str
    horizon_start: tuple[int, int]
    assignments: list[Assignment] = field(default_factory=list)
    unassigned: list[str] = field(default_factory=list)
    objective: int | None = None
    bound: float | None = None
    gap: float | None = None
    seconds: float = 0.0
    explanation: list[str] = field(default_factory=list)
    terms: dict[str, int] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def placed(self) -> list[str]:
        seen: dict[str, None] = {}
        for a in self.assignments:
            seen.setdefault(a.trainee)
        return list(seen)

    def schedule(self) -> dict[str, dict[int, str]]:
        """trainee id -> {month index: unit id} (later assignments win on overlaps)."""
        out: dict[str, dict[int, str]] = {}
        for a in self.assignments:
            months = out.setdefault(a.trainee, {})
            for m in range(a.start, a.start + a.months):
                months[m] = a.unit
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "method": self.method,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "seconds": round(self.seconds, 3),
            "assignments": [
                {
                    "trainee": a.trainee,
                    "unit": a.unit,
                    "category": a.category,
                    "start": month_label(self.horizon_start, a.start),
                    "months": a.months,
                }
                for a in self.assignments
            ],
            "unassigned": list(self.unassigned),
            "explanation": list(self.explanation),
            "terms": dict(self.terms),
            "stats": dict(self.stats),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], cohort: Cohort) -> Solution:
        """Read a plan written by :meth:`to_dict` (for checking plans made elsewhere)."""
        assignments = [
            Assignment(
                trainee=a["trainee"],
                unit=a["unit"],
                category=a["category"],
                start=month_index(cohort.start, a["start"]),
                months=int(a["months"]),
            )
            for a in d.get("assignments", [])
        ]
        return cls(
            status=d.get("status", "unknown"),
            method=d.get("method", "unknown"),
            horizon_start=cohort.start,
            assignments=assignments,
            unassigned=list(d.get("unassigned", [])),
            objective=d.get("objective"),
            bound=d.get("bound"),
            gap=d.get("gap"),
            seconds=float(d.get("seconds") or 0),
            explanation=list(d.get("explanation", [])),
            terms=dict(d.get("terms", {})),
            stats=dict(d.get("stats", {})),
        )


def assignments_from_schedule(cohort: Cohort, schedule: dict[str, dict[int, str]]) -> list[Assignment]:
    """Cut each trainee's month -> unit map into runs of consecutive months at one unit."""
    out: list[Assignment] = []
    units = cohort.unit_by_id
    for t in cohort.trainees:
        months = schedule.get(t.id)
        if not months:
            continue
        run_start = prev = None
        unit = None
        for m in sorted(months):
            if run_start is not None and m == prev + 1 and months[m] == unit:
                prev = m
                continue
            if run_start is not None:
                out.append(Assignment(t.id, unit, units[unit].category, run_start, prev - run_start + 1))
            run_start = prev = m
            unit = months[m]
        out.append(Assignment(t.id, unit, units[unit].category, run_start, prev - run_start + 1))
    return out

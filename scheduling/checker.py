"""An independent check of a plan against every hard constraint.

It does not use the CP-SAT model or the greedy code: it reads the assignments and asks the
cohort data and the rules module. Used by the tests (every returned plan must pass) and
useful on plans edited by hand. Returns one readable string per violation (empty = valid).

Checked: known trainee/unit, category = the unit's, whole months inside the horizon, unit
capacity per month, no two assignments of a trainee overlapping, no assignment in an
unavailable month, start within the window, total months, months per category within
[requirement, cap] and only categories the plan may use; then the plan is converted into a
``rules.Plan`` (one placement per assignment, whole calendar months) and every *error*
finding of ``rules.check_plan`` is reported (order first/last, introduction first, overlaps,
minimums) — except the amount findings that an input override deliberately replaces.
"""

from __future__ import annotations

from collections import defaultdict

import rules

from .model import Cohort, first_day, last_day, month_label
from .solution import Solution

#: rules findings about amounts, replaced by an override in the input (requirements / total_months)
CATEGORY_AMOUNT_CODES = {
    "MISSING_EMERGENCY_CARE",
    "EMERGENCY_CARE_TOO_SHORT",
    "MISSING_PRIMARY_CARE",
    "PRIMARY_CARE_TOO_SHORT",
    "CATEGORY_TOO_SHORT",
}
TOTAL_AMOUNT_CODES = {"PLAN_TOO_SHORT"}


def check(cohort: Cohort, solution: Solution) -> list[str]:
    """Every hard-constraint violation in ``solution`` (an empty list when the plan is valid)."""
    H = cohort.months
    units = cohort.unit_by_id
    trainees = cohort.trainee_by_id

    def label(m):
        return month_label(cohort.start, m)

    out: list[str] = []
    occupancy: dict[tuple[str, int], int] = defaultdict(int)
    per_trainee: dict[str, list] = defaultdict(list)
    for i, a in enumerate(solution.assignments):
        where = f"assignment {i} ({a.trainee} at {a.unit})"
        if a.trainee not in trainees:
            out.append(f"{where}: unknown trainee")
            continue
        if a.unit not in units:
            out.append(f"{where}: unknown unit")
            continue
        if not isinstance(a.months, int) or a.months < 1:
            out.append(f"{where}: months must be a whole number >= 1, not {a.months!r}")
            continue
        if units[a.unit].category != a.category:
            out.append(f"{where}: category {a.category} but the unit is {units[a.unit].category}")
        if a.start < 0 or a.start + a.months > H:
            out.append(f"{where}: {label(a.start)}..{label(a.start + a.months - 1)} is outside the horizon")
        for m in range(a.start, a.start + a.months):
            occupancy[(a.unit, m)] += 1
        per_trainee[a.trainee].append(a)

    for (uid, m), n in sorted(occupancy.items()):
        cap = units[uid].capacity_in(m)
        if n > cap:
            out.append(f"unit {uid} has {n} trainees in {label(m)} but {cap} places")

    listed = set(solution.unassigned)
    for t in cohort.trainees:
        asg = sorted(per_trainee.get(t.id, []), key=lambda a: a.start)
        if not asg:
            if t.id not in listed:
                out.append(f"{t.id}: no assignment but not listed as unassigned")
            continue
        if t.id in listed:
            out.append(f"{t.id}: listed as unassigned but has assignments")
        months: dict[int, str] = {}
        for a in asg:
            for m in range(a.start, a.start + a.months):
                if m in months:
                    out.append(f"{t.id}: two assignments in {label(m)}")
                months[m] = a.category
        for m in sorted(months):
            if m in t.unavailable:
                out.append(f"{t.id}: placed in {label(m)}, an unavailable month")
        if len(months) != t.total_months:
            out.append(f"{t.id}: {len(months)} months placed, the plan is {t.total_months}")
        by_cat: dict[str, int] = defaultdict(int)
        for c in months.values():
            by_cat[c] += 1
        for c, req in t.requirements.items():
            if by_cat[c] < req:
                out.append(f"{t.id}: {by_cat[c]} months of {c}, requires {req}")
        for c, n in by_cat.items():
            if c not in t.categories:
                out.append(f"{t.id}: {n} months of {c}, which the plan may not use")
            elif t.caps.get(c) is not None and n > t.caps[c]:
                out.append(f"{t.id}: {n} months of {c}, the programme allows at most {t.caps[c]}")
        start = min(months)
        if not t.earliest_start <= start <= t.latest_start:
            out.append(
                f"{t.id}: starts {label(start)}, outside the window {label(t.earliest_start)}..{label(t.latest_start)}"
            )
        out += _rules_errors(cohort, t, asg)
    return out


def _rules_errors(cohort: Cohort, t, asg) -> list[str]:
    plan = rules.Plan(
        programme=t.programme,
        bt_type=t.bt_type,
        start=first_day(cohort.start, asg[0].start),
        placements=tuple(
            rules.Placement(
                category=a.category,
                start=first_day(cohort.start, a.start),
                end=last_day(cohort.start, a.start + a.months - 1),
                extent=100,
                unit=a.unit,
            )
            for a in asg
        ),
    )
    out = []
    for f in rules.check_plan(plan).errors:
        if f.code in CATEGORY_AMOUNT_CODES and t.requirements_overridden:
            continue
        if f.code in TOTAL_AMOUNT_CODES and t.total_overridden:
            continue
        out.append(f"{t.id}: rules: {f.code}: {rules.render(f)}")
    return out

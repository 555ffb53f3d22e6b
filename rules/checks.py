"""``check_plan``: judge a BT plan against the regulation in force and a programme.

Design notes (why the rules look the way they do):

* Only *minimums* and structural problems are errors. Upper bounds (programme length,
  places of service, extent, two years for integrated BT) are warnings because BT is
  goal-directed and may take longer. Hence lowering an extent, adding make-up leave or
  removing service can never turn an invalid plan valid.
* Every amount is computed exactly per day (rules.counting), so splitting a placement into
  two adjacent ones at the same unit changes no total, and structural checks look at
  dates and categories only, so the split changes no error either.
* "First"/"last" placement ignore introduction placements, so a region-wide introduction
  week does not break "start in primärvård".
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from .counting import (
    ServiceCount,
    apportion,
    as_number,
    count_service,
    credit_months,
    period_end,
    round_down,
    round_half_up,
    to_fraction,
)
from .dates import ONE_DAY, overlap_days
from .findings import ERROR, finding, sort_findings
from .leave import leave_policy
from .model import INTRODUCTION, Finding, Plan, Result
from .programmes import Programme, resolve
from .regulations import Regulation, load_regulation, regulation_for

#: National minimum categories with their dedicated codes: (missing, too short).
NATIONAL_CODES = {
    "akut": ("MISSING_EMERGENCY_CARE", "EMERGENCY_CARE_TOO_SHORT"),
    "primarvard": ("MISSING_PRIMARY_CARE", "PRIMARY_CARE_TOO_SHORT"),
}


def check_plan(plan: Plan, programme: Programme | str | None = None) -> Result:
    """Check ``plan`` against its programme (or ``programme``, an id or a loaded Programme).

    The regulation is the version in force on the plan's start (``regulation_for``); a plan
    starting before any version falls back to the programme's regulation with a warning.
    Raises ``rules.UnknownProgrammeError`` for an unknown programme id.
    """
    prog = resolve(programme if programme is not None else plan.programme)
    findings: list[Finding] = []
    try:
        reg = regulation_for(plan.start)
    except LookupError:
        reg = load_regulation(prog.regulation)
        findings.append(
            finding(
                "REGULATION_NOT_IN_FORCE", start=plan.start.isoformat(), in_force_from=reg.in_force_from.isoformat()
            )
        )
    count = count_service(plan, leave_policy(reg, prog))
    places = count_places(plan, reg)

    findings += _period_and_dates(plan)
    findings += _licence(plan)
    findings += _placements(plan, prog, reg)
    findings += _overlaps_and_gaps(plan)
    findings += _order(plan, prog)
    findings += _amounts(count, prog, reg)
    findings += _met_by_credit(plan, count, prog, reg)
    if places > reg.max_places_of_service:
        findings.append(finding("TOO_MANY_PLACES", actual=places, maximum=reg.max_places_of_service))
    findings += _integrated(plan, reg)
    findings += _completeness(plan)
    findings += _credits_and_leave(plan, count)

    findings = sort_findings(findings)
    exact = dict(count.by_category)
    rounded = apportion(exact)
    return Result(
        valid=not any(f.severity == ERROR for f in findings),
        fte_months=float(round_half_up(count.total)),
        findings=findings,
        months_by_category={c: float(v) for c, v in rounded.items()},
        exact_fte=count.total,
        exact_months_by_category=exact,
        regulation=reg.id,
        exact_credited_by_category=dict(count.credited_by_category),
        places=places,
    )


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _up(value: Fraction) -> int | float:
    """Round up to 2 decimals for excesses (12.001 shows as 12.01, never as 12)."""
    return as_number(-round_down(-value))


def _down(value: Fraction) -> int | float:
    """Round down to 2 decimals for shortfalls (2.999 shows as 2.99, never as 3)."""
    return as_number(round_down(value))


def _num(value: int | float) -> int | float:
    return as_number(to_fraction(value))


def _period_and_dates(plan: Plan) -> list[Finding]:
    out = []
    if plan.end is not None and plan.end < plan.start:
        out.append(finding("PLAN_DATES_INVERTED", start=_iso(plan.start), end=_iso(plan.end)))
    for i, x in enumerate(plan.leave):
        if x.end < x.start:
            out.append(finding("LEAVE_DATES_INVERTED", index=i, start=_iso(x.start), end=_iso(x.end)))
    return out


def _placements(plan: Plan, prog: Programme, reg: Regulation) -> list[Finding]:
    out = []
    if not prog.offers(plan.bt_type):
        out.append(finding("BT_TYPE_NOT_OFFERED", bt_type=plan.bt_type, programme=prog.id, offered=list(prog.bt_types)))
    allowed = prog.allowed_categories
    for i, p in enumerate(plan.placements):
        dates = {"index": i, "start": _iso(p.start), "end": _iso(p.end)}
        if p.end < p.start:
            out.append(finding("PLACEMENT_DATES_INVERTED", **dates))
        if min(p.start, p.end) < plan.start or (plan.end is not None and max(p.start, p.end) > plan.end):
            out.append(
                finding("PLACEMENT_OUTSIDE_PERIOD", **dates, period_start=_iso(plan.start), period_end=_iso(plan.end))
            )
        if not (1 <= p.extent <= 100):
            out.append(finding("EXTENT_OUT_OF_RANGE", index=i, extent=p.extent))
        elif p.extent < reg.min_extent_percent:
            out.append(finding("EXTENT_BELOW_MINIMUM", index=i, extent=p.extent, minimum=reg.min_extent_percent))
        if p.category not in allowed:
            out.append(finding("CATEGORY_NOT_IN_PROGRAMME", index=i, category=p.category))
    return out


def _valid_indices(plan: Plan) -> list[int]:
    return [i for i, p in enumerate(plan.placements) if p.end >= p.start]


def _overlaps_and_gaps(plan: Plan) -> list[Finding]:
    out = []
    ps = plan.placements
    idx = _valid_indices(plan)
    for a_pos, i in enumerate(idx):
        for j in idx[a_pos + 1 :]:
            if overlap_days(ps[i].start, ps[i].end, ps[j].start, ps[j].end):
                out.append(
                    finding(
                        "PLACEMENTS_OVERLAP",
                        indices=[i, j],
                        start=_iso(max(ps[i].start, ps[j].start)),
                        end=_iso(min(ps[i].end, ps[j].end)),
                    )
                )
    ordered = sorted(idx, key=lambda k: (ps[k].start, ps[k].end, k))
    latest = None  # index of the placement reaching furthest so far
    for k in ordered:
        if latest is not None and ps[k].start > ps[latest].end + ONE_DAY:
            gap_start, gap_end = ps[latest].end + ONE_DAY, ps[k].start - ONE_DAY
            out.append(
                finding(
                    "GAP_BETWEEN_PLACEMENTS",
                    indices=[latest, k],
                    start=_iso(gap_start),
                    end=_iso(gap_end),
                    days=(gap_end - gap_start).days + 1,
                )
            )
        if latest is None or ps[k].end > ps[latest].end:
            latest = k
    return out


def _order(plan: Plan, prog: Programme) -> list[Finding]:
    out = []
    ps = plan.placements
    idx = _valid_indices(plan)
    main = [i for i in idx if ps[i].category != "introduktion"]
    if main and prog.first_category:
        first = min(main, key=lambda k: (ps[k].start, ps[k].end, k))
        if ps[first].category != prog.first_category:
            out.append(
                finding("ORDER_FIRST", category=prog.first_category, actual_category=ps[first].category, index=first)
            )
    if main and prog.last_category:
        last = max(main, key=lambda k: (ps[k].end, ps[k].start, -k))
        if ps[last].category != prog.last_category:
            out.append(
                finding("ORDER_LAST", category=prog.last_category, actual_category=ps[last].category, index=last)
            )
    if main and prog.introduction_first:
        earliest = min(ps[k].start for k in main)
        for i in idx:
            if ps[i].category == "introduktion" and ps[i].start > earliest:
                out.append(finding("INTRODUCTION_NOT_FIRST", index=i))
    return out


def _amounts(count: ServiceCount, prog: Programme, reg: Regulation) -> list[Finding]:
    out = []
    total = count.total
    by_cat = count.by_category
    required_total = to_fraction(max(reg.min_total_months, prog.total_months.min))
    too_short = total < required_total
    if too_short:
        out.append(finding("PLAN_TOO_SHORT", actual=_down(total), required=_num(required_total)))
    national_fired = set()
    for cat, req in reg.category_minimums.items():
        if by_cat[cat] < to_fraction(req):
            national_fired.add(cat)
            missing, short = NATIONAL_CODES.get(cat, (None, None))
            if missing is None:
                out.append(finding("CATEGORY_TOO_SHORT", category=cat, actual=_down(by_cat[cat]), required=_num(req)))
            else:
                out.append(
                    finding(missing if by_cat[cat] == 0 else short, actual=_down(by_cat[cat]), required=_num(req))
                )
    for cat, req in prog.category_minimums.items():
        if cat not in national_fired and by_cat[cat] < to_fraction(req):
            out.append(finding("CATEGORY_TOO_SHORT", category=cat, actual=_down(by_cat[cat]), required=_num(req)))
    maximum = prog.total_months.max
    # Upper bounds are warnings judged on the total as shown (2 decimals): a fraction of a
    # day from month lengths (15 Sep..15 Jan) should not raise a warning nobody can see.
    if maximum is not None and round_half_up(total) > to_fraction(maximum):
        out.append(finding("LONGER_THAN_PROGRAMME", actual=as_number(total), maximum=_num(maximum)))
    norm = prog.total_months.norm
    if not too_short and round_half_up(total) < to_fraction(norm):
        out.append(finding("BELOW_NORM", actual=_down(total), norm=_num(norm)))
    return out


def _licence(plan: Plan) -> list[Finding]:
    """BT is done after the licence (legitimation): a licence dated after BT start is an error."""
    if plan.licence_date is None:
        return [finding("LICENCE_DATE_MISSING")]
    if plan.licence_date > plan.start:
        return [finding("LICENCE_AFTER_START", licence_date=_iso(plan.licence_date), start=_iso(plan.start))]
    return []


def _met_by_credit(plan: Plan, count: ServiceCount, prog: Programme, reg: Regulation) -> list[Finding]:
    """A mandatory category that reaches its minimum only with credited earlier service: allowed,
    but the credit needs an individual assessment, so the credited periods are named."""
    minimums = dict(reg.category_minimums)
    for cat, req in prog.category_minimums.items():
        minimums[cat] = max(minimums.get(cat, 0), req)
    out = []
    for cat, req in minimums.items():
        required = to_fraction(req)
        served = count.by_category[cat] - count.credited_by_category[cat]
        if count.credited_by_category[cat] and count.by_category[cat] >= required > served:
            credits = [
                {"index": i, "months": as_number(credit_months(c)), "kind": c.kind, "note": c.note or ""}
                for i, c in enumerate(plan.credited)
                if c.category == cat and credit_months(c)
            ]
            out.append(
                finding(
                    "MINIMUM_MET_BY_CREDIT", category=cat, required=_num(req), served=_down(served), credits=credits
                )
            )
    return out


def _completeness(plan: Plan) -> list[Finding]:
    """What the plan still lacks (warnings: it meets the rules but is not complete). A handledare
    is asked for once the placement has its unit; introduction placements have neither."""
    out = []
    if not (plan.main_supervisor or "").strip():
        out.append(finding("MAIN_SUPERVISOR_MISSING"))
    for i in _valid_indices(plan):
        p = plan.placements[i]
        if p.category == INTRODUCTION:
            continue
        if not (p.unit or "").strip():
            out.append(finding("PLACEMENT_WITHOUT_UNIT", index=i))
        elif not (p.supervisor or "").strip():
            out.append(finding("PLACEMENT_WITHOUT_SUPERVISOR", index=i))
    return out


def count_places(plan: Plan, reg: Regulation) -> int:
    """Places of service as the regulation counts them: distinct unit names (case- and
    space-insensitive); every unnamed placement is its own place; introduction excluded."""
    names: set[str] = set()
    unnamed = 0
    for i in _valid_indices(plan):
        p = plan.placements[i]
        if p.category in reg.places_exclude_categories:
            continue
        if p.unit and p.unit.strip():
            names.add(" ".join(p.unit.split()).casefold())
        else:
            unnamed += 1
    return len(names) + unnamed


def _integrated(plan: Plan, reg: Regulation) -> list[Finding]:
    """Integrated BT should be done within the first two years of ST service, counted from the
    start of the ST employment (seed 004: BT may start 6–12 months into ST), in calendar months."""
    if plan.bt_type != "integrerad":
        return []
    if plan.st_start is None:
        return [finding("ST_START_MISSING", months=reg.integrated_max_months)]
    ends = [plan.placements[i].end for i in _valid_indices(plan)]
    if plan.end is not None:
        ends.append(plan.end)
    if not ends:
        return []
    deadline = period_end(plan.st_start, reg.integrated_max_months)
    last = max(ends)
    if last > deadline:
        return [
            finding(
                "INTEGRATED_BEYOND_TWO_YEARS",
                start=_iso(plan.st_start),
                end=_iso(last),
                deadline=_iso(deadline),
                months=reg.integrated_max_months,
            )
        ]
    return []


def _credits_and_leave(plan: Plan, count: ServiceCount) -> list[Finding]:
    out = []
    for i, c in enumerate(plan.credited):
        out.append(finding("CREDITED_SERVICE", index=i, category=c.category, months=_num(c.months), kind=c.kind))
    if count.leave_days:
        out.append(finding("LEAVE_NOT_COUNTED", days=count.leave_days, months=_up(count.leave_months)))
    return out

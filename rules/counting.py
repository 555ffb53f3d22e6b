"""Counting service in full-time months: the law's calendar months (see README, "How months are counted").

Socialstyrelsen counts service time in calendar months, as lag (1930:173) om beräkning av lagstadgad
tid does: a period from day *d* of a month through day *d−1* of the month *k* months later is exactly
*k* months ("1 februari till 1 mars" is one month); when the later month has no day *d*, the period ends
with that month. Here, a period from ``start`` is cut into *month periods* at its monthly anniversaries
(:func:`anniversary`); a whole month period is one month, and each day of a month period that is only
partly covered is worth ``1 / length of that month period`` (28–31 days) — the one convention for the days
left over. Extent scales pro rata; leave that must be made up is deducted at the worth of its days.

Everything is exact (:class:`fractions.Fraction`); rounding happens only for output.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from .dates import ONE_DAY, days_in_month, month_index, overlap_days
from .leave import DEFAULT_POLICY, LeavePolicy
from .model import CATEGORIES, Credit, Leave, Placement, Plan

#: Leave kinds whose days do not count and must be made up unless a regulation says otherwise.
DEFAULT_MAKE_UP_LEAVE: frozenset[str] = DEFAULT_POLICY.make_up


def to_fraction(value: int | float | Fraction | str) -> Fraction:
    """Exact fraction of a JSON number: ``0.1`` means one tenth, not its binary approximation."""
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    return Fraction(str(value))


def clamp_extent(extent: int | float) -> Fraction:
    """Extent as a fraction of full time, clamped to 0..1 (out-of-range extents are findings)."""
    return min(Fraction(1), max(Fraction(0), to_fraction(extent) / 100))


def anniversary(start: date, k: int) -> date:
    """The first day of the ``k``-th month period from ``start`` (``k`` = 0 is ``start`` itself).

    It is the day with ``start``'s day number ``k`` months later; when that month has no such day (31
    January + 1 month), the month period before it ends with that month, so this is the 1st of the next.
    """
    index = month_index(start) + k
    year, month0 = divmod(index, 12)
    month = month0 + 1
    if start.day <= days_in_month(year, month):
        return date(year, month, start.day)
    return date(year, month, days_in_month(year, month)) + ONE_DAY


def period_end(start: date, months: int | float | Fraction) -> date:
    """The last day of a period of ``months`` calendar months from ``start`` (inclusive).

    Whole months end the day before the anniversary (2026-09-15 + 3 → 2026-12-14); a fraction of a month
    takes that share of the next month period's days, rounded up, so the period never counts less than
    ``months``. The inverse of :func:`calendar_months`.
    """
    months = to_fraction(months)
    if months <= 0:
        raise ValueError("months must be positive")
    whole = int(months)
    part = months - whole
    first = anniversary(start, whole)
    if not part:
        return first - ONE_DAY
    length = (anniversary(start, whole + 1) - first).days
    return first + timedelta(days=math.ceil(part * length) - 1)


def calendar_months(start: date, end: date) -> Fraction:
    """Calendar months covered by ``start..end`` (inclusive): whole month periods from ``start``, plus the
    days of the last, partial month period each worth ``1 / its length``. 0 for an inverted range."""
    if end < start:
        return Fraction(0)
    after = end + ONE_DAY
    whole = max(month_index(end) - month_index(start) - 1, 0)
    while anniversary(start, whole + 1) <= after:
        whole += 1
    first = anniversary(start, whole)
    length = (anniversary(start, whole + 1) - first).days
    return whole + Fraction((after - first).days, length)


def months_between(start: date, end: date, excluded: Iterable[tuple[date, date]] = ()) -> Fraction:
    """Calendar months covered by ``start..end`` (inclusive) minus the excluded day ranges.

    Excluded days (leave that must be made up) are deducted at their worth in this period: the months
    from ``start`` to the range's end less the months to the day before it. ``excluded`` must be merged
    (non-overlapping) ranges. Returns 0 for an inverted range.
    """
    if end < start:
        return Fraction(0)
    total = calendar_months(start, end)
    for a, b in excluded:
        a, b = max(a, start), min(b, end)
        if a <= b:
            total -= calendar_months(start, b) - calendar_months(start, a - ONE_DAY)
    return total


def as_policy(policy: LeavePolicy | Iterable[str]) -> LeavePolicy:
    """A leave policy from a policy or from the kinds that must be made up (no short sick leave)."""
    if isinstance(policy, LeavePolicy):
        return policy
    return LeavePolicy(make_up=frozenset(policy))


def deducted_leave(
    leave: Iterable[Leave], make_up_kinds: LeavePolicy | Iterable[str] = DEFAULT_MAKE_UP_LEAVE
) -> list[tuple[date, date]]:
    """Merged day ranges of leave that does not count as service (it must be made up); see
    :class:`rules.leave.LeavePolicy` (``make_up_kinds`` may be one or the kinds alone)."""
    return as_policy(make_up_kinds).deducted(leave)


def placement_months(placement: Placement, excluded: Iterable[tuple[date, date]] = ()) -> Fraction:
    """Full-time months one placement gives: calendar months x extent, leave days excluded."""
    if placement.end < placement.start:
        return Fraction(0)
    return months_between(placement.start, placement.end, excluded) * clamp_extent(placement.extent)


@dataclass(frozen=True)
class ServiceCount:
    """Exact service of a plan: per placement, per category (credits included) and leave."""

    per_placement: tuple[Fraction, ...]
    by_category: dict[str, Fraction]
    credited_by_category: dict[str, Fraction]
    leave_days: int
    leave_months: Fraction

    @property
    def total(self) -> Fraction:
        return sum(self.by_category.values(), Fraction(0))


def count_service(plan: Plan, make_up_kinds: LeavePolicy | Iterable[str] = DEFAULT_MAKE_UP_LEAVE) -> ServiceCount:
    """Count a plan's service exactly (see :func:`months_between`); credits count toward their category."""
    excluded = deducted_leave(plan.leave, make_up_kinds)
    by_category = {c: Fraction(0) for c in CATEGORIES}
    credited = {c: Fraction(0) for c in CATEGORIES}
    per_placement = []
    leave_days = 0
    leave_months = Fraction(0)
    for p in plan.placements:
        months = placement_months(p, excluded)
        per_placement.append(months)
        by_category[p.category] += months
        if p.end >= p.start and excluded:
            leave_days += sum(overlap_days(p.start, p.end, a, b) for a, b in excluded)
            leave_months += placement_months(p) - months
    for c in plan.credited:
        credited[c.category] += credit_months(c)
        by_category[c.category] += credit_months(c)
    return ServiceCount(tuple(per_placement), by_category, credited, leave_days, leave_months)


def credit_months(credit: Credit) -> Fraction:
    """Credited months as an exact fraction (negative values count as zero)."""
    return max(Fraction(0), to_fraction(credit.months))


def service_months(
    plan: Plan, *, include_credited: bool = True, make_up_kinds: LeavePolicy | Iterable[str] = DEFAULT_MAKE_UP_LEAVE
) -> dict[str, Fraction]:
    """Exact full-time months per category (every category present, zero included).

    Credited earlier service is included unless ``include_credited`` is false.
    """
    count = count_service(plan, make_up_kinds)
    if include_credited:
        return dict(count.by_category)
    return {c: count.by_category[c] - count.credited_by_category[c] for c in CATEGORIES}


def round_half_up(value: Fraction, places: int = 2) -> Fraction:
    """Round a non-negative-or-negative fraction half away from zero to ``places`` decimals."""
    scale = 10**places
    scaled = abs(value) * scale
    rounded = int(scaled + Fraction(1, 2))
    return Fraction(rounded if value >= 0 else -rounded, scale)


def round_down(value: Fraction, places: int = 2) -> Fraction:
    """Truncate toward minus infinity to ``places`` decimals (used for shortfalls: 2.999 -> 2.99)."""
    scale = 10**places
    return Fraction((value * scale).__floor__(), scale)


def apportion(parts: dict[str, Fraction], places: int = 2) -> dict[str, Fraction]:
    """Round each part so that the rounded parts add up to the rounded total (largest remainder)."""
    scale = 10**places
    total = round_half_up(sum(parts.values(), Fraction(0)), places) * scale
    floors = {k: (v * scale).__floor__() for k, v in parts.items()}
    remainder = int(total) - sum(floors.values())
    order = sorted(parts, key=lambda k: (-(parts[k] * scale - floors[k]), list(parts).index(k)))
    for k in order[: max(0, remainder)]:
        floors[k] += 1
    return {k: Fraction(v, scale) for k, v in floors.items()}


def as_number(value: Fraction, places: int = 2) -> int | float:
    """JSON-friendly number: an int when whole after rounding, else a float with ``places`` decimals."""
    rounded = round_half_up(value, places)
    if rounded.denominator == 1:
        return int(rounded)
    return float(rounded)


def service_done(plan: Plan, on: date, make_up_kinds: Iterable[str] = DEFAULT_MAKE_UP_LEAVE) -> Fraction:
    """Full-time months of the plan served by the end of ``on``: each placement counted from its start
    through ``on`` at the most (one not yet begun counts nothing), leave deducted as in
    :func:`count_service`, credited earlier service counted in full (it is served already)."""
    done = [
        Placement(category=p.category, start=p.start, end=min(p.end, on), extent=p.extent, unit=p.unit)
        for p in plan.placements
        if p.start <= on
    ]
    return count_service(
        Plan(
            programme=plan.programme,
            bt_type=plan.bt_type,
            start=plan.start,
            placements=tuple(done),
            leave=plan.leave,
            credited=plan.credited,
            end=plan.end,
        ),
        make_up_kinds,
    ).total

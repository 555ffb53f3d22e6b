"""Counting service in full-time months (see the package docstring for the rules).

Everything here works with :class:`fractions.Fraction` so that results are exact: each
day of a placement is worth ``1 / days_in_its_month`` of a month times ``extent / 100``,
so splitting a placement into two adjacent ones cannot change any total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from .dates import ONE_DAY, days_in_month, merge_ranges, month_end, overlap_days
from .model import CATEGORIES, Credit, Leave, Placement, Plan

#: Leave kinds whose days do not count and must be made up unless a regulation says otherwise.
DEFAULT_MAKE_UP_LEAVE: frozenset[str] = frozenset({"parental", "sick", "unpaid"})


def to_fraction(value: int | float | Fraction | str) -> Fraction:
    """Exact fraction of a JSON number: ``0.1`` means one tenth, not its binary approximation."""
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    return Fraction(str(value))


def clamp_extent(extent: int | float) -> Fraction:
    """Extent as a fraction of full time, clamped to 0..1 (out-of-range extents are findings)."""
    return min(Fraction(1), max(Fraction(0), to_fraction(extent) / 100))


def months_between(start: date, end: date, excluded: Iterable[tuple[date, date]] = ()) -> Fraction:
    """Calendar months covered by ``start..end`` (inclusive) minus the excluded day ranges.

    A fully covered month is 1; a partial month counts days covered / days in that month.
    ``excluded`` must be merged (non-overlapping) ranges. Returns 0 for an inverted range.
    """
    if end < start:
        return Fraction(0)
    excluded = list(excluded)
    total = Fraction(0)
    cursor = start
    while cursor <= end:
        last = min(month_end(cursor), end)
        covered = (last - cursor).days + 1
        covered -= sum(overlap_days(cursor, last, a, b) for a, b in excluded)
        total += Fraction(covered, days_in_month(cursor.year, cursor.month))
        cursor = last + ONE_DAY
    return total


def deducted_leave(
    leave: Iterable[Leave], make_up_kinds: Iterable[str] = DEFAULT_MAKE_UP_LEAVE
) -> list[tuple[date, date]]:
    """Merged day ranges of leave that does not count as service (it must be made up)."""
    kinds = frozenset(make_up_kinds)
    return merge_ranges([(x.start, x.end) for x in leave if x.kind in kinds])


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


def count_service(plan: Plan, make_up_kinds: Iterable[str] = DEFAULT_MAKE_UP_LEAVE) -> ServiceCount:
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
    plan: Plan, *, include_credited: bool = True, make_up_kinds: Iterable[str] = DEFAULT_MAKE_UP_LEAVE
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

"""Calendar arithmetic: the one place where dates and months are added, compared and counted.

Standard library only. The Django apps use these too (capacity grids, cadence, the scheduler's month
grid, certificates), so a correction made here holds everywhere.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

ONE_DAY = timedelta(days=1)


def parse_iso_date(value: str) -> date:
    """Parse a strict ``YYYY-MM-DD`` string; raise ``ValueError`` otherwise.

    ``date.fromisoformat`` in Python 3.11 also accepts forms such as ``20260901`` or
    ``2026-W01-1``; plans must use the plain extended form, so we check the shape first.
    """
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("not a date (expected YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a valid calendar date (expected YYYY-MM-DD)") from None


def days_in_month(year: int, month: int) -> int:
    """Number of days in the given calendar month."""
    return calendar.monthrange(year, month)[1]


def month_end(d: date) -> date:
    """Last day of the month containing ``d``."""
    return d.replace(day=days_in_month(d.year, d.month))


def add_months(d: date, months: int) -> date:
    """``d`` moved by whole calendar months, clamping the day (31 Jan + 1 = 28/29 Feb)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, days_in_month(year, month)))


def first_of_month(d: date) -> date:
    """First day of the month containing ``d``."""
    return d.replace(day=1)


def month_index(d: date) -> int:
    """A running month number (year * 12 + month - 1): month differences are plain subtraction."""
    return d.year * 12 + (d.month - 1)


def month_from_index(index: int) -> date:
    """The first day of the month with running number ``index`` (inverse of :func:`month_index`)."""
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, 1)


def overlap_days(a_start: date, a_end: date, b_start: date, b_end: date) -> int:
    """Number of days two inclusive date ranges share (0 when disjoint or inverted)."""
    start = max(a_start, b_start)
    end = min(a_end, b_end)
    return (end - start).days + 1 if end >= start else 0


def merge_ranges(ranges: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Merge overlapping or adjacent inclusive ranges; inverted ranges are dropped."""
    merged: list[tuple[date, date]] = []
    for start, end in sorted(r for r in ranges if r[1] >= r[0]):
        if merged and start <= merged[-1][1] + ONE_DAY:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged

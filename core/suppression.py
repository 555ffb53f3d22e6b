"""Small-count suppression for statistics: a count below the threshold (5) is never shown, so
that no published figure points at a few identifiable people.

Pure Python, the one rule for every statistic (the API's, the dashboards'):
- *primary*: a count of 1 to threshold−1 is suppressed (0 is shown: it identifies no one);
- *secondary*: when exactly one count in a table is suppressed and the total is shown, the total
  minus the others would reveal it, so the smallest shown count is suppressed as well;
- the total itself follows the primary rule (and then every count under it is below it too).
"""

from __future__ import annotations

from dataclasses import dataclass

THRESHOLD = 5


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    count: int | None  # None when suppressed
    suppressed: bool


@dataclass(frozen=True)
class Table:
    cells: list[Cell]
    total: int | None
    threshold: int = THRESHOLD


def is_small(count: int, threshold: int = THRESHOLD) -> bool:
    return 0 < count < threshold


def suppress(rows: list[tuple[str, str, int]], *, threshold: int = THRESHOLD) -> Table:
    """rows: (key, label, count). The table with small counts (and what would reveal them) hidden."""
    hidden = {i for i, (_k, _l, count) in enumerate(rows) if is_small(count, threshold)}
    total = sum(count for _k, _l, count in rows)
    total_shown = not is_small(total, threshold)
    if total_shown and len(hidden) == 1:
        shown = [(count, i) for i, (_k, _l, count) in enumerate(rows) if i not in hidden and count > 0]
        if shown:
            hidden.add(min(shown)[1])
    cells = [
        Cell(key, label, None if i in hidden else count, i in hidden) for i, (key, label, count) in enumerate(rows)
    ]
    return Table(cells=cells, total=total if total_shown else None, threshold=threshold)

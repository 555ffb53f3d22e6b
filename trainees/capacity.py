"""Month-by-month capacity grid: who is placed on which unit each month, and how much is free.

`month_grid(units, start_month, months)` answers, for every unit and month of the period, the
trainees placed there (a placement is listed in a month when any of its days fall in it), the
most trainees there on any one day of the month (`used` — so one placement ending on the 4th
and the next starting on the 5th share a place), the unit's capacity that month (a
`UnitCapacity` override, else `unit.bt_capacity`) and `free = capacity - used` (negative: over
capacity).

The number of queries is fixed: one for the placements of all units in the period (with the
trainee and their user), one for the capacity overrides, and — when names are to be limited to
the trainees a user may see — one for those trainees' ids. Everything else is Python.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from organisations.models import UnitCapacity
from rules.dates import add_months, first_of_month, month_end, month_index
from trainees.models import Placement

# Cell states (also CSS class suffixes: cap-free, cap-full, cap-over, cap-none).
FREE = "free"
FULL = "full"
OVER = "over"
NONE = "none"  # no capacity and nobody placed


# ---------------------------------------------------------------------------
# The grid
# ---------------------------------------------------------------------------


@dataclass
class PlacementInfo:
    category: str
    category_label: str
    extent: int
    start: datetime.date
    end: datetime.date


@dataclass
class Entry:
    """One trainee in one cell (a trainee with two placements there that month is one entry)."""

    trainee_id: int
    name: str
    url: str
    placements: list[PlacementInfo] = field(default_factory=list)
    visible: bool = True


def peak(entries: Iterable[Entry], month: datetime.date) -> int:
    """The most of `entries` present on any one day of `month` (each entry is one trainee;
    an entry without dated placements counts for the whole month)."""
    return most_present(([(p.start, p.end) for p in entry.placements] for entry in entries), month)


def most_present(spans_of_each: Iterable[list[tuple[datetime.date, datetime.date]]], month: datetime.date) -> int:
    """The most people present on any one day of `month`, given each one's (start, end) spans
    (one with no spans counts for the whole month)."""
    first, last = first_of_month(month), month_end(month)
    day = datetime.timedelta(days=1)
    events: list[tuple[datetime.date, int]] = []
    for spans in spans_of_each:
        spans = sorted((max(a, first), min(b, last)) for a, b in spans)
        spans = [(a, b) for a, b in spans if a <= b] if spans else [(first, last)]
        merged: list[list[datetime.date]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1] + day:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        for a, b in merged:
            events += [(a, 1), (b + day, -1)]
    events.sort()  # on the same day a leaving (-1) sorts before an arriving (+1)
    present = most = 0
    for _day, change in events:
        present += change
        most = max(most, present)
    return most


def _state(used: int, capacity: int) -> str:
    if used > capacity:
        return OVER
    if capacity == 0:
        return NONE
    return FULL if used == capacity else FREE


class _Load:
    """Free places and state of a cell or a total (`used` and `capacity` come from the class)."""

    used: int
    capacity: int

    @property
    def free(self) -> int:
        return self.capacity - self.used

    @property
    def over_by(self) -> int:
        return max(self.used - self.capacity, 0)

    @property
    def state(self) -> str:
        return _state(self.used, self.capacity)

    @property
    def over_capacity(self) -> bool:
        return self.used > self.capacity


@dataclass
class Cell(_Load):
    unit: object
    month: datetime.date
    capacity: int
    overridden: bool = False
    entries: list[Entry] = field(default_factory=list)

    _used: tuple[int, int] = field(default=(-1, 0), repr=False, compare=False)

    @property
    def used(self) -> int:
        # Read several times per cell when a grid is drawn: counted once per set of entries (a planning
        # review adds the proposals' entries after the grid is built, so the count follows the entries).
        if self._used[0] != len(self.entries):
            self._used = (len(self.entries), peak(self.entries, self.month))
        return self._used[1]

    @property
    def named(self) -> list[Entry]:
        return [e for e in self.entries if e.visible]

    @property
    def hidden_count(self) -> int:
        return sum(1 for e in self.entries if not e.visible)


@dataclass
class Row:
    unit: object
    cells: list[Cell]


@dataclass
class Total(_Load):
    month: datetime.date
    used: int = 0
    capacity: int = 0


@dataclass
class Grid:
    start: datetime.date
    months: list[datetime.date]
    rows: list[Row]
    totals: list[Total]

    @property
    def end(self) -> datetime.date:
        return month_end(self.months[-1])

    @property
    def empty(self) -> bool:
        return not self.rows

    def cell(self, unit, month: datetime.date) -> Cell:
        unit_id = getattr(unit, "pk", unit)
        for row in self.rows:
            if row.unit.pk == unit_id:
                return row.cells[self.months.index(first_of_month(month))]
        raise KeyError(unit_id)

    def subgrid(self, rows: list[Row]) -> Grid:
        """A grid of some of the rows, with its own totals (no queries)."""
        return Grid(self.start, self.months, rows, _totals(self.months, rows))

    def group_by(self, key) -> list[tuple[object, Grid]]:
        """Rows grouped by `key(unit)`, in order of first appearance, each group a grid."""
        groups: dict[object, list[Row]] = {}
        for row in self.rows:
            groups.setdefault(key(row.unit), []).append(row)
        return [(k, self.subgrid(rows)) for k, rows in groups.items()]


def _totals(months: list[datetime.date], rows: list[Row]) -> list[Total]:
    totals = [Total(m) for m in months]
    for row in rows:
        for total, cell in zip(totals, row.cells):
            total.used += cell.used
            total.capacity += cell.capacity
    return totals


def placements_in(unit_ids: Iterable[int], start: datetime.date, end: datetime.date):
    """Placements on the units overlapping [start, end] (not evaluated)."""
    return Placement.objects.filter(unit_id__in=list(unit_ids), start__lte=end, end__gte=start)


def _overrides(unit_ids, first: datetime.date, last_day: datetime.date) -> dict[tuple[int, int], int]:
    return {
        (c.unit_id, month_index(c.month)): c.capacity
        for c in UnitCapacity.objects.filter(unit_id__in=unit_ids, month__gte=first, month__lte=last_day).order_by()
    }


def month_totals(units, start_month: datetime.date, months: int) -> Grid:
    """The totals of `month_grid` (places used and capacity per month, summed over `units`)
    without its rows: two light queries (the overrides; each placement's unit, trainee and
    dates) and no names, links or cells, so a region's totals cost little more than its
    placements in the period. The grid returned has no rows."""
    units = list(units)
    months = max(int(months), 1)
    first = first_of_month(start_month)
    month_list = [add_months(first, i) for i in range(months)]
    totals = [Total(m) for m in month_list]
    if not units:
        return Grid(first, month_list, [], totals)
    last_day = month_end(month_list[-1])
    first_index = month_index(first)
    unit_ids = [u.pk for u in units]
    overrides = _overrides(unit_ids, first, last_day)
    for unit in units:
        for i, total in enumerate(totals):
            total.capacity += overrides.get((unit.pk, first_index + i), unit.bt_capacity)
    # (unit, month) → trainee → their spans there that month
    present: dict[tuple[int, int], dict[int, list]] = {}
    for unit_id, trainee_id, start, end in (
        placements_in(unit_ids, first, last_day).order_by().values_list("unit_id", "trainee_id", "start", "end")
    ):
        lo = max(month_index(start) - first_index, 0)
        hi = min(month_index(end) - first_index, months - 1)
        for i in range(lo, hi + 1):
            present.setdefault((unit_id, i), {}).setdefault(trainee_id, []).append((start, end))
    for (_unit_id, i), by_trainee in present.items():
        totals[i].used += most_present(by_trainee.values(), month_list[i])
    return Grid(first, month_list, [], totals)


def month_grid(units, start_month: datetime.date, months: int, *, visible_trainees=None) -> Grid:
    """The capacity grid for `units` over `months` months from `start_month`'s month.

    `visible_trainees`: a Trainee queryset of those whose names may be shown; the others
    are counted but not named. None shows every name.
    """
    units = list(units)
    months = max(int(months), 1)
    first = first_of_month(start_month)
    month_list = [add_months(first, i) for i in range(months)]
    last_day = month_end(month_list[-1])
    first_index = month_index(first)
    unit_ids = [u.pk for u in units]

    if not units:
        return Grid(first, month_list, [], [Total(m) for m in month_list])

    # Query 1: capacity overrides for the units and period.
    overrides = _overrides(unit_ids, first, last_day)

    # Query 2: placements overlapping the period, with trainee and user.
    placements = list(
        placements_in(unit_ids, first, last_day)
        .select_related("trainee__user")
        .order_by("trainee__user__last_name", "trainee__user__first_name", "trainee_id", "start", "pk")
    )

    # Query 3 (optional): which of these trainees may be named.
    if visible_trainees is None:
        visible_ids = None
    else:
        trainee_ids = {p.trainee_id for p in placements}
        visible_ids = (
            set(
                visible_trainees.filter(pk__in=placements_in(unit_ids, first, last_day).values("trainee_id"))
                .order_by()
                .values_list("pk", flat=True)
            )
            if trainee_ids
            else set()
        )

    urls: dict[int, str] = {}  # one reverse() per trainee, not one per cell they appear in
    rows: list[Row] = []
    cells_by_unit: dict[int, list[Cell]] = {}
    for unit in units:
        cells = []
        for i, m in enumerate(month_list):
            key = (unit.pk, first_index + i)
            overridden = key in overrides
            cells.append(Cell(unit, m, overrides[key] if overridden else unit.bt_capacity, overridden))
        cells_by_unit[unit.pk] = cells
        rows.append(Row(unit, cells))

    for p in placements:
        cells = cells_by_unit[p.unit_id]
        info = PlacementInfo(p.category, p.get_category_display(), p.extent, p.start, p.end)
        lo = max(month_index(p.start) - first_index, 0)
        hi = min(month_index(p.end) - first_index, months - 1)
        for i in range(lo, hi + 1):
            cell = cells[i]
            entry = next((e for e in cell.entries if e.trainee_id == p.trainee_id), None)
            if entry is None:
                trainee = p.trainee
                visible = visible_ids is None or trainee.pk in visible_ids
                # Names and links of trainees the user may not see never leave this function.
                entry = Entry(
                    trainee_id=trainee.pk,
                    name=str(trainee.user) if visible else "",
                    url=(urls.get(trainee.pk) or urls.setdefault(trainee.pk, trainee.get_absolute_url()))
                    if visible
                    else "",
                    visible=visible,
                )
                cell.entries.append(entry)
            entry.placements.append(info)

    return Grid(first, month_list, rows, _totals(month_list, rows))

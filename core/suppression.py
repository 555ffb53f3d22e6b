"""Small counts are never published: primary and complementary suppression, checked by linear programming.

This is the one place that decides which counts of the statistics may be shown; every page, export and
the API show what `suppress` returns.

The rule
--------
1. **Primary suppression**: a count of 1 to 4 (`THRESHOLD` = 5) is not shown. Zero is shown: it names
   nobody.
2. **Complementary suppression**: the statistics also show sums (a region's total of its types, the
   national total of the regions, …). A hidden count must not be recoverable from them: with a row
   total of 12 and visible parts 5 and 4, the hidden part is 3. So more counts are hidden until no
   hidden small count can be worked out.
3. **One mark for every hidden count** (`HIDDEN_MARK`, ".."): a hidden count may be small, or hidden
   to protect a small one, or even zero. Marking the small ones "<5" and the others differently would
   tell a reader which hidden counts are small, and together with the sums that can pin them exactly
   (four "<5" parts of a "<5" total are each 1).

What "cannot be worked out" means
---------------------------------
The reader knows every shown count, every published sum (which counts add up to which), and that a
hidden count is a whole number of at least 0 (or more, where the publication says so: a median is
shown only over 5 or more). A hidden small count is protected when, given all that,
it could still be 5 or more: the reader cannot even tell that it is small, let alone its value. The
check is exact: for every small count the largest value it can take subject to all published sums is
found by linear programming (OR-Tools' GLOP, already a dependency of the cohort planner). The sums here
form network matrices (a region's total is split by type and by status; the completed by time to
completion; the national totals add up the regions), so the linear optimum is a whole number and equals
what a reader could reason out with whole numbers; `test_suppression` checks it against an integer
solver on random tables.

Choosing the complementary counts: for a small count that is not yet protected, the visible counts that
share a sum with it are tried in order — parts before totals, non-zero before zero, smallest first (the
least information lost) — and the first that protects it on its own is hidden, else the first of them;
when none is left beside it, the search widens to the sums of the hidden counts around it. Then the check runs again, until every small count is protected. Hiding more never
makes a protected count unprotected, so this ends (at the latest when everything is hidden).

Derived figures follow their counts: a share is shown only when every count it is made of is shown, and
a median only when it is taken over at least `THRESHOLD` people (statistics.py).

Limits (also in README): the figures are live, so comparing them from one day to the next can show that
one person changed status that day; publish snapshots at fixed dates where that matters.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

THRESHOLD = 5
HIDDEN_MARK = ".."
_TOLERANCE = 1e-6
#: How many candidates for a complementary count are tried for one that protects on its own.
CANDIDATES_TRIED = 8


@dataclass(frozen=True)
class Count:
    """A count as it may be published: its value, or hidden."""

    value: int | None
    small: bool = False  # for tests and logs only: never shown (see rule 3)

    @property
    def hidden(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return HIDDEN_MARK if self.value is None else str(self.value)

    def as_dict(self) -> dict:
        return {"value": self.value, "suppressed": self.value is None}


@dataclass
class Ledger:
    """Counts to publish (key → true value) and the sums among them that the publication shows.

    `add_sum(total, parts)` says that `total` is published as the sum of `parts` (whether or not each
    is shown); `at_least(key, n)` that the publication tells the reader `key` is at least n (a median
    shown only over `THRESHOLD` people or more does). Every published relation between counts must be
    declared, or the check cannot see it."""

    values: dict[Hashable, int] = field(default_factory=dict)
    sums: list[tuple[Hashable, tuple[Hashable, ...]]] = field(default_factory=list)
    lower_bounds: dict[Hashable, int] = field(default_factory=dict)

    def add(self, key: Hashable, value: int) -> Hashable:
        if value < 0:
            raise ValueError(f"a count cannot be negative: {key!r} = {value}")
        self.values[key] = int(value)
        return key

    def add_sum(self, total: Hashable, parts: Iterable[Hashable]) -> None:
        parts = tuple(parts)
        missing = [k for k in (total, *parts) if k not in self.values]
        if missing:
            raise KeyError(f"unknown counts in a sum: {missing!r}")
        if self.values[total] != sum(self.values[p] for p in parts):
            raise ValueError(f"{total!r} is not the sum of its parts")
        self.sums.append((total, parts))

    def at_least(self, key: Hashable, value: int) -> None:
        if self.values[key] < value:
            raise ValueError(f"{key!r} is less than {value}")
        self.lower_bounds[key] = max(value, self.lower_bounds.get(key, 0))


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def suppress(ledger: Ledger) -> dict[Hashable, Count]:
    """Every count of the ledger as it may be published (see the module's docstring). Counts that no
    sum connects (the people and the placements) are independent: each group is handled on its own."""
    out: dict[Hashable, Count] = {}
    for part in components(ledger):
        out.update(_suppress(part))
    return out


def components(ledger: Ledger) -> list[Ledger]:
    """The ledger split into groups of counts connected through sums."""
    parent = {k: k for k in ledger.values}

    def root(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for total, parts in ledger.sums:
        for part in parts:
            parent[root(part)] = root(total)
    groups: dict[Hashable, Ledger] = {}
    for key, value in ledger.values.items():
        group = groups.setdefault(root(key), Ledger())
        group.values[key] = value
        if key in ledger.lower_bounds:
            group.lower_bounds[key] = ledger.lower_bounds[key]
    for total, parts in ledger.sums:
        groups[root(total)].sums.append((total, parts))
    return list(groups.values())


def _suppress(ledger: Ledger) -> dict[Hashable, Count]:
    values = ledger.values
    small = {k for k, v in values.items() if is_small(v)}
    hidden = set(small)
    unprotected = set(small)
    while unprotected:
        check = _Check(hidden, ledger)
        unprotected = {k for k in unprotected if check.largest(k) < THRESHOLD - _TOLERANCE}
        for key in sorted(unprotected, key=repr):
            if largest_possible(key, hidden, ledger) < THRESHOLD - _TOLERANCE:
                choice = _complement(key, hidden, ledger)
                if choice is None:  # pragma: no cover - everything around it is hidden already
                    continue
                hidden.add(choice)
    return {k: Count(None if k in hidden else v, small=k in small) for k, v in values.items()}


def _complement(key, hidden: set, ledger: Ledger):
    """The visible count to hide next for `key`: among those sharing a sum with it (else with the
    hidden counts connected to it through sums), the first that protects it on its own, in the order
    parts before totals, non-zero before zero, smallest first; when none does, the first."""
    values = ledger.values
    seen, frontier = set(), {key}
    while frontier:
        seen |= frontier
        candidates, nxt = set(), set()
        for total, parts in ledger.sums:
            items = (total, *parts)
            if not frontier.intersection(items):
                continue
            for item in items:
                if item not in hidden:
                    candidates.add((item == total, values[item] == 0, values[item], repr(item), item))
                elif item not in seen:
                    nxt.add(item)
        if candidates:
            ordered = [c[-1] for c in sorted(candidates)]
            for item in ordered[:CANDIDATES_TRIED]:
                if largest_possible(key, hidden | {item}, ledger) >= THRESHOLD - _TOLERANCE:
                    return item
            return ordered[0]
        frontier = nxt
    return None


def largest_possible(key, hidden: set, ledger: Ledger) -> float:
    """The largest value the hidden count `key` can take, given every shown count and every sum."""
    return _Check(hidden, ledger).largest(key)


class _Check:
    """The reader's knowledge as a linear programme: a variable per hidden count (at least 0, or its
    published lower bound), an equation per published sum that involves a hidden count. Built once
    for a set of hidden counts; `largest` changes only the objective (GLOP starts from the last basis)."""

    def __init__(self, hidden: set, ledger: Ledger):
        from ortools.linear_solver import pywraplp

        values = ledger.values
        self.solver = solver = pywraplp.Solver.CreateSolver("GLOP")
        bound = float(sum(values.values()) + 10 * THRESHOLD)  # "unbounded": larger than any count
        self.variables = {
            k: solver.NumVar(float(ledger.lower_bounds.get(k, 0)), bound, f"x{i}")
            for i, k in enumerate(sorted(hidden, key=repr))
        }
        for total, parts in ledger.sums:
            if not hidden.intersection((total, *parts)):
                continue
            expression, constant = 0, 0
            for part in parts:
                if part in hidden:
                    expression += self.variables[part]
                else:
                    constant -= values[part]
            if total in hidden:
                expression -= self.variables[total]
            else:
                constant += values[total]
            solver.Add(expression == constant)

    def largest(self, key) -> float:
        from ortools.linear_solver import pywraplp

        self.solver.Maximize(self.variables[key])
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:  # pragma: no cover - the true values are always a solution
            raise RuntimeError(f"suppression check failed for {key!r} (solver status {status})")
        return self.variables[key].solution_value()

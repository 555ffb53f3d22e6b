"""Small counts never leak: not as they are, not by subtraction from totals, not through the structure.

The suppression's own check is linear programming; here an independent attacker, OR-Tools' CP-SAT with
whole numbers, tries to pin every hidden small count from what is published, on hand-made and random
tables (hypothesis).
"""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.suppression import HIDDEN_MARK, THRESHOLD, Ledger, suppress


def table(cells: list[list[int]]) -> Ledger:
    """A table with row totals, column totals and a grand total, all published."""
    ledger = Ledger()
    rows, cols = len(cells), len(cells[0])
    for r, c in itertools.product(range(rows), range(cols)):
        ledger.add(("cell", r, c), cells[r][c])
    for r in range(rows):
        ledger.add(("row", r), sum(cells[r]))
        ledger.add_sum(("row", r), [("cell", r, c) for c in range(cols)])
    for c in range(cols):
        ledger.add(("col", c), sum(cells[r][c] for r in range(rows)))
        ledger.add_sum(("col", c), [("cell", r, c) for r in range(rows)])
    ledger.add("all", sum(map(sum, cells)))
    ledger.add_sum("all", [("row", r) for r in range(rows)])
    ledger.add_sum("all", [("col", c) for c in range(cols)])
    return ledger


def attacker_range(ledger: Ledger, shown: dict, key) -> tuple[int, int]:
    """The smallest and largest whole number a reader can prove for the hidden `key`, from the shown
    counts, the published sums and the published lower bounds (CP-SAT, exact)."""
    from ortools.sat.python import cp_model

    big = sum(ledger.values.values()) + 100
    out = []
    for sense in ("min", "max"):
        model = cp_model.CpModel()
        var = {
            k: model.NewIntVar(ledger.lower_bounds.get(k, 0), big, repr(k))
            for k, count in shown.items()
            if count.hidden
        }

        def value(k, var=var):
            return var[k] if k in var else shown[k].value

        for total, parts in ledger.sums:
            model.Add(sum(value(p) for p in parts) == value(total))
        (model.Minimize if sense == "min" else model.Maximize)(var[key])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        assert solver.Solve(model) == cp_model.OPTIMAL
        out.append(int(solver.Value(var[key])))
    return out[0], out[1]


def assert_no_small_count_leaks(ledger: Ledger, shown: dict) -> None:
    for key, value in ledger.values.items():
        if 0 < value < THRESHOLD:
            assert shown[key].hidden, f"{key} = {value} is shown"
            low, high = attacker_range(ledger, shown, key)
            assert high >= THRESHOLD, f"{key} = {value} can be narrowed to {low}..{high}"
    for key, count in shown.items():
        assert count.hidden or count.value == ledger.values[key]


def test_it_hides_counts_from_1_to_4_and_shows_zero_and_5():
    ledger = Ledger()
    for n in range(7):
        ledger.add(n, n)
    shown = suppress(ledger)
    assert [str(shown[n]) for n in range(7)] == ["0", HIDDEN_MARK, HIDDEN_MARK, HIDDEN_MARK, HIDDEN_MARK, "5", "6"]
    assert shown[3].as_dict() == {"value": None, "suppressed": True}
    assert shown[6].as_dict() == {"value": 6, "suppressed": False}


def test_a_hidden_count_is_not_left_alone_beside_its_total():
    """12 = 5 + 4 + 3: the 4 and the 3 are hidden together; they share 7, so either could be 5 or more."""
    ledger = Ledger()
    for key, value in {"total": 12, "a": 5, "b": 4, "c": 3}.items():
        ledger.add(key, value)
    ledger.add_sum("total", ["a", "b", "c"])
    shown = suppress(ledger)
    assert shown["b"].hidden and shown["c"].hidden and not shown["total"].hidden
    assert_no_small_count_leaks(ledger, shown)


def test_subtraction_from_the_total_is_prevented():
    """One small part beside visible parts and a visible total: another part must go too."""
    ledger = Ledger()
    for key, value in {"total": 30, "a": 20, "b": 8, "c": 2}.items():
        ledger.add(key, value)
    ledger.add_sum("total", ["a", "b", "c"])
    shown = suppress(ledger)
    assert shown["c"].hidden and shown["b"].hidden  # the smallest other part is hidden with it
    assert not shown["a"].hidden and not shown["total"].hidden
    assert_no_small_count_leaks(ledger, shown)


def test_four_small_parts_of_a_small_total_are_not_pinned():
    """A region of 4 in four statuses: were zeros always shown and hidden counts known to be 1–4, each
    would be exactly 1. The national sums and one mark for every hidden count keep them unknown."""
    cells = [[1, 1, 1, 1, 0], [10, 12, 9, 8, 7], [6, 7, 8, 9, 10]]
    ledger = table(cells)
    shown = suppress(ledger)
    assert shown["row", 0].hidden
    assert_no_small_count_leaks(ledger, shown)


def test_a_cycle_of_hidden_counts_is_widened_until_safe():
    """Two small counts in different rows and columns, linked through a cycle of their complements: row
    and column checks alone would pass it; the whole-table check does not."""
    cells = [[1, 5, 0], [0, 5, 1], [5, 0, 5]]
    ledger = table(cells)
    shown = suppress(ledger)
    assert_no_small_count_leaks(ledger, shown)


def test_a_published_lower_bound_is_taken_into_account():
    ledger = Ledger()
    for key, value in {"total": 9, "a": 5, "b": 4}.items():
        ledger.add(key, value)
    ledger.add_sum("total", ["a", "b"])
    ledger.at_least("a", 5)  # e.g. a median is shown for a
    shown = suppress(ledger)
    assert_no_small_count_leaks(ledger, shown)
    assert shown["total"].hidden  # 9 - (a ≥ 5) would give b ≤ 4


def test_the_ledger_refuses_inconsistent_sums():
    ledger = Ledger()
    ledger.add("t", 3)
    ledger.add("a", 1)
    with pytest.raises(ValueError):
        ledger.add_sum("t", ["a"])
    with pytest.raises(KeyError):
        ledger.add_sum("t", ["missing"])
    with pytest.raises(ValueError):
        ledger.add("n", -1)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda rows: st.integers(min_value=1, max_value=4).flatmap(
            lambda cols: st.lists(
                st.lists(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 9, 20]), min_size=cols, max_size=cols),
                min_size=rows,
                max_size=rows,
            )
        )
    )
)
def test_no_small_count_of_a_random_table_can_be_worked_out(cells):
    ledger = table(cells)
    assert_no_small_count_leaks(ledger, suppress(ledger))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(*(st.sampled_from([0, 0, 1, 2, 3, 7, 12]) for _ in range(4))),
        min_size=2,
        max_size=5,
    )
)
def test_linked_tables_sharing_their_totals_do_not_leak(rows):
    """Two breakdowns of the same region totals (type × region and status × region, as the statistics
    publish them): a count hidden in one must not come back through the other."""
    ledger = Ledger()
    for r, (t1, t2, s1, _s2) in enumerate(rows):
        total = t1 + t2
        s2 = total - s1 if total >= s1 else 0
        s1 = min(s1, total)
        for key, value in {("t", r, 1): t1, ("t", r, 2): t2, ("s", r, 1): s1, ("s", r, 2): s2, ("n", r): total}.items():
            ledger.add(key, value)
        ledger.add_sum(("n", r), [("t", r, 1), ("t", r, 2)])
        ledger.add_sum(("n", r), [("s", r, 1), ("s", r, 2)])
    n = len(rows)
    for dim, part in (("t", 1), ("t", 2), ("s", 1), ("s", 2)):
        ledger.add((dim, "*", part), sum(ledger.values[dim, r, part] for r in range(n)))
        ledger.add_sum((dim, "*", part), [(dim, r, part) for r in range(n)])
    ledger.add(("n", "*"), sum(ledger.values["n", r] for r in range(n)))
    ledger.add_sum(("n", "*"), [("n", r) for r in range(n)])
    ledger.add_sum(("n", "*"), [("t", "*", 1), ("t", "*", 2)])
    ledger.add_sum(("n", "*"), [("s", "*", 1), ("s", "*", 2)])
    assert_no_small_count_leaks(ledger, suppress(ledger))

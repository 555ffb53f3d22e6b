"""Small-count suppression: the one rule for statistics."""

from hypothesis import given
from hypothesis import strategies as st

from core.suppression import THRESHOLD, suppress


def rows(*counts):
    return [(str(i), f"row {i}", c) for i, c in enumerate(counts)]


def test_it_hides_counts_from_one_to_four_and_shows_zero_and_five():
    table = suppress(rows(0, 1, 4, 5, 9))
    assert [c.count for c in table.cells] == [0, None, None, 5, 9]
    assert table.total == 19


def test_it_hides_a_second_count_when_the_total_would_reveal_the_first():
    table = suppress(rows(2, 7, 9))
    assert [c.count for c in table.cells] == [None, None, 9]
    assert table.total == 18


def test_it_hides_a_small_total_and_everything_under_it():
    table = suppress(rows(1, 2))
    assert [c.count for c in table.cells] == [None, None]
    assert table.total is None


def test_an_empty_table_is_empty():
    assert suppress([]).cells == [] and suppress([]).total == 0


@given(st.lists(st.integers(min_value=0, max_value=40), max_size=8))
def test_no_shown_figure_reveals_a_small_count(counts):
    table = suppress(rows(*counts))
    shown = [c.count for c in table.cells if not c.suppressed]
    hidden = [counts[i] for i, c in enumerate(table.cells) if c.suppressed]
    assert all(not 0 < n < THRESHOLD for n in shown)
    if table.total is not None and len(hidden) == 1:
        raise AssertionError("one hidden count and the total shown: it can be derived")
    if table.total is not None and hidden:
        # What the total and the shown counts leave is the sum of at least two hidden counts.
        assert len(hidden) >= 2

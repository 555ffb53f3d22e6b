"""The law's months (lag 1930:173, as Socialstyrelsen's AT/BT guidance applies it): properties."""

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from rules.counting import anniversary, calendar_months, months_between, period_end, placement_months
from rules.dates import add_months, days_in_month, month_end
from rules.model import Placement

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


def law_end(start: date, k: int) -> date:
    """Day d-1 of the month k months later (the last day of that month when it has no day d-1, and the
    last day of the month before when d is 1): written from the law's words, not from the code."""
    if start.day == 1:
        return month_end(add_months(start, k - 1))
    later = add_months(start.replace(day=1), k)
    return later.replace(day=min(start.day - 1, days_in_month(later.year, later.month)))


@given(days, st.integers(1, 60))
def test_from_day_d_through_day_d_minus_1_k_months_later_is_k_months(start, k):
    assert calendar_months(start, law_end(start, k)) == k
    assert period_end(start, k) == law_end(start, k)


def test_month_ends_february_and_leap_years():
    assert calendar_months(date(2026, 1, 31), date(2026, 2, 28)) == 1
    assert calendar_months(date(2028, 1, 31), date(2028, 2, 29)) == 1
    assert calendar_months(date(2028, 1, 30), date(2028, 2, 29)) == 1
    assert calendar_months(date(2026, 1, 29), date(2026, 2, 28)) == 1
    assert calendar_months(date(2026, 2, 1), date(2026, 2, 28)) == 1
    assert calendar_months(date(2026, 3, 31), date(2026, 4, 30)) == 1
    assert calendar_months(date(2027, 12, 15), date(2028, 12, 14)) == 12
    # The examples of the certificates issue: exactly three, and exactly four, calendar months.
    assert calendar_months(date(2026, 9, 15), date(2026, 12, 14)) == 3
    assert calendar_months(date(2026, 1, 15), date(2026, 4, 14)) == 3


@given(days, st.integers(0, 800))
def test_the_count_grows_day_by_day_and_one_month_period_is_one(start, n):
    end = start + timedelta(days=n)
    count = calendar_months(start, end)
    assert 0 < count <= calendar_months(start, end + timedelta(days=1))
    k = int(count)
    assert anniversary(start, k) <= end + timedelta(days=1) < anniversary(start, k + 1)
    left = (end + timedelta(days=1) - anniversary(start, k)).days
    assert count - k == Fraction(left, (anniversary(start, k + 1) - anniversary(start, k)).days)


@given(days, st.fractions(min_value=Fraction(1, 100), max_value=40, max_denominator=100))
def test_a_period_of_m_months_counts_at_least_m_and_a_day_less_counts_less(start, months):
    end = period_end(start, months)
    assert calendar_months(start, end) >= months
    assert calendar_months(start, end - timedelta(days=1)) < months


@given(days, st.integers(0, 400), st.integers(1, 100), st.integers(0, 100))
def test_lowering_the_extent_never_raises_the_months(start, n, high, drop):
    low = max(high - drop, 0)
    end = start + timedelta(days=n)
    assert placement_months(Placement("akut", start, end, low)) <= placement_months(Placement("akut", start, end, high))


def test_extent_scales_pro_rata():
    # Six calendar months from mid-month at 75 % are 4.5 full-time months.
    p = Placement("akut", date(2026, 9, 15), date(2027, 3, 14), 75)
    assert placement_months(p) == Fraction(9, 2)


@given(days, st.integers(0, 400), st.integers(0, 400), st.integers(0, 30))
def test_leave_is_deducted_at_the_worth_of_its_days(start, n, a, length):
    end = start + timedelta(days=n)
    lo = start + timedelta(days=min(a, n))
    hi = min(lo + timedelta(days=length), end)
    left = months_between(start, end, [(lo, hi)])
    assert 0 <= left <= calendar_months(start, end)
    assert left == calendar_months(start, end) - (
        calendar_months(start, hi) - calendar_months(start, lo - timedelta(1))
    )

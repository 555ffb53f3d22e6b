from fractions import Fraction

from rules import check_plan, months_between, placement_months, service_months
from rules.counting import apportion, round_down, round_half_up

from .factories import credit, d, leave, make_plan, national_valid, pl


def test_it_counts_a_full_month_as_one():
    assert months_between(d("2026-09-01"), d("2026-09-30")) == 1
    assert months_between(d("2028-02-01"), d("2028-02-29")) == 1


def test_it_counts_calendar_months_from_any_day():
    """Lag (1930:173): from day d through day d-1 of the month k months later is k months."""
    assert months_between(d("2026-09-15"), d("2026-12-14")) == 3
    assert months_between(d("2026-01-15"), d("2026-04-14")) == 3
    assert months_between(d("2026-09-15"), d("2026-10-14")) == 1
    assert months_between(d("2026-01-31"), d("2026-02-28")) == 1  # February has no 30th or 31st
    assert months_between(d("2028-01-30"), d("2028-02-29")) == 1


def test_the_days_left_over_are_worth_a_share_of_their_month_period():
    # 15 Sep – 14 Oct is a whole month; 15 Oct – 20 Oct is 6 days of the 31-day period 15 Oct – 14 Nov.
    assert months_between(d("2026-09-15"), d("2026-10-20")) == 1 + Fraction(6, 31)


def test_it_counts_dates_inclusive():
    assert months_between(d("2026-09-01"), d("2026-09-01")) == Fraction(1, 30)


def test_it_scales_by_extent():
    assert placement_months(pl("akut", "2026-01-01", "2026-06-30", extent=50)) == 3
    r = check_plan(make_plan(pl("akut", "2026-01-01", "2026-06-30", extent=50)))
    assert r.fte_months == 3.0 and r.months_by_category["akut"] == 3.0


def test_inverted_ranges_count_zero():
    assert months_between(d("2026-09-02"), d("2026-09-01")) == 0
    assert placement_months(pl("akut", "2026-09-02", "2026-09-01")) == 0


def test_it_deducts_make_up_leave_but_not_vacation():
    base = make_plan(pl("akut", "2026-09-01", "2026-11-30"))
    assert service_months(base)["akut"] == 3
    sick = make_plan(pl("akut", "2026-09-01", "2026-11-30"), leave=[leave("sick", "2026-10-05", "2026-10-24")])
    assert service_months(sick)["akut"] == 3 - Fraction(20, 31)
    vacation = make_plan(pl("akut", "2026-09-01", "2026-11-30"), leave=[leave("vacation", "2026-10-05", "2026-10-24")])
    assert service_months(vacation)["akut"] == 3


def test_it_deducts_overlapping_leave_once_and_ignores_leave_outside_placements():
    p = make_plan(
        pl("akut", "2026-09-01", "2026-09-30"),
        leave=[
            leave("sick", "2026-09-01", "2026-09-10"),
            leave("parental", "2026-09-06", "2026-09-15"),
            leave("unpaid", "2027-01-01", "2027-01-31"),
        ],
    )
    assert service_months(p)["akut"] == Fraction(15, 30)
    r = check_plan(p)
    info = next(f for f in r.findings if f.code == "LEAVE_NOT_COUNTED")
    assert info.severity == "info" and info.params == {"days": 15, "months": 0.5}


def test_leave_is_deducted_at_the_placement_extent():
    p = make_plan(pl("akut", "2026-09-01", "2026-09-30", extent=50), leave=[leave("sick", "2026-09-01", "2026-09-15")])
    assert service_months(p)["akut"] == Fraction(1, 4)


def test_credited_service_counts_toward_category_and_total():
    p = national_valid(credited=[credit("akut", 2.5)])
    months = service_months(p)
    assert months["akut"] == Fraction(13, 2)
    assert service_months(p, include_credited=False)["akut"] == 4
    r = check_plan(p)
    assert r.fte_months == 14.5
    assert [f.params for f in r.findings if f.code == "CREDITED_SERVICE"] == [
        {"index": 0, "category": "akut", "months": 2.5, "kind": "foreign"}
    ]


def test_credit_can_make_up_a_missing_minimum():
    p = make_plan(pl("akut", "2026-09-01", "2026-10-31"), pl("primarvard", "2026-11-01", "2027-02-28"))
    assert check_plan(p).codes[0] == "EMERGENCY_CARE_TOO_SHORT"
    p2 = make_plan(*p.placements, credited=[credit("akut", 1, "before_licence")])
    assert check_plan(p2).valid


def test_service_months_has_every_category():
    assert set(service_months(national_valid())) == {
        "introduktion",
        "akut",
        "primarvard",
        "psykiatri",
        "valfri",
        "annan",
    }


def test_rounding_helpers():
    assert round_half_up(Fraction(2985, 1000)) == Fraction(299, 100)
    assert round_half_up(Fraction(1, 200)) == Fraction(1, 100)
    assert round_down(Fraction(2999, 1000)) == Fraction(299, 100)


def test_apportion_adds_up_to_the_rounded_total():
    parts = {"a": Fraction(1, 3), "b": Fraction(1, 3), "c": Fraction(1, 3)}
    rounded = apportion(parts)
    assert sum(rounded.values()) == 1
    parts = {"a": Fraction(16, 30), "b": Fraction(14, 31), "c": Fraction(0)}
    assert sum(apportion(parts).values()) == round_half_up(sum(parts.values()))
    assert apportion(parts)["c"] == 0


def test_result_months_add_up_to_fte():
    p = make_plan(
        pl("akut", "2026-09-15", "2026-12-14"),
        pl("primarvard", "2026-12-15", "2027-03-14"),
        pl("psykiatri", "2027-03-15", "2027-05-03", extent=75),
    )
    r = check_plan(p)
    assert sum(r.exact_months_by_category.values()) == r.exact_fte
    assert round(sum(r.months_by_category.values()), 2) == r.fte_months


def test_service_done_counts_placements_through_the_day_and_credits_in_full():
    from rules.counting import service_done

    p = make_plan(
        pl("akut", "2026-09-01", "2026-11-30"),
        pl("primarvard", "2026-12-01", "2027-02-28", extent=50),
        leave=[leave("sick", "2026-09-01", "2026-09-15")],
        credited=[credit("psykiatri", 1)],
    )
    assert service_done(p, d("2026-08-31")) == 1  # nothing served yet; the credit counts
    assert service_done(p, d("2026-10-31")) == 1 + 2 - Fraction(15, 30)
    assert service_done(p, d("2026-12-31")) == 1 + 3 - Fraction(15, 30) + Fraction(1, 2)
    assert service_done(p, d("2030-01-01")) == service_months(p)["akut"] + Fraction(3, 2) + 1

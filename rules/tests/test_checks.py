"""Hand-made plans and the findings they must give."""

import pytest

from rules import FINDING_CODES, MESSAGES, check_plan, load_programme, render, template_plan
from rules.findings import COMPLETENESS_CODES

from .factories import credit, d, leave, make_plan, national_valid, pl


def codes(plan, **kw):
    return check_plan(plan, **kw).codes


def only(result, code):
    found = [f for f in result.findings if f.code == code]
    assert len(found) == 1, result.codes
    return found[0]


def test_a_valid_national_plan_has_no_findings():
    r = check_plan(national_valid())
    assert r.valid and r.findings == [] and r.fte_months == 12.0
    assert r.regulation == "HSLF-FS 2021:8"


def test_it_rejects_a_plan_shorter_than_six_months():
    r = check_plan(make_plan(pl("akut", "2026-09-01", "2026-11-30"), pl("primarvard", "2026-12-01", "2027-01-31")))
    assert not r.valid
    f = only(r, "PLAN_TOO_SHORT")
    assert f.severity == "error" and f.params == {"actual": 5, "required": 6}
    assert only(r, "PRIMARY_CARE_TOO_SHORT").params == {"actual": 2, "required": 3}
    assert "BELOW_NORM" not in r.codes


def test_it_reports_missing_primary_care():
    r = check_plan(make_plan(pl("akut", "2026-09-01", "2027-02-28")))
    assert only(r, "MISSING_PRIMARY_CARE").params == {"actual": 0, "required": 3}
    assert "PRIMARY_CARE_TOO_SHORT" not in r.codes


def test_it_reports_missing_emergency_care():
    assert "MISSING_EMERGENCY_CARE" in codes(make_plan(pl("primarvard", "2026-09-01", "2027-02-28")))


def test_it_reports_under_three_months_of_emergency_care():
    r = check_plan(make_plan(pl("akut", "2026-09-01", "2026-11-29"), pl("primarvard", "2026-11-30", "2027-08-31")))
    f = only(r, "EMERGENCY_CARE_TOO_SHORT")
    assert f.params == {"actual": 2.96, "required": 3}  # 2 + 29/30, rounded down


def test_sick_leave_that_is_not_made_up_makes_akut_too_short():
    plan = make_plan(
        pl("akut", "2026-09-01", "2026-11-30"),
        pl("primarvard", "2026-12-01", "2027-08-31"),
        leave=[leave("sick", "2026-10-05", "2026-10-24")],
    )
    r = check_plan(plan)
    assert not r.valid
    assert only(r, "EMERGENCY_CARE_TOO_SHORT").params == {"actual": 2.35, "required": 3}
    assert only(r, "LEAVE_NOT_COUNTED").params["days"] == 20
    made_up = make_plan(
        pl("akut", "2026-09-01", "2026-12-20"),
        pl("primarvard", "2026-12-21", "2027-08-31"),
        leave=[leave("sick", "2026-10-05", "2026-10-24")],
    )
    assert check_plan(made_up).valid


def test_vacation_needs_no_making_up():
    assert check_plan(national_valid(leave=[leave("vacation", "2026-10-01", "2026-10-31")])).valid


def test_it_reports_overlapping_placements():
    r = check_plan(make_plan(pl("akut", "2026-09-01", "2026-12-31"), pl("primarvard", "2026-12-15", "2027-08-31")))
    f = only(r, "PLACEMENTS_OVERLAP")
    assert f.params == {"indices": [0, 1], "start": "2026-12-15", "end": "2026-12-31"}
    assert not r.valid


def test_adjacent_placements_do_not_overlap():
    assert "PLACEMENTS_OVERLAP" not in codes(national_valid())


def test_it_reports_placements_outside_the_bt_period():
    early = make_plan(
        pl("akut", "2026-08-15", "2026-12-31"), pl("primarvard", "2027-01-01", "2027-08-31"), start="2026-09-01"
    )
    assert only(check_plan(early), "PLACEMENT_OUTSIDE_PERIOD").params["index"] == 0
    late = national_valid(start="2026-09-01", end="2027-06-30")
    f = only(check_plan(late), "PLACEMENT_OUTSIDE_PERIOD")
    assert f.params == {
        "index": 2,
        "start": "2027-03-01",
        "end": "2027-08-31",
        "period_start": "2026-09-01",
        "period_end": "2027-06-30",
    }


def test_it_reports_inverted_dates():
    r = check_plan(
        make_plan(
            pl("akut", "2026-12-31", "2026-09-01"),
            pl("primarvard", "2027-01-01", "2027-08-31"),
            start="2026-09-01",
            leave=[leave("sick", "2027-02-02", "2027-02-01")],
        )
    )
    assert {"PLACEMENT_DATES_INVERTED", "LEAVE_DATES_INVERTED", "MISSING_EMERGENCY_CARE"} <= set(r.codes)
    assert "PLAN_DATES_INVERTED" in codes(national_valid(end="2026-01-01"))


def test_gavleborg_must_start_and_end_in_primary_care():
    plan = make_plan(
        pl("akut", "2027-01-01", "2027-04-30", unit="Medicin"),
        pl("primarvard", "2027-05-01", "2027-08-31", unit="VC"),
        pl("psykiatri", "2027-09-01", "2027-12-31", unit="Psyk"),
        programme="gavleborg",
    )
    r = check_plan(plan)
    assert only(r, "ORDER_FIRST").params == {"category": "primarvard", "actual_category": "akut", "index": 0}
    assert only(r, "ORDER_LAST").params == {"category": "primarvard", "actual_category": "psykiatri", "index": 2}
    assert not r.valid


def test_gavleborg_order_ignores_an_introduction():
    plan = template_plan("gavleborg", "fristaende", d("2027-01-01"))
    intro = pl("introduktion", "2026-12-20", "2026-12-31")
    r = check_plan(make_plan(intro, *plan.placements, programme="gavleborg"))
    assert r.valid and "ORDER_FIRST" not in r.codes
    assert "CATEGORY_NOT_IN_PROGRAMME" in r.codes  # Gävleborg has no introduction slot


def test_jonkoping_does_not_offer_standalone_bt():
    plan = template_plan("jonkoping", "integrerad", d("2027-01-01"))
    fristaende = make_plan(*plan.placements, programme="jonkoping", bt_type="fristaende")
    r = check_plan(fristaende)
    f = only(r, "BT_TYPE_NOT_OFFERED")
    assert f.params == {"bt_type": "fristaende", "programme": "jonkoping", "offered": ["integrerad"]}
    assert not r.valid


def test_regional_psychiatry_minimum():
    plan = make_plan(
        pl("akut", "2026-09-01", "2027-02-28"), pl("primarvard", "2027-03-01", "2027-08-31"), programme="vgr"
    )
    r = check_plan(plan)
    assert only(r, "CATEGORY_TOO_SHORT").params == {"category": "psykiatri", "actual": 0, "required": 2}
    assert check_plan(plan, "national").valid  # psychiatry is not national law


def test_programme_minimum_does_not_duplicate_the_national_finding():
    plan = make_plan(
        pl("akut", "2026-09-01", "2026-10-31"), pl("primarvard", "2026-11-01", "2027-08-31"), programme="ostergotland"
    )
    assert "EMERGENCY_CARE_TOO_SHORT" in codes(plan)
    assert not any(
        f.params.get("category") == "akut" for f in check_plan(plan).findings if f.code == "CATEGORY_TOO_SHORT"
    )


def test_introduction_must_come_first_where_the_programme_says_so():
    plan = make_plan(
        pl("akut", "2027-01-01", "2027-04-30"),
        pl("introduktion", "2027-05-01", "2027-05-31"),
        pl("primarvard", "2027-06-01", "2027-09-30"),
        pl("psykiatri", "2027-10-01", "2027-12-31"),
        programme="ostergotland",
    )
    assert only(check_plan(plan), "INTRODUCTION_NOT_FIRST").params == {"index": 1}


def test_extent_out_of_range_is_an_error_and_below_fifty_a_warning():
    for bad in (0, 101, -5, 0.5):
        p = make_plan(pl("akut", "2026-09-01", "2026-12-31", extent=bad), *national_valid().placements[1:])
        assert only(check_plan(p), "EXTENT_OUT_OF_RANGE").params == {"index": 0, "extent": bad}
    p = make_plan(
        pl("akut", "2026-09-01", "2027-04-30", extent=40),
        *[pl(x.category, x.start.isoformat(), x.end.isoformat()) for x in national_valid().placements[1:]],
        start="2026-09-01",
    )
    r = check_plan(p)
    f = only(r, "EXTENT_BELOW_MINIMUM")
    assert f.severity == "warning" and f.params == {"index": 0, "extent": 40, "minimum": 50}


def test_more_than_four_places_is_only_a_warning():
    plan = make_plan(
        pl("akut", "2026-09-01", "2026-10-31", unit="A"),
        pl("akut", "2026-11-01", "2026-12-31", unit="B"),
        pl("psykiatri", "2027-01-01", "2027-02-28", unit="C"),
        pl("primarvard", "2027-03-01", "2027-05-31", unit="D"),
        pl("primarvard", "2027-06-01", "2027-08-31", unit="E"),
    )
    r = check_plan(plan)
    assert r.valid and only(r, "TOO_MANY_PLACES").params == {"actual": 5, "maximum": 4}


def test_places_are_distinct_unit_names():
    plan = make_plan(
        pl("primarvard", "2026-09-01", "2026-10-31", unit="VC Ost"),
        pl("akut", "2026-11-01", "2026-12-31", unit="A"),
        pl("akut", "2027-01-01", "2027-02-28", unit="B"),
        pl("psykiatri", "2027-03-01", "2027-04-30", unit="C"),
        pl("primarvard", "2027-05-01", "2027-08-31", unit=" vc  OST "),
    )
    assert "TOO_MANY_PLACES" not in codes(plan)
    unnamed = make_plan(*[pl(p.category, p.start.isoformat(), p.end.isoformat()) for p in plan.placements])
    assert "TOO_MANY_PLACES" in codes(unnamed)


def test_longer_than_programme_is_a_warning():
    plan = make_plan(
        pl("akut", "2026-09-01", "2027-01-31"),
        pl("primarvard", "2027-02-01", "2027-06-30"),
        pl("psykiatri", "2027-07-01", "2027-10-31"),
        programme="vgr",
    )
    r = check_plan(plan)
    assert r.valid and only(r, "LONGER_THAN_PROGRAMME").params == {"actual": 14, "maximum": 12}
    assert "LONGER_THAN_PROGRAMME" not in codes(plan, programme="national")


def test_below_norm_is_info():
    plan = make_plan(pl("akut", "2026-09-01", "2026-11-30"), pl("primarvard", "2026-12-01", "2027-03-31"))
    r = check_plan(plan)
    assert r.valid and only(r, "BELOW_NORM").params == {"actual": 7, "norm": 12}
    assert only(r, "BELOW_NORM").severity == "info"


def test_integrated_bt_beyond_two_years_is_measured_from_the_st_start():
    """Seed 004: BT may start 6–12 months into ST; the two years run from the ST employment."""
    placements = (
        pl("akut", "2026-09-01", "2027-02-28"),
        pl("primarvard", "2027-03-01", "2027-08-31"),
        pl("psykiatri", "2027-09-01", "2027-10-31"),
    )
    # ST started a year before BT: the plan ends 14 months after the deadline's start... too late.
    r = check_plan(make_plan(*placements, bt_type="integrerad", st_start="2025-09-15"))
    f = only(r, "INTEGRATED_BEYOND_TWO_YEARS")
    assert f.severity == "warning" and r.valid
    # 24 calendar months from 2025-09-15 end on 2027-09-14 (lag 1930:173).
    assert f.params == {"start": "2025-09-15", "end": "2027-10-31", "deadline": "2027-09-14", "months": 24}
    # Measured from BT start the same plan would be well inside two years: not how it is measured.
    r = check_plan(make_plan(*placements, bt_type="integrerad", st_start="2026-03-01"))
    assert "INTEGRATED_BEYOND_TWO_YEARS" not in r.codes
    # The last day itself is inside.
    inside = make_plan(pl("akut", "2026-09-01", "2027-09-14"), bt_type="integrerad", st_start="2025-09-15")
    assert "INTEGRATED_BEYOND_TWO_YEARS" not in codes(inside)
    assert "INTEGRATED_BEYOND_TWO_YEARS" not in codes(make_plan(*placements, bt_type="fristaende"))


def test_integrated_bt_without_an_st_start_cannot_be_checked_and_says_so():
    r = check_plan(make_plan(pl("akut", "2026-09-01", "2029-10-31"), bt_type="integrerad"))
    assert only(r, "ST_START_MISSING").params == {"months": 24}
    assert "INTEGRATED_BEYOND_TWO_YEARS" not in r.codes and not r.complete
    assert "ST_START_MISSING" not in codes(make_plan(pl("akut", "2026-09-01", "2027-10-31")))


def test_a_licence_after_bt_start_is_an_error_and_a_missing_one_a_warning():
    r = check_plan(national_valid(licence_date="2026-09-02"))
    f = only(r, "LICENCE_AFTER_START")
    assert not r.valid and f.severity == "error"
    assert f.params == {"licence_date": "2026-09-02", "start": "2026-09-01"}
    assert check_plan(national_valid(licence_date="2026-09-01")).findings == []  # the same day is fine
    r = check_plan(national_valid(licence_date=None))
    assert r.valid and not r.complete and only(r, "LICENCE_DATE_MISSING").severity == "warning"


def test_missing_units_and_supervisors_are_warnings_the_plan_is_not_complete():
    """A plan with no unit on two of three placements and no huvudhandledare meets the rules but
    is not complete, and says what is missing."""
    plan = make_plan(
        pl("akut", "2026-09-01", "2026-12-31"),
        pl("psykiatri", "2027-01-01", "2027-02-28"),
        pl("primarvard", "2027-03-01", "2027-08-31", unit="VC Centrum"),
        pl("introduktion", "2026-08-25", "2026-08-31"),
        licence_date="2026-08-01",
        start="2026-08-25",
    )
    r = check_plan(plan)
    assert r.valid and not r.complete
    unit = [f.params["index"] for f in r.findings if f.code == "PLACEMENT_WITHOUT_UNIT"]
    assert unit == [0, 1]  # not the introduction
    assert [f.params["index"] for f in r.findings if f.code == "PLACEMENT_WITHOUT_SUPERVISOR"] == [2]
    assert "MAIN_SUPERVISOR_MISSING" in r.codes
    assert all(f.severity == "warning" for f in r.findings if f.code in COMPLETENESS_CODES)


def test_a_minimum_met_only_by_credit_names_the_credited_periods():
    plan = national_valid(
        credited=[
            credit("akut", 2, "foreign", note="Rigshospitalet 2024"),
            credit("primarvard", 1, "before_licence"),
            credit("akut", 1, "before_licence"),
        ]
    )
    # The plan's own akut is 4 months: the credit is not needed for the minimum.
    assert "MINIMUM_MET_BY_CREDIT" not in check_plan(plan).codes
    short = make_plan(
        pl("akut", "2026-09-01", "2026-09-30", unit="Medicin", supervisor="X"),
        pl("primarvard", "2026-10-01", "2027-06-30", unit="VC", supervisor="Y"),
        credited=plan.credited,
        licence_date="2026-08-01",
        main_supervisor="Z",
    )
    r = check_plan(short)
    assert r.valid  # 1 + 2 + 1 credited months reach the 3 months of akut
    f = only(r, "MINIMUM_MET_BY_CREDIT")
    assert f.severity == "warning"
    assert f.params == {
        "category": "akut",
        "required": 3,
        "served": 1,
        "credits": [
            {"index": 0, "months": 2, "kind": "foreign", "note": "Rigshospitalet 2024"},
            {"index": 2, "months": 1, "kind": "before_licence", "note": ""},
        ],
    }
    text = render(f)
    assert text.startswith("Emergency care reaches the required 3 months only with credited earlier service")
    assert "credit 1: 2 months of service abroad, Rigshospitalet 2024; credit 3: 1 months" in text
    assert "individual assessment" in text


def test_results_keep_service_credit_and_places_apart():
    plan = national_valid(credited=[credit("akut", 1.5, "foreign")])
    r = check_plan(plan)
    assert r.exact_fte == 13.5 and r.exact_credited == 1.5 and r.exact_service == 12
    assert r.places == 3
    same_unit = make_plan(
        pl("akut", "2026-09-01", "2026-12-31", unit="Medicin"),
        pl("akut", "2027-01-01", "2027-02-28", unit="  medicin "),
        pl("primarvard", "2027-03-01", "2027-08-31"),
    )
    assert check_plan(same_unit).places == 2


def test_category_names_are_lower_case_inside_a_sentence():
    r = check_plan(make_plan(pl("akut", "2026-09-01", "2027-02-28"), programme="gavleborg"))
    f = only(r, "ORDER_FIRST")
    assert render(f) == "The BT must start with primary care, not emergency care"
    short = next(
        f
        for f in check_plan(make_plan(pl("akut", "2026-09-01", "2026-12-31"), programme="vgr")).findings
        if f.code == "CATEGORY_TOO_SHORT"
    )
    assert render(short).startswith("Psychiatry: 0 of at least 2 months")


def test_gaps_between_placements_are_info():
    plan = make_plan(pl("akut", "2026-09-01", "2026-12-31"), pl("primarvard", "2027-01-11", "2027-08-31"))
    r = check_plan(plan)
    f = only(r, "GAP_BETWEEN_PLACEMENTS")
    assert f.severity == "info"
    assert f.params == {"indices": [0, 1], "start": "2027-01-01", "end": "2027-01-10", "days": 10}


def test_category_not_in_programme_is_a_warning():
    plan = template_plan("vgr", "fristaende", d("2027-01-01"))
    extra = make_plan(*plan.placements, pl("valfri", "2028-01-01", "2028-01-31"), programme="vgr")
    r = check_plan(extra)
    assert only(r, "CATEGORY_NOT_IN_PROGRAMME").params == {"index": 3, "category": "valfri"}


def test_plans_before_the_regulation_get_a_warning():
    plan = make_plan(pl("akut", "2020-09-01", "2020-12-31"), pl("primarvard", "2021-01-01", "2021-08-31"))
    r = check_plan(plan)
    assert only(r, "REGULATION_NOT_IN_FORCE").params == {"start": "2020-09-01", "in_force_from": "2021-07-01"}


def test_findings_are_sorted_by_severity_and_registered():
    plan = make_plan(
        pl("akut", "2026-09-01", "2026-10-31", unit="A"),
        pl("akut", "2026-11-10", "2026-11-30", extent=30),
        pl("valfri", "2026-12-01", "2026-12-31"),
        pl("annan", "2027-01-01", "2027-01-31"),
        pl("primarvard", "2027-02-01", "2027-02-28"),
        credited=[credit("valfri", 1)],
        bt_type="integrerad",
        programme="gavleborg",
    )
    r = check_plan(plan)
    order = {"error": 0, "warning": 1, "info": 2}
    assert [order[f.severity] for f in r.findings] == sorted(order[f.severity] for f in r.findings)
    for f in r.findings:
        assert f.code in FINDING_CODES and f.code in MESSAGES


def test_programme_argument_overrides_and_accepts_a_loaded_programme():
    plan = national_valid()
    assert check_plan(plan, load_programme("vgr")).codes == check_plan(plan, "vgr").codes
    assert "CATEGORY_TOO_SHORT" not in check_plan(plan, "vgr").codes  # psykiatri 2 months


def test_unknown_programme_raises():
    from rules import UnknownProgrammeError

    with pytest.raises(UnknownProgrammeError):
        check_plan(national_valid(), "atlantis")

"""Programme API, templates and the scheduler-facing view of the programmes."""

import itertools
from datetime import date, timedelta
from fractions import Fraction

import pytest

import rules
from rules import check_plan, load_programme, programme_ids, template_plan
from rules.findings import COMPLETENESS_CODES
from rules.templates import end_after_months

ALL = ["national", "vgr", "gavleborg", "orebro", "jonkoping", "ostergotland", "dalarna", "varmland", "sormland"]
CASES = [(pid, bt) for pid in ALL for bt in ("fristaende", "integrerad") if bt in load_programme(pid).bt_types]


def test_programme_ids():
    assert set(programme_ids()) == set(ALL) and programme_ids()[0] == "national"


@pytest.mark.parametrize("pid,bt_type", CASES)
def test_each_template_is_a_valid_plan(pid, bt_type):
    plan = template_plan(pid, bt_type, date(2027, 1, 1))
    result = check_plan(plan)
    assert result.valid, result.codes
    allowed_info = {"BELOW_NORM"} if pid in ("dalarna", "varmland") else set()
    # No warnings when starting on the 1st, except that a draft is not complete (no units,
    # no supervisors, no licence date yet).
    assert set(result.codes) - COMPLETENESS_CODES <= allowed_info
    assert not result.complete and "MAIN_SUPERVISOR_MISSING" in result.codes
    defaults = load_programme(pid).default_months()
    assert result.fte_months == pytest.approx(float(sum(Fraction(str(v)) for v in defaults.values())), abs=0.05)


@pytest.mark.parametrize("pid,bt_type", CASES)
def test_templates_are_valid_from_any_start_day(pid, bt_type):
    day = date(2027, 1, 1)
    while day < date(2029, 1, 1):
        result = check_plan(template_plan(pid, bt_type, day))
        assert result.valid, (day, result.codes)
        if day.day == 1:
            assert not [w for w in result.warnings if w.code not in COMPLETENESS_CODES], (day, result.codes)
        day += timedelta(days=3)


def test_both_bt_types_served_except_jonkoping():
    for pid in ALL:
        expected = ("integrerad",) if pid == "jonkoping" else ("fristaende", "integrerad")
        assert load_programme(pid).bt_types == expected


def test_template_for_a_bt_type_not_offered_raises():
    with pytest.raises(ValueError, match="does not offer"):
        template_plan("jonkoping", "fristaende", date(2027, 1, 1))


def test_template_turns_fractional_months_into_days():
    plan = template_plan("dalarna", "fristaende", date(2027, 1, 1))
    intro = plan.placements[0]
    assert intro.category == "introduktion" and (intro.start, intro.end) == (date(2027, 1, 1), date(2027, 1, 16))
    assert plan.placements[1].start == date(2027, 1, 17)
    assert [p.category for p in plan.placements] == ["introduktion", "akut", "primarvard", "psykiatri"]


def test_template_placements_are_consecutive():
    for pid, bt in CASES:
        ps = template_plan(pid, bt, date(2026, 9, 15)).placements
        assert all(b.start == a.end + timedelta(days=1) for a, b in itertools.pairwise(ps))


def test_gavleborg_template_starts_and_ends_at_the_main_supervisors_unit():
    ps = template_plan("gavleborg", "fristaende", date(2027, 1, 1)).placements
    assert ps[0].category == ps[-1].category == "primarvard"
    assert ps[0].unit == ps[-1].unit is not None


def test_end_after_months():
    assert end_after_months(date(2027, 1, 1), 3) == date(2027, 3, 31)
    assert end_after_months(date(2027, 1, 1), Fraction(1, 2)) == date(2027, 1, 16)
    with pytest.raises(ValueError):
        end_after_months(date(2027, 1, 1), 0)


def test_scheduler_view_of_a_programme():
    g = load_programme("gavleborg")
    assert (g.first_category, g.last_category, g.introduction_first) == ("primarvard", "primarvard", False)
    o = load_programme("ostergotland")
    assert o.introduction_first and o.first_category is None
    assert o.requirements("integrerad") == {"akut": 3, "primarvard": 3, "psykiatri": 3}
    assert o.default_months() == {"introduktion": 1, "akut": 4, "primarvard": 4, "psykiatri": 3}
    assert o.intake == (4, 11)
    assert (o.min_total_months, o.norm_total_months, o.max_total_months) == (6, 12, 13)
    n = load_programme("national")
    assert n.requirements("fristaende") == {"akut": 3, "primarvard": 3}
    assert n.max_total_months is None
    assert "annan" in n.allowed_categories and "introduktion" in n.allowed_categories
    assert load_programme("vgr").allowed_categories == ("akut", "primarvard", "psykiatri")
    assert load_programme("sormland").max_months("akut") == 5
    assert load_programme("vgr").max_months("valfri") is None
    with pytest.raises(ValueError):
        load_programme("jonkoping").requirements("fristaende")


def test_assessment_cadence():
    assert load_programme("gavleborg").assessment_cadence.expected_for_placement(3) == 4  # 3 monthly + final
    assert load_programme("jonkoping").assessment_cadence.expected_for_placement(3) == 2
    assert load_programme("jonkoping").assessment_cadence.expected_for_placement(6) == 4
    assert load_programme("dalarna").assessment_cadence.expected_for_placement(1) == 2
    assert load_programme("vgr").assessment_cadence.review_at_months == (3, 9)
    assert load_programme("national").assessment_cadence.expected_for_placement(4) == 0


def test_supervisor_requirements():
    assert load_programme("gavleborg").supervisor_requirements.bt_handledarutbildning == "required"
    assert load_programme("jonkoping").supervisor_requirements.bt_handledarutbildning == "recommended"
    assert load_programme("vgr").supervisor_requirements.bt_handledarutbildning == "no"


def test_goal_categories_guidance():
    p = load_programme("vgr")
    assert p.goal_categories["BT2"] == ("psykiatri",)
    assert set(p.goal_categories["BT1"]) == {"akut", "primarvard"}
    assert {"BT12", "BT16"} <= set(p.goals_for_category("primarvard"))
    assert "BT18" in p.goals_for_category("akut")


def test_unknown_programme():
    with pytest.raises(rules.UnknownProgrammeError, match="atlantis"):
        load_programme("atlantis")


def test_to_dict_is_a_copy_of_the_data():
    d = load_programme("vgr").to_dict()
    d["id"] = "changed"
    assert load_programme("vgr").to_dict()["id"] == "vgr"

"""Leave as data: which kinds must be made up, and the short sick leave a region may let count."""

from dataclasses import replace
from fractions import Fraction

import pytest

import rules
from rules import check_plan, load_programme, load_regulation
from rules.counting import count_service, deducted_leave
from rules.leave import LeavePolicy, leave_policy
from rules.regulations import RulesDataError, _parse

from .factories import d, leave, make_plan, national_valid, pl


def test_the_kinds_are_the_regulations_data_and_each_is_classified_once():
    reg = load_regulation()
    assert reg.make_up_leave == {"parental", "sick", "unpaid"}
    assert reg.counts_as_service_leave == {"vacation"}
    # Conservative national default until a source says otherwise: every sick day is made up.
    assert reg.short_sick_leave_days == 0
    assert "short_sick_leave_days" in " ".join(reg.raw["notes"]) and "UNCERTAIN" in " ".join(reg.raw["notes"])
    raw = dict(reg.raw)
    raw["parameters"] = dict(raw["parameters"], counts_as_service_leave=["vacation", "sick"])
    with pytest.raises(RulesDataError):
        _parse(raw, "test")  # sick both made up and counted


def test_a_programme_may_set_its_own_threshold():
    reg = load_regulation()
    national = load_programme("national")
    assert national.short_sick_leave_days is None
    assert leave_policy(reg, national).short_sick_leave_days == 0
    regional = replace(national, short_sick_leave_days=14)
    assert leave_policy(reg, regional).short_sick_leave_days == 14


def test_short_sick_spells_count_as_service_longer_ones_are_made_up_in_full():
    policy = LeavePolicy(make_up=frozenset({"parental", "sick", "unpaid"}), short_sick_leave_days=7)
    spells = [
        leave("sick", "2026-10-05", "2026-10-09"),  # 5 days: counts
        leave("sick", "2026-11-02", "2026-11-05"),  # 4 + 4 adjacent = one 8-day spell: made up
        leave("sick", "2026-11-06", "2026-11-09"),
        leave("vacation", "2026-12-01", "2026-12-20"),  # counts
        leave("parental", "2027-01-04", "2027-01-05"),  # always made up
    ]
    assert policy.deducted(spells) == [(d("2026-11-02"), d("2026-11-09")), (d("2027-01-04"), d("2027-01-05"))]
    # Without a threshold every sick day is deducted (the national default).
    assert len(deducted_leave(spells, frozenset({"parental", "sick", "unpaid"}))) == 3


def test_the_threshold_changes_the_count_and_never_adds_service_beyond_the_plan():
    plan = national_valid(leave=[leave("sick", "2026-10-05", "2026-10-09")])
    strict = count_service(plan, LeavePolicy(make_up=frozenset({"sick"})))
    lenient = count_service(plan, LeavePolicy(make_up=frozenset({"sick"}), short_sick_leave_days=5))
    assert lenient.total == 12 and strict.total < 12
    assert lenient.leave_days == 0 and strict.leave_days == 5
    assert check_plan(plan).exact_fte == strict.total  # national: conservative


def test_check_plan_uses_the_programmes_threshold(monkeypatch):
    plan = make_plan(
        pl("akut", "2026-09-01", "2026-11-30"),
        pl("primarvard", "2026-12-01", "2027-08-31"),
        leave=[leave("sick", "2026-10-05", "2026-10-09")],
    )
    assert "EMERGENCY_CARE_TOO_SHORT" in check_plan(plan).codes
    lenient = replace(load_programme("national"), short_sick_leave_days=10)
    result = check_plan(plan, lenient)
    assert "EMERGENCY_CARE_TOO_SHORT" not in result.codes and result.exact_months_by_category["akut"] == 3
    assert result.exact_fte == Fraction(12)


def test_every_programme_file_states_the_key():
    for pid in rules.programme_ids():
        p = load_programme(pid)
        assert "short_sick_leave_days" in p.raw["leave"]

"""Integrity of the data files: the regulation, the 18 delmål and every programme."""

import json
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

import rules
import rules.regulations as regmod
from rules.model import BT_TYPES, CATEGORIES

DATA = Path(rules.__file__).parent / "data"
PROGRAMME_KEYS = {
    "id",
    "name_sv",
    "name_en",
    "region",
    "regulation",
    "bt_types",
    "total_months",
    "slots",
    "category_minimums",
    "extra_categories",
    "order",
    "assessment_cadence",
    "supervisor_requirements",
    "goal_categories",
    "intake",
    "leave",
    "sources",
    "notes",
}


def test_there_are_eighteen_goals_bt1_to_bt18():
    goals = rules.goals()
    assert [g.id for g in goals] == [f"BT{i}" for i in range(1, 19)]
    for g in goals:
        assert g.title_sv.strip() and g.title_en.strip()
        assert g.requirements
        for r in g.requirements:
            assert r.sv.strip() and r.en.strip() and ";" not in r.sv


def test_goal_texts_match_domain_table():
    g = {x.id: x for x in rules.goals()}
    assert g["BT2"].title_sv == "Psykiatriska sjukdomstillstånd och övrig psykisk ohälsa"
    assert len(g["BT2"].requirements) == 8 and g["BT2"].requirements[3].sv == "bedöma suicidrisk"
    assert [r.sv for r in g["BT18"].requirements] == ["utfärda dödsbevis", "utfärda dödsorsaksintyg"]
    assert len(g["BT1"].requirements) == 6 and len(g["BT15"].requirements) == 4


def test_national_parameters():
    reg = rules.load_regulation("HSLF-FS 2021:8")
    assert reg.in_force_from == date(2021, 7, 1)
    assert (reg.min_total_months, reg.norm_total_months) == (6, 12)
    assert dict(reg.category_minimums) == {"akut": 3, "primarvard": 3}
    assert reg.max_places_of_service == 4 and reg.min_extent_percent == 50
    assert reg.make_up_leave == {"parental", "sick", "unpaid"}
    assert reg.integrated_max_months == 24


def test_regulation_for_picks_the_newest_version_in_force(monkeypatch):
    old = rules.load_regulation()
    newer = regmod.Regulation(
        **{
            **{f: getattr(old, f) for f in old.__dataclass_fields__},
            "id": "HSLF-FS 2030:1",
            "in_force_from": date(2030, 1, 1),
        }
    )
    monkeypatch.setattr(regmod, "_all", lambda: (old, newer))
    assert rules.regulation_for(date(2029, 12, 31)).id == "HSLF-FS 2021:8"
    assert rules.regulation_for(date(2030, 1, 1)).id == "HSLF-FS 2030:1"
    with pytest.raises(LookupError):
        rules.regulation_for(date(2021, 6, 30))


def test_every_regulation_file_loads():
    files = sorted((DATA / "regulations").glob("*.json"))
    assert len(rules.regulation_versions()) == len(files) >= 1


@pytest.mark.parametrize("path", sorted((DATA / "programmes").glob("*.json")), ids=lambda p: p.stem)
def test_programme_file_integrity(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert set(raw) == PROGRAMME_KEYS  # one uniform shape
    p = rules.load_programme(path.stem)
    goal_ids = set(rules.load_regulation(p.regulation).goal_ids)
    assert p.id == path.stem and p.regulation == "HSLF-FS 2021:8"
    assert set(p.bt_types) <= set(BT_TYPES)
    referenced = (
        {s.category for s in p.slots}
        | set(p.category_minimums)
        | set(p.extra_categories)
        | {c for cs in p.goal_categories.values() for c in cs}
    )
    assert referenced <= set(CATEGORIES)
    assert set(p.goal_categories) <= goal_ids
    for cats in p.goal_categories.values():
        assert set(cats) <= set(p.allowed_categories)
    assert (p.region is None) == (p.id == "national")
    for s in p.slots:
        assert s.label_sv and s.label_en
    # the required slots' minimums can never fall below a category requirement
    for cat, months in p.requirements(p.bt_types[0]).items():
        required_min = sum(Fraction(str(s.min)) for s in p.slots if s.category == cat and s.required)
        assert required_min >= Fraction(str(months)), (cat, required_min, months)


def test_psychiatry_is_required_where_domain_says_so():
    for pid in ("vgr", "ostergotland", "varmland", "dalarna", "orebro", "jonkoping", "sormland"):
        assert rules.load_programme(pid).requirements("integrerad").get("psykiatri", 0) >= 2, pid
    for pid in ("national", "gavleborg"):
        assert "psykiatri" not in rules.load_programme(pid).requirements("integrerad")


def test_regional_numbers_from_domain():
    ost = rules.load_programme("ostergotland")
    assert [(s.category, s.default) for s in ost.slots] == [
        ("introduktion", 1),
        ("akut", 4),
        ("primarvard", 4),
        ("psykiatri", 3),
    ]
    dal = rules.load_programme("dalarna")
    assert [(s.category, s.default) for s in dal.slots if s.default] == [
        ("introduktion", 0.5),
        ("akut", 4),
        ("primarvard", 4),
        ("psykiatri", 2),
    ]
    var = rules.load_programme("varmland")
    assert [(s.category, s.default) for s in var.slots] == [
        ("primarvard", 2),
        ("akut", 3),
        ("psykiatri", 2),
        ("primarvard", 3),
    ]
    srm = rules.load_programme("sormland").default_months()
    assert srm == {"akut": 5, "primarvard": 4, "psykiatri": 3}
    jkp = rules.load_programme("jonkoping")
    assert jkp.default_months() == {"akut": 3, "primarvard": 6, "psykiatri": 3}
    assert next(s for s in jkp.slots if s.category == "primarvard").min == 3
    gav = rules.load_programme("gavleborg")
    assert [s.category for s in gav.slots] == ["primarvard", "akut", "psykiatri", "valfri", "primarvard"]
    vgr = rules.load_programme("vgr")
    assert all(s.required for s in vgr.slots) and vgr.total_months.norm == 12


def test_the_regulation_is_cited_by_its_title():
    reg = rules.load_regulation("HSLF-FS 2021:8")
    assert reg.title_sv == (
        "Socialstyrelsens föreskrifter och allmänna råd (HSLF-FS 2021:8) om läkarnas specialiseringstjänstgöring"
    )
    assert "(HSLF-FS 2021:8)" in reg.title_en and "specialist training" in reg.title_en

"""Reading a cohort: effective requirements come from the rules module; bad input names the field."""

import pytest

import rules
from scheduling.model import Cohort, CohortFormatError

from .cohorts import cohort, national, unit

ISSUE_EXAMPLE = {
    "horizon": {"start": "2027-01", "months": 24},
    "units": [{"id": "akut-sus", "category": "akut", "capacity": 2, "capacity_by_month": {"2027-07": 1}}],
    "trainees": [
        {
            "id": "t1",
            "programme": "national",
            "requirements": [{"category": "akut", "months": 3}, {"category": "primarvard", "months": 3}],
            "total_months": 12,
            "earliest_start": "2027-01",
            "latest_start": "2027-03",
            "unavailable": ["2027-06"],
            "preferences": [{"unit": "akut-sus", "weight": 3}],
        }
    ],
}


def test_it_reads_the_example_from_the_issue():
    c = Cohort.from_dict(ISSUE_EXAMPLE)
    (t,) = c.trainees
    assert (c.start, c.months) == ((2027, 1), 24)
    assert c.units[0].capacity_in(6) == 1 and c.units[0].capacity_in(5) == 2
    assert t.requirements == {"akut": 3, "primarvard": 3} and t.total_months == 12
    assert (t.earliest_start, t.latest_start, t.unavailable) == (0, 2, frozenset({5}))
    assert t.preferences[0].unit == "akut-sus" and t.preferences[0].weight == 3


@pytest.mark.parametrize("pid", rules.programme_ids())
def test_it_takes_requirements_order_and_length_from_the_rules_module(pid):
    prog = rules.load_programme(pid)
    bt_type = "fristaende" if prog.offers("fristaende") else prog.bt_types[0]
    data = cohort([{"id": "t", "programme": pid, "bt_type": bt_type}], [unit("a", "akut")])
    (t,) = Cohort.from_dict(data).trainees
    assert t.requirements == {c: -(-m // 1) for c, m in prog.requirements(bt_type).items()}
    assert t.total_months == -(-prog.norm_total_months // 1)
    assert (t.first_category, t.last_category, t.introduction_first) == (
        prog.first_category,
        prog.last_category,
        prog.introduction_first,
    )
    assert set(t.categories) <= set(prog.allowed_categories)


def test_an_override_replaces_the_programme():
    data = cohort([national("t", total=8, akut=4, primarvard=2)], [unit("a", "akut")])
    (t,) = Cohort.from_dict(data).trainees
    assert t.requirements == {"akut": 4, "primarvard": 2} and t.total_months == 8
    assert t.requirements_overridden and t.total_overridden


def _set(d, path, value):
    keys = path.split(".")
    for k in keys[:-1]:
        d = d[int(k)] if isinstance(d, list) else d[k]
    if value is KeyError:
        del d[keys[-1]]
    else:
        d[int(keys[-1]) if isinstance(d, list) else keys[-1]] = value


@pytest.mark.parametrize(
    "path,value,field",
    [
        ("horizon.start", "2027-13", "horizon.start"),
        ("horizon.months", 0, "horizon.months"),
        ("units.0.category", "kirurgi", "units[0].category"),
        ("units.0.capacity", -1, "units[0].capacity"),
        ("units.0.capacity_by_month", {"2027-7": 1}, "units[0].capacity_by_month.2027-7"),
        ("trainees.0.programme", "atlantis", "trainees[0].programme"),
        ("trainees.0.programme", KeyError, "trainees[0].programme"),
        ("trainees.0.bt_type", "deltid", "trainees[0].bt_type"),
        ("trainees.0.earliest_start", "2027-13", "trainees[0].earliest_start"),
        ("trainees.0.latest_start", "2026-12", "trainees[0].latest_start"),
        ("trainees.0.unavailable", ["juni"], "trainees[0].unavailable[0]"),
        ("trainees.0.requirements", [{"category": "tandvard", "months": 3}], "trainees[0].requirements[0].category"),
        ("trainees.0.requirements", [{"category": "akut", "months": -3}], "trainees[0].requirements[0].months"),
        ("trainees.0.total_months", 0, "trainees[0].total_months"),
        ("trainees.0.preferences", [{"unit": "nowhere", "weight": 1}], "trainees[0].preferences[0].unit"),
        ("trainees.0.preferences", [{"unit": "akut-sus", "weight": 1.5}], "trainees[0].preferences[0].weight"),
        ("trainees.0.extend", 1, "trainees[0].extend"),
    ],
)
def test_bad_input_names_the_field(path, value, field):
    import copy

    data = copy.deepcopy(ISSUE_EXAMPLE)
    _set(data, path, value)
    with pytest.raises(CohortFormatError) as err:
        Cohort.from_dict(data)
    assert err.value.field == field
    assert str(err.value).startswith(field + ":")


def test_duplicate_ids_are_rejected():
    data = cohort([national("t"), national("t")], [unit("a", "akut")])
    with pytest.raises(CohortFormatError, match=r"trainees\[1\]\.id"):
        Cohort.from_dict(data)

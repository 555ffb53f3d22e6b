"""The JSON plan format: round trip and format errors that name the field."""

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from rules import Plan, PlanFormatError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
GOOD = {
    "programme": "national",
    "bt_type": "fristaende",
    "start": "2026-09-01",
    "placements": [
        {"category": "akut", "unit": "Medicin", "start": "2026-09-01", "end": "2026-12-31", "extent": 100},
        {"category": "primarvard", "start": "2027-01-01", "end": "2027-08-31", "extent": 75},
    ],
    "leave": [{"kind": "sick", "start": "2026-10-01", "end": "2026-10-02"}],
    "credited": [{"category": "psykiatri", "months": 1.5, "kind": "before_licence"}],
}


def test_round_trip():
    plan = Plan.from_dict(GOOD)
    assert plan.placements[1].extent == 75 and plan.placements[1].unit is None
    assert plan.start == date(2026, 9, 1) and plan.end is None
    assert Plan.from_dict(plan.to_dict()) == plan
    assert json.loads(json.dumps(plan.to_dict())) == plan.to_dict()


def test_optional_parts_default():
    d = {k: v for k, v in GOOD.items() if k not in ("leave", "credited")}
    d["placements"] = [{"category": "akut", "start": "2026-09-01", "end": "2026-12-31"}]
    plan = Plan.from_dict(d)
    assert plan.leave == () and plan.credited == () and plan.placements[0].extent == 100


def test_date_objects_are_accepted_and_lists_become_tuples():
    d = copy.deepcopy(GOOD)
    d["start"] = date(2026, 9, 1)
    plan = Plan.from_dict(d)
    assert plan.start == date(2026, 9, 1)
    assert isinstance(Plan("national", "fristaende", date(2026, 9, 1), []).placements, tuple)


def test_examples_parse():
    for path in EXAMPLES.glob("*.json"):
        Plan.from_dict(json.loads(path.read_text(encoding="utf-8")))


def _with(path, value):
    d = copy.deepcopy(GOOD)
    target = d
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return d


@pytest.mark.parametrize(
    "path,value,message",
    [
        (("placements", 1, "end"), "2027-13-01", "placements[1].end: not a valid calendar date"),
        (("placements", 1, "end"), "31/08/2027", "placements[1].end: not a date (expected YYYY-MM-DD)"),
        (("placements", 1, "end"), "20270831", "placements[1].end: not a date (expected YYYY-MM-DD)"),
        (("placements", 0, "start"), KeyError, "placements[0].start: missing"),
        (("placements", 0, "category"), "kirurgi", "placements[0].category: unknown value 'kirurgi'"),
        (("placements", 0, "extent"), "100", "placements[0].extent: expected a number"),
        (("placements", 0, "extent"), True, "placements[0].extent: expected a number"),
        (("placements", 0, "extend"), 50, "placements[0].extend: unknown field"),
        (("placements", 0, "unit"), "", "placements[0].unit: expected a non-empty string"),
        (("placements", 0), "akut", "placements[0]: expected a JSON object"),
        (("placements",), {"a": 1}, "placements: expected a list"),
        (("programme",), KeyError, "programme: missing"),
        (("bt_type",), "deltid", "bt_type: unknown value 'deltid'"),
        (("start",), 20260901, "start: not a date"),
        (("end",), "2027-02-30", "end: not a valid calendar date"),
        (("leave", 0, "kind"), "study", "leave[0].kind: unknown value 'study'"),
        (("credited", 0, "months"), -1, "credited[0].months: must not be negative"),
        (("credited", 0, "kind"), "swedish", "credited[0].kind: unknown value"),
        (("colour",), "blue", "colour: unknown field"),
    ],
)
def test_format_errors_name_the_field(path, value, message):
    with pytest.raises(PlanFormatError) as info:
        Plan.from_dict(_with(path, value))
    assert str(info.value).startswith(message)
    assert info.value.field == message.split(":")[0]
    assert isinstance(info.value, ValueError)


def test_top_level_must_be_an_object():
    with pytest.raises(PlanFormatError, match=r"^plan: expected a JSON object"):
        Plan.from_dict([1, 2])

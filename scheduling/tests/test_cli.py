"""The planner from the command line and through `solve`, checked by the independent checker."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.checker import check
from scheduling.model import Cohort
from scheduling.solver import solve

ROOT = Path(__file__).resolve().parents[2]


def _cohort(trainees, units, months=24):
    return {"horizon": {"start": "2027-01", "months": months}, "units": units, "trainees": trainees}


def _national(tid, **extra):
    return {
        "id": tid,
        "programme": "national",
        "total_months": 6,
        "requirements": [{"category": "akut", "months": 3}, {"category": "primarvard", "months": 3}],
        "earliest_start": "2027-01",
        "latest_start": "2027-01",
        **extra,
    }


UNITS = [{"id": "akut", "category": "akut", "capacity": 1}, {"id": "vc", "category": "primarvard", "capacity": 1}]


def _run(tmp_path, data, *args):
    src, out = tmp_path / "in.json", tmp_path / "out.json"
    src.write_text(json.dumps(data) if not isinstance(data, str) else data)
    result = subprocess.run(
        [sys.executable, "manage.py", "plan_cohort", "--input", str(src), "--output", str(out), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result, (json.loads(out.read_text()) if out.exists() else None)


@pytest.mark.parametrize("method", ["cpsat", "greedy"])
def test_two_trainees_share_two_units_in_turn(tmp_path, method):
    """Known optimum: one starts in akut and one in primärvård; both finish after 6 months."""
    data = _cohort([_national("a"), _national("b")], UNITS, months=6)
    result, plan = _run(tmp_path, data, "--method", method, "--time-limit", "10")
    assert result.returncode == 0, result.stderr
    assert plan["unassigned"] == []
    firsts = sorted(a["category"] for a in plan["assignments"] if a["start"] == "2027-01")
    assert firsts == ["akut", "primarvard"]
    cohort = Cohort.from_dict(data)
    assert check(cohort, solve(cohort, method, time_limit=10)) == []


def test_too_little_capacity_is_explained(tmp_path):
    data = _cohort([_national(t) for t in "abc"], UNITS, months=6)
    result, plan = _run(tmp_path, data, "--time-limit", "10")
    assert result.returncode == 0
    assert plan["status"] == "infeasible" or plan["unassigned"]
    text = " ".join(plan["explanation"])
    assert "akut" in text or "primarvard" in text


@pytest.mark.parametrize(
    "data,field",
    [
        (_cohort([], UNITS) | {"horizon": {"start": "2027-13", "months": 24}}, "horizon.start"),
        (_cohort([_national("a")], [{"id": "x", "category": "nonsense", "capacity": 1}]), "category"),
        (_cohort([_national("a")], [{"id": "x", "category": "akut", "capacity": -1}]), "capacity"),
        (_cohort([_national("a") | {"programme": "atlantis"}], UNITS), "programme"),
        ({"units": [], "trainees": []}, "horizon"),
        ("{not json", "JSON"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(tmp_path, data, field):
    result, plan = _run(tmp_path, data)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0] and "Traceback" not in result.stderr
    assert plan is None


@st.composite
def cohorts(draw):
    units = [
        {"id": f"{c}{i}", "category": c, "capacity": draw(st.integers(0, 2))}
        for c in ("akut", "primarvard", "psykiatri")
        for i in range(draw(st.integers(1, 2)))
    ]
    # As the app builds it: the region's introduction is a roomy pseudo-unit.
    units.append({"id": "intro", "category": "introduktion", "capacity": 99})
    trainees = []
    for n in range(draw(st.integers(1, 5))):
        start = draw(st.integers(1, 4))
        trainees.append(
            {
                "id": f"t{n}",
                "programme": draw(st.sampled_from(["national", "vgr", "gavleborg", "ostergotland"])),
                "bt_type": "fristaende",
                "earliest_start": f"2027-{start:02d}",
                "latest_start": f"2027-{start + 1:02d}",
                "unavailable": [f"2027-{m:02d}" for m in draw(st.lists(st.integers(1, 12), max_size=2, unique=True))],
            }
        )
    return _cohort(trainees, units, months=24)


@settings(max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(cohorts(), st.sampled_from(["greedy", "cpsat"]))
def test_every_returned_plan_satisfies_every_hard_constraint(data, method):
    cohort = Cohort.from_dict(data)
    solution = solve(cohort, method, time_limit=3, seed=1)
    assert check(cohort, solution) == []


@pytest.mark.parametrize("method", ["greedy", "cpsat"])
def test_a_required_category_without_any_unit_leaves_the_trainee_unassigned(method):
    data = _cohort(
        [
            {
                "id": "t0",
                "programme": "ostergotland",
                "bt_type": "fristaende",
                "earliest_start": "2027-01",
                "latest_start": "2027-02",
            }
        ],
        [{"id": c, "category": c, "capacity": 1} for c in ("akut", "primarvard", "psykiatri")],
    )
    cohort = Cohort.from_dict(data)
    solution = solve(cohort, method, time_limit=5, seed=1)
    assert check(cohort, solution) == []

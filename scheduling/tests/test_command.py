"""`manage.py plan_cohort` as a subprocess: no database, a plan file, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scheduling.checker import check
from scheduling.model import Cohort
from scheduling.solution import Solution

from .cohorts import cohort, national, unit

ROOT = Path(__file__).resolve().parents[2]
GOOD = cohort(
    [national("t1", preferences=[{"unit": "akut-a", "weight": 3}]), national("t2")],
    [unit("akut-a", "akut"), unit("akut-b", "akut"), unit("vc", "primarvard", 2)],
    months=8,
)


def _run(tmp_path, data, *args):
    src, out = tmp_path / "cohort.json", tmp_path / "plan.json"
    src.write_text(data if isinstance(data, str) else json.dumps(data))
    # An unreachable database proves that a file-to-file run needs none.
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"}
    result = subprocess.run(
        [sys.executable, "manage.py", "plan_cohort", "--input", str(src), "--output", str(out), *args],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    return result, (json.loads(out.read_text()) if out.exists() else None)


def test_it_writes_a_valid_plan(tmp_path):
    result, plan = _run(tmp_path, GOOD, "--time-limit", "5", "--seed", "3", "--weight", "moves=4")
    assert result.returncode == 0, result.stderr
    assert plan["status"] == "optimal" and plan["unassigned"] == [] and plan["gap"] == 0
    assert {"objective", "bound", "gap", "seconds", "assignments", "explanation"} <= set(plan)
    assert set(plan["assignments"][0]) == {"trainee", "unit", "category", "start", "months"}
    assert plan["stats"]["weights"]["moves"] == 4
    c = Cohort.from_dict(GOOD)
    assert check(c, Solution.from_dict(plan, c)) == []
    assert "optimal: 2 of 2 trainees placed" in result.stderr


def _with(path, value):
    data = json.loads(json.dumps(GOOD))
    obj = data
    keys = path.split(".")
    for k in keys[:-1]:
        obj = obj[int(k)] if k.isdigit() else obj[k]
    if value is None:
        del obj[keys[-1]]
    else:
        obj[keys[-1]] = value
    return data


@pytest.mark.parametrize(
    "data,args,field",
    [
        (_with("trainees.0.programme", None), [], "trainees[0].programme: missing"),
        (_with("trainees.1.earliest_start", "2027-13"), [], "trainees[1].earliest_start"),
        (
            _with("trainees.0.requirements", [{"category": "ortopedi", "months": 3}]),
            [],
            "trainees[0].requirements[0].category: unknown category 'ortopedi'",
        ),
        (_with("trainees.1.programme", "narnia"), [], "trainees[1].programme: unknown programme 'narnia'"),
        (_with("units.2.capacity", -2), [], "units[2].capacity: must not be negative"),
        (GOOD, ["--weight", "moves=lots"], "--weight"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(tmp_path, data, args, field):
    result, plan = _run(tmp_path, data, *args)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0], result.stderr
    assert "Traceback" not in result.stderr and plan is None

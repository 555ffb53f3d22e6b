"""``python -m rules`` through a subprocess: output shape and exit codes 0 / 1 / 2."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "rules" / "examples"


def run(*args, stdin=None):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "rules", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_line_error(proc, *fragments):
    assert proc.returncode == 2, proc
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_check_a_valid_plan_exits_0():
    proc = run("check", str(EXAMPLES / "valid-national.json"))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"valid", "fte_months", "months_by_category", "findings"}
    assert out["valid"] is True and out["fte_months"] == 12.0
    assert out["months_by_category"]["primarvard"] == 6.0
    assert out["findings"] == []  # complete: licence date, huvudhandledare, units and handledare


@pytest.mark.parametrize(
    "name,code",
    [
        ("invalid-too-short.json", "PLAN_TOO_SHORT"),
        ("invalid-sick-leave-akut.json", "EMERGENCY_CARE_TOO_SHORT"),
        ("invalid-gavleborg-order.json", "ORDER_FIRST"),
        ("invalid-jonkoping-fristaende.json", "BT_TYPE_NOT_OFFERED"),
        ("invalid-overlap-outside.json", "PLACEMENTS_OVERLAP"),
    ],
)
def test_check_an_invalid_plan_exits_1(name, code):
    proc = run("check", str(EXAMPLES / name))
    assert proc.returncode == 1, proc.stderr
    out = json.loads(proc.stdout)
    assert out["valid"] is False
    finding = next(f for f in out["findings"] if f["code"] == code)
    assert set(finding) == {"code", "severity", "message", "params"}
    assert finding["severity"] == "error" and finding["message"]


def test_unreadable_file_exits_2(tmp_path):
    assert_one_line_error(run("check", str(tmp_path / "missing.json")), "missing.json", "cannot read")
    assert_one_line_error(run("check", str(tmp_path)), "cannot read")


def test_bad_json_exits_2(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"programme": "national",', encoding="utf-8")
    assert_one_line_error(run("check", str(path)), "not valid JSON")


def test_missing_field_exits_2(tmp_path):
    plan = json.loads((EXAMPLES / "valid-national.json").read_text(encoding="utf-8"))
    del plan["placements"][1]["start"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    assert_one_line_error(run("check", str(path)), "placements[1].start: missing")


def test_bad_date_exits_2(tmp_path):
    plan = json.loads((EXAMPLES / "valid-national.json").read_text(encoding="utf-8"))
    plan["placements"][2]["end"] = "2027-31-08"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    assert_one_line_error(run("check", str(path)), "placements[2].end:", "YYYY-MM-DD")


def test_unknown_programme_exits_2(tmp_path):
    plan = json.loads((EXAMPLES / "valid-national.json").read_text(encoding="utf-8"))
    plan["programme"] = "atlantis"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    assert_one_line_error(run("check", str(path)), "programme:", "atlantis")


def test_check_reads_stdin():
    proc = run("check", "-", stdin=(EXAMPLES / "valid-national.json").read_text(encoding="utf-8"))
    assert proc.returncode == 0 and json.loads(proc.stdout)["valid"]


def test_programmes_lists_ids_and_names():
    proc = run("programmes")
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[0].startswith("national")
    assert "Gävleborg" in proc.stdout
    rows = json.loads(run("programmes", "--json").stdout)
    assert len(rows) == 9 and {"id", "name_sv", "name_en"} <= set(rows[0])


def test_template_output_is_accepted_by_check(tmp_path):
    proc = run("template", "jonkoping", "--bt-type", "integrerad", "--start", "2027-01-01")
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / "t.json"
    path.write_text(proc.stdout, encoding="utf-8")
    checked = run("check", str(path))
    assert checked.returncode == 0, checked.stdout
    assert json.loads(checked.stdout)["fte_months"] == 12.0


def test_template_errors_exit_2():
    assert_one_line_error(
        run("template", "jonkoping", "--bt-type", "fristaende", "--start", "2027-01-01"), "does not offer"
    )
    assert_one_line_error(run("template", "atlantis", "--start", "2027-01-01"), "atlantis")
    assert_one_line_error(run("template", "vgr", "--start", "2027-1-1"), "--start")

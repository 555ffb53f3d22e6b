"""Issue 14: people see the planner's method and result in words, and a run that has not started after
a minute says so (the template shows the note, with whom to contact)."""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation

from scheduling.models import PlanningRun, RunStatus


def _run(**fields):
    run = PlanningRun(pk=7, status=RunStatus.QUEUED, method="cpsat", **fields)
    run.created_at = fields.get("created_at", timezone.now())
    return run


def test_the_method_and_the_result_are_words():
    with translation.override("sv"):
        run = _run(result={"status": "feasible", "seconds": 3, "objective": 12})
        assert run.method_label == "Optimera (CP-SAT)"
        assert "tidsgränsen" in run.result_label and "feasible" not in run.result_label


def test_a_run_waiting_for_more_than_a_minute_says_so_in_plain_words():
    fresh = _run()
    late = _run(created_at=timezone.now() - datetime.timedelta(seconds=61))
    assert not fresh.waiting_too_long and late.waiting_too_long
    with translation.override("sv"):
        html = render_to_string("scheduling/_run_status.html", {"run": late, "waiting": True})
    assert 'data-testid="run-not-started"' in html and "administratör" in html
    assert "manage.py" not in html and "db_worker" not in html
    with translation.override("sv"):
        html = render_to_string("scheduling/_run_status.html", {"run": fresh, "waiting": True})
    assert 'data-testid="run-not-started"' not in html and "manage.py" not in html

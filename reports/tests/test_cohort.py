"""The dashboard's facts per BT-läkare (reports.cohort), each from the module that owns it."""

import datetime
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import rules.counting
from assessments import cadence
from portfolio.progress import ProgressState, progress
from portfolio.tests.factories import make_placement
from reports.cohort import Phase, cohort_rows
from trainees.models import Trainee
from trainees.services import check_plan

from .factories import TODAY, make_cohort

pytestmark = pytest.mark.django_db
D = datetime.date


def _row(trainee, today=TODAY):
    return cohort_rows(Trainee.objects.filter(pk=trainee.pk), today=today)[0]


def test_a_row_takes_its_facts_from_the_modules_that_own_them(world):
    (t,) = make_cohort(world, 1, start=D(2026, 11, 1))
    row = _row(t)
    assert row.phase == Phase.IN_PLACEMENT
    assert row.current_is_now and row.current.category == "akut"
    # Months: the rules module's count, done until today (leave deducted, credit in full) and planned.
    assert row.months_planned == check_plan(t).result.exact_fte
    assert row.months_done == rules.counting.service_done(
        rules.Plan(
            programme="vgr",
            bt_type="fristaende",
            start=t.planned_start,
            placements=(rules.Placement("akut", D(2026, 11, 1), D(2027, 4, 30)),),
            leave=(rules.Leave("sick", D(2026, 12, 1), D(2026, 12, 5)),),
            credited=(rules.Credit("psykiatri", 1, "foreign"),),
        ),
        TODAY,
    )
    assert Fraction(4) < row.months_done < Fraction(5)
    # Delmål: the progress rule (an activity and a signed assessment: evidenced).
    assert row.goals == {gp.goal.code: gp.state for gp in progress(t, today=TODAY)}
    assert row.goals["BT1"] == ProgressState.EVIDENCED and row.goals_evidenced == 1 and row.goals_total == 18
    # Assessments: signed ones, and the cadence's open items.
    items = cadence.due_items(t, today=TODAY)
    assert row.assessments_done == 1
    assert row.assessments_overdue == sum(1 for i in items if i.status == cadence.OVERDUE)
    assert row.expected_completion == D(2027, 10, 31)
    assert row.started_on == D(2026, 11, 1)


def test_it_finds_missing_supervisors_and_plan_findings(world):
    (t,) = make_cohort(world, 1, start=D(2026, 11, 1))
    row = _row(t, today=D(2027, 4, 10))  # the primärvård placement without handledare starts within 30 days
    assert [p.category for p in row.placements_without_supervisor] == ["primarvard"]
    assert not row.main_supervisor_missing and row.supervisor_missing and row.needs_attention
    t.main_supervisor = None
    t.save()
    assert _row(t).main_supervisor_missing
    assert [f.code for f in _row(t).errors] == [f.code for f in check_plan(t).errors]


@pytest.mark.parametrize(
    "status,placements,phase",
    [
        ("planned", True, Phase.NOT_STARTED),
        ("active", False, Phase.NO_PLAN),
        ("active", True, Phase.IN_PLACEMENT),
        ("paused", True, Phase.PAUSED),
        ("completed", True, Phase.COMPLETED),
        ("discontinued", True, Phase.DISCONTINUED),
    ],
)
def test_the_phase_follows_status_and_placements(world, status, placements, phase):
    t = world.trainee
    t.status = status
    t.status_since = D(2027, 1, 31)
    t.save()
    if placements:
        make_placement(t, "akut", D(2027, 1, 1), D(2027, 3, 31), unit=world.clinic)
    assert _row(t).phase == phase


def test_between_placements_and_after_the_last(world):
    t = world.trainee
    t.status = "active"
    t.save()
    make_placement(t, "akut", D(2026, 11, 1), D(2026, 12, 31), unit=world.clinic)
    make_placement(t, "primarvard", D(2027, 3, 1), D(2027, 5, 31), unit=world.health_centre)
    assert _row(t, D(2027, 2, 1)).phase == Phase.BETWEEN
    assert _row(t, D(2027, 2, 1)).current.category == "primarvard" and not _row(t, D(2027, 2, 1)).current_is_now
    assert _row(t, D(2027, 7, 1)).phase == Phase.FINAL


def test_a_finished_bt_has_nothing_due_and_its_completion_date(world):
    (t,) = make_cohort(world, 1, status="completed", start=D(2026, 11, 1))
    t.status_since = D(2027, 11, 2)
    t.save()
    row = _row(t, today=D(2028, 1, 1))
    assert (row.assessments_due, row.assessments_overdue, row.supervisor_missing) == (0, 0, False)
    assert row.expected_completion == D(2027, 11, 2)


def test_the_number_of_queries_does_not_grow_with_the_cohort(world):
    make_cohort(world, 2)
    with CaptureQueriesContext(connection) as few:
        rows = cohort_rows(Trainee.objects.all(), today=TODAY)
    assert len(rows) == 4  # the world's two and these
    make_cohort(world, 12)
    with CaptureQueriesContext(connection) as many:
        rows = cohort_rows(Trainee.objects.all(), today=TODAY)
    assert len(rows) == 16
    assert len(many) == len(few) == 9

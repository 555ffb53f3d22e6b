"""Indicators from the data: months through the rules module, supervision, cadence, completion, findings."""

import datetime

import pytest

from accounts.models import SupervisorProfile
from btportal import factories as f
from quality.indicators import unit_indicators
from quality.models import PlacementEvaluation
from trainees.models import Placement

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


def _placement(trainee, unit, start, end, supervisor=None):
    return Placement.objects.create(
        trainee=trainee, unit=unit, category="akut", start=start, end=end, supervisor=supervisor
    )


def test_it_counts_trainees_months_and_supervision(world):
    unit = world.clinic
    trained = f.make_supervisor(workplace=unit)
    untrained = f.make_supervisor(workplace=unit, supervisor_training_date=None)
    a, b = f.make_trainee(home_unit=unit), f.make_trainee(home_unit=unit)
    _placement(a, unit, datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), trained)  # 3 months
    _placement(b, unit, datetime.date(2025, 11, 1), datetime.date(2026, 1, 31), untrained)  # 1 month in the period
    _placement(b, unit, datetime.date(2026, 9, 1), datetime.date(2026, 10, 31))  # 2 months, no supervisor
    _placement(a, world.other_clinic, datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))  # elsewhere
    ind = unit_indicators(unit, start=START, end=END, today=datetime.date(2027, 1, 15))
    assert ind.trainees_placed == 2 and ind.placements == 3
    assert ind.months_given == 6.0
    assert ind.with_supervisor_percent == 67
    assert ind.supervisors == 2 and ind.trained_percent == 50
    assert ind.bt_training_rule == ""  # VGR neither requires nor recommends BT-handledarutbildning


def test_it_asks_for_bt_supervisor_training_where_the_region_requires_it(db):
    gavle = f.region("gavleborg")
    unit = f.make_unit(gavle)
    s = f.make_supervisor(workplace=unit)
    SupervisorProfile.objects.filter(user=s).update(bt_supervisor_training_date=datetime.date(2022, 1, 1))
    _placement(f.make_trainee(home_unit=unit), unit, datetime.date(2026, 2, 1), datetime.date(2026, 4, 30), s)
    ind = unit_indicators(unit, start=START, end=END, today=datetime.date(2027, 1, 15))
    assert ind.bt_training_rule == "required" and ind.bt_trained_percent == 100
    # Gävleborg's cadence: an assessment a month and a final one; none is signed here.
    assert ind.assessments_due >= 3 and ind.assessments_on_time_percent == 0


def test_it_hides_the_median_and_the_evaluations_below_the_threshold(world):
    unit = world.clinic
    for _ in range(4):
        PlacementEvaluation.objects.create(
            unit=unit, year=2026, supervision=4, learning_climate=4, patient_responsibility=4, workload=4
        )
    ind = unit_indicators(unit, start=START, end=END)
    assert ind.median_months_to_completion is None and not ind.evaluations.shown


@pytest.mark.parametrize("n", [1, 5])
def test_it_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries, n):
    unit = world.clinic
    for _ in range(n):
        t = f.make_trainee(home_unit=unit)
        _placement(t, unit, datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), f.make_supervisor(workplace=unit))
    with django_assert_max_num_queries(14):
        unit_indicators(unit, start=START, end=END)

"""generate_scale: bulk data that is like real data (the rules module accepts every plan) in
every region and programme; the tiny preset for tests, the national one for benchmarks."""

import datetime

import pytest
from django.core.management import call_command

from assessments.models import Assessment
from demo import scale
from intake.models import Application
from organisations.models import Unit
from trainees import services
from trainees.models import Trainee, TraineeStatus

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 12, 1)
EVERY_REGION = scale.Preset(21, 1, 4, 3, 6, 8, 0.3, 0.2)


def test_it_generates_every_kind_of_row_with_the_tiny_preset(capsys, settings):
    settings.DEBUG = True
    call_command("generate_scale", "--preset", "tiny", "--as-of", AS_OF.isoformat())
    assert "rows in" in capsys.readouterr().out
    assert Trainee.objects.count() == scale.PRESETS["tiny"].trainees
    assert set(Trainee.objects.values_list("status", flat=True)) == {
        TraineeStatus.COMPLETED,
        TraineeStatus.ACTIVE,
        TraineeStatus.PLANNED,
    }
    assert Assessment.objects.filter(signed_at__isnull=True).count() == 0
    assert not Assessment.objects.filter(performed_on__gt=AS_OF).exists()
    assert Application.objects.filter(admitted_trainee__isnull=False).count() == Trainee.objects.count()
    for unit in Unit.objects.select_related("parent"):
        assert unit.path == (unit.parent.path if unit.parent_id else "/") + f"{unit.pk}/"


def test_it_refuses_a_database_that_already_has_generated_data(settings):
    settings.DEBUG = True
    from django.core.management.base import CommandError

    scale.generate("tiny", as_of=AS_OF)
    with pytest.raises(CommandError):
        call_command("generate_scale", "--preset", "tiny")


def test_every_generated_plan_passes_the_rules_module_in_every_region():
    result = scale.generate(EVERY_REGION, as_of=AS_OF)
    assert result.counts["trainees.trainee"] == 21 * 8
    programmes = set()
    for trainee in Trainee.objects.select_related("region"):
        programmes.add(trainee.programme)
        check = services.check_plan(trainee)
        errors = [f for f in check.result.findings if f.severity == "error"]
        assert not errors, (trainee.programme, trainee.bt_type, errors)
    assert len(programmes) == 9  # every programme template in the rules module

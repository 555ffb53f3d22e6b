"""Placement wishes reach the cohort planner as preferences."""

import datetime

import pytest

from trainees.models import UnitWish

pytestmark = pytest.mark.django_db


def test_wishes_become_the_planners_preferences(world):
    from scheduling.planning import build_cohort

    UnitWish.objects.create(trainee=world.trainee, unit=world.clinic, strength=3)
    UnitWish.objects.create(trainee=world.trainee, unit=world.health_centre, strength=-2)
    cohort = build_cohort(world.vgr, [world.trainee], datetime.date(2027, 1, 1), 18)
    row = next(t for t in cohort["trainees"] if t["id"] == str(world.trainee.pk))
    assert sorted(row["preferences"], key=lambda p: p["weight"]) == [
        {"unit": str(world.health_centre.pk), "weight": -2},
        {"unit": str(world.clinic.pk), "weight": 3},
    ]


def test_a_unit_avoided_and_not_wished_for_is_unpopular_and_the_cohort_parses(world):
    from btportal import factories as f
    from scheduling.model import Cohort
    from scheduling.planning import build_cohort

    second = f.make_trainee(home_unit=world.clinic, planned_start=datetime.date(2027, 1, 1))
    UnitWish.objects.create(trainee=world.trainee, unit=world.clinic, strength=-2)
    UnitWish.objects.create(trainee=second, unit=world.health_centre, strength=-2)
    UnitWish.objects.create(trainee=world.trainee, unit=world.health_centre, strength=3)
    data = build_cohort(world.vgr, [world.trainee, second], datetime.date(2027, 1, 1), 18)
    unpopular = {u["id"]: u["unpopular"] for u in data["units"] if "unpopular" in u}
    assert unpopular[str(world.clinic.pk)] is True  # avoided, wished by no one
    assert unpopular[str(world.health_centre.pk)] is False  # avoided by one, wished by another
    cohort = Cohort.from_dict(data)  # the planner accepts it
    (mine,) = [t for t in cohort.trainees if t.id == str(world.trainee.pk)]
    assert {(p.unit, p.weight) for p in mine.preferences} == {
        (str(world.clinic.pk), -2),
        (str(world.health_centre.pk), 3),
    }

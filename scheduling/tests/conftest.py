"""The world of the proposal tests: a finished planning run for two trainees."""

import datetime

import pytest

from btportal import factories as f
from scheduling.tests.proposals import make_run

D = datetime.date


@pytest.fixture
def w(world):
    world.psychiatry = f.make_unit(world.vgr, "Psykiatri", category="psykiatri", capacity=2)
    world.small_er = f.make_unit(world.vgr, "Akuten Mölndal", category="akut", capacity=1)
    world.trainee.planned_start = D(2027, 1, 1)
    world.trainee.save()
    world.second = f.make_trainee(home_unit=world.clinic, planned_start=D(2027, 1, 1))
    world.run = make_run(world, [world.trainee, world.second])
    return world

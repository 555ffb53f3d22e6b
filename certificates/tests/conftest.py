"""Fixtures for certificate tests: a trainee with a complete plan and evidence for every delmål."""

import datetime

import pytest
from django.utils import timezone, translation

from btportal import factories as f

D = datetime.date
ALL_GOALS = [f"BT{i}" for i in range(1, 19)]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def goal(code):
    from goals.models import Goal

    return Goal.objects.get(regulation="HSLF-FS 2021:8", code=code)


def add_evidence(trainee, codes=ALL_GOALS):
    from assessments.models import Assessment
    from portfolio.models import Activity

    activity = Activity.objects.create(
        trainee=trainee, kind="clinical", title="Akutmottagning – jour", start=D(2026, 12, 1)
    )
    activity.goals.set([goal(c) for c in codes])
    assessment = Assessment.objects.create(
        trainee=trainee,
        instrument="mini_cex",
        performed_on=D(2026, 12, 5),
        assessor_name="Dr Åsa Öberg",
        signed_at=timezone.now(),
    )
    assessment.goals.set([goal(c) for c in codes])
    return activity, assessment


def add_plan(world, trainee):
    from organisations.models import UnitKind
    from trainees.models import Placement

    psych = f.make_unit(world.vgr, "Psykiatrimottagning Östra", kind=UnitKind.CLINIC, category="psykiatri")
    Placement.objects.create(
        trainee=trainee,
        category="akut",
        unit=world.clinic,
        start=D(2026, 11, 1),
        end=D(2027, 2, 28),
        supervisor=world.users["handledare"],
    )
    Placement.objects.create(
        trainee=trainee, category="primarvard", unit=world.health_centre, start=D(2027, 3, 1), end=D(2027, 6, 30)
    )
    Placement.objects.create(
        trainee=trainee, category="psykiatri", unit=psych, start=D(2027, 7, 1), end=D(2027, 12, 31), extent=75
    )
    trainee.bt_end = D(2027, 12, 31)
    trainee.save(update_fields=["bt_end"])


@pytest.fixture
def ready(world):
    """The world's VGR trainee with a full plan and evidence for all 18 delmål."""
    t = world.trainee
    t.user.first_name, t.user.last_name = "Åke", "Ängström"
    t.user.save()
    t.degree_country, t.degree_date, t.licence_date = "Sverige", D(2026, 6, 1), D(2026, 8, 15)
    t.save()
    add_plan(world, t)
    add_evidence(t)
    return t


@pytest.fixture
def approved_assessor(world):
    from accounts.models import ApprovedAssessor

    user = world.users["extern_bedomare"]
    return ApprovedAssessor.objects.create(
        user=user,
        region=world.vgr,
        specialty="Allmänmedicin",
        training_date=D(2024, 3, 1),
        workplace=world.other_clinic,
    )

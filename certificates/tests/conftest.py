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
    )
    assessment.goals.set([goal(c) for c in codes])
    assessment.signed_at = timezone.now()  # signed last: a signed row's goals never change
    assessment.save(update_fields=["signed_at"])
    return activity, assessment


def add_plan(world, trainee, start=D(2026, 11, 1)):
    """Akut 4 months, primärvård 4 months, psykiatri six calendar months at 75 % (4,5): 12,5 in all.
    From `start` (the 1st of a month)."""
    from organisations.models import UnitKind
    from rules.counting import period_end
    from trainees.models import Placement

    psych = f.make_unit(world.vgr, "Psykiatrimottagning Östra", kind=UnitKind.CLINIC, category="psykiatri")
    ends = [period_end(start, 4), period_end(start, 8), period_end(start, 14)]
    Placement.objects.create(
        trainee=trainee,
        category="akut",
        unit=world.clinic,
        start=start,
        end=ends[0],
        supervisor=world.users["handledare"],
    )
    Placement.objects.create(
        trainee=trainee,
        category="primarvard",
        unit=world.health_centre,
        start=ends[0] + datetime.timedelta(days=1),
        end=ends[1],
        supervisor=world.users["huvudhandledare"],
    )
    Placement.objects.create(
        trainee=trainee,
        category="psykiatri",
        unit=psych,
        start=ends[1] + datetime.timedelta(days=1),
        end=ends[2],
        extent=75,
        supervisor=world.users["handledare"],
    )
    trainee.bt_end = ends[2]
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
def completed(world):
    """The world's VGR trainee whose BT (the same plan as `ready`) has ended: it ran from
    2025-10-01 to 2026-11-30, with evidence for all 18 delmål and a postal address."""
    t = world.trainee
    t.user.first_name, t.user.last_name = "Åke", "Ängström"
    t.user.street_address, t.user.postal_code, t.user.city = "Storgatan 1", "411 38", "Göteborg"
    t.user.save()
    t.planned_start = D(2025, 10, 1)
    t.degree_country, t.degree_date, t.licence_date = "Sverige", D(2025, 6, 1), D(2025, 8, 15)
    t.save()
    add_plan(world, t, start=D(2025, 10, 1))
    add_evidence(t)
    return t


def sign_bilaga3(trainee, user, place="Göteborg"):
    from certificates import signatures

    return signatures.sign_service(trainee, user=user, title="Verksamhetschef", place=place)


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

"""No lost edits: every form that edits a shared record carries its version (core.forms), and a
stale or version-less POST changes nothing and says that someone else changed the record,
showing the values as they are now.

The plan items, IUP and wishes have their own tests (trainees/tests/test_plan_editor.py,
portfolio/tests/test_iup.py, trainees/tests/test_wishes.py); here are the rest, the same way."""

import datetime
from dataclasses import dataclass

import pytest
from django.db import models
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

STALE_WORDS = "Someone else changed"


def form_data(form) -> dict:
    """What the browser posts for a form as it was shown."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if isinstance(value, models.Model):
            value = value.pk
        if isinstance(value, datetime.date):
            value = value.isoformat()
        data[name] = value
    return data


@dataclass
class Case:
    url: str
    form: object  # the form as the page showed it
    record: object
    field: str  # a text field both edits change
    user: object


def supervisor_profile(world):
    from accounts.forms import SupervisorProfileForm

    profile = world.supervisor_profile
    return Case(
        reverse("accounts:supervisor_edit", args=[profile.pk]),
        SupervisorProfileForm(instance=profile, user=world.users["kansli"]),
        profile,
        "specialty",
        world.users["kansli"],
    )


def intake_round(world):
    from intake.forms import RoundForm
    from intake.tests.factories import make_round
    from organisations.models import Region

    round = make_round(world.vgr)
    return Case(
        reverse("intake:round_edit", args=[round.pk]),
        RoundForm(instance=round, regions=Region.objects.filter(pk=world.vgr.pk)),
        round,
        "name",
        world.users["kansli"],
    )


def intake_application(world):
    from intake.forms import ApplicationForm
    from intake.models import ApplicationStatus
    from intake.tests.factories import make_application, make_round
    from trainees.models import Trainee

    round = make_round(world.vgr)
    application = make_application(round, unit=world.clinic, status=ApplicationStatus.DRAFT)
    form = ApplicationForm(
        instance=application,
        round=round,
        units=world.vgr.units.all(),
        trainees=Trainee.objects.filter(region=world.vgr),
    )
    return Case(
        reverse("intake:application_edit", args=[application.pk]), form, application, "phone", world.users["kansli"]
    )


def assessor_register(world):
    from accounts.models import ApprovedAssessor
    from certificates.forms import ApprovedAssessorForm
    from organisations.models import Region

    entry = ApprovedAssessor.objects.create(
        user=world.users["extern_bedomare"],
        region=world.vgr,
        specialty="Allmänmedicin",
        training_date=datetime.date(2024, 3, 1),
    )
    return Case(
        reverse("certificates:assessor_edit", args=[entry.pk]),
        ApprovedAssessorForm(instance=entry, regions=Region.objects.filter(pk=world.vgr.pk)),
        entry,
        "specialty",
        world.users["kansli"],
    )


CASES = [supervisor_profile, intake_round, intake_application, assessor_register]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("make", CASES, ids=lambda m: m.__name__)
def test_a_second_edit_from_a_stale_page_changes_nothing_and_shows_the_current_values(client, world, make):
    case = make(world)
    client.force_login(case.user)
    shown = form_data(case.form)  # two people opened the same page
    first = client.post(case.url, {**shown, case.field: "First edit"}, HTTP_ACCEPT_LANGUAGE="en")
    assert first.status_code == 302, first.content.decode()[:2000]
    second = client.post(case.url, {**shown, case.field: "Second edit"}, HTTP_ACCEPT_LANGUAGE="en")
    assert second.status_code == 409
    page = second.content.decode()
    assert STALE_WORDS in page
    assert 'value="First edit"' in page  # the current value, not the stale one
    case.record.refresh_from_db()
    assert getattr(case.record, case.field) == "First edit"


@pytest.mark.parametrize("make", CASES, ids=lambda m: m.__name__)
def test_an_edit_without_its_version_changes_nothing(client, world, make):
    case = make(world)
    client.force_login(case.user)
    data = {k: v for k, v in form_data(case.form).items() if k != "version"}
    before = getattr(case.record, case.field)
    response = client.post(case.url, {**data, case.field: "Versionless"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (400, 200, 409)
    assert STALE_WORDS in response.content.decode()
    case.record.refresh_from_db()
    assert getattr(case.record, case.field) == before


def test_the_main_supervisor_is_not_overwritten_from_a_stale_page(client, world):
    from btportal import factories as f
    from trainees.models import Trainee

    trainee = world.trainee
    other = f.make_supervisor("hhl2@example.se", workplace=world.clinic)
    url = reverse("trainees:plan_main_supervisor", args=[trainee.pk])
    client.force_login(world.users["kansli"])
    version = trainee.plan_version
    assert client.post(url, {"main_supervisor": other.pk, "plan_version": version}).status_code == 302
    stale = client.post(url, {"main_supervisor": "", "plan_version": version}, HTTP_ACCEPT_LANGUAGE="en")
    assert stale.status_code == 400 and "Someone else changed this plan" in stale.content.decode()
    versionless = client.post(url, {"main_supervisor": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert versionless.status_code == 400 and "Someone else changed this plan" in versionless.content.decode()
    assert Trainee.objects.get(pk=trainee.pk).main_supervisor_id == other.pk

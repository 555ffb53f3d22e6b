"""The facts the rules and Bilaga 1 need (licence, licences abroad, degree, ST start), and a plan
check that says when a plan meets the rules but is not complete."""

import datetime

import pytest
from django.urls import reverse

from btportal import factories as f
from trainees import services
from trainees.models import OtherLicence, Placement

pytestmark = pytest.mark.django_db
D = datetime.date
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def kansli(client, world):
    client.force_login(world.users["kansli"])
    return client


def codes(trainee):
    return [x.code for x in services.check_plan(trainee).findings]


def test_a_plan_without_units_and_main_supervisor_meets_the_rules_but_is_not_complete(kansli, world):
    """The issue's example: no unit on two of three placements and no huvudhandledare."""
    t = world.trainee
    t.main_supervisor, t.licence_date = None, D(2026, 10, 1)
    t.save()
    Placement.objects.create(trainee=t, category="akut", start=D(2026, 11, 1), end=D(2027, 2, 28))
    Placement.objects.create(trainee=t, category="psykiatri", start=D(2027, 3, 1), end=D(2027, 6, 30))
    Placement.objects.create(
        trainee=t, category="primarvard", unit=world.health_centre, start=D(2027, 7, 1), end=D(2027, 10, 31)
    )
    check = services.check_plan(t)
    assert check.valid and not check.complete
    body = kansli.get(reverse("trainees:detail", args=[t.pk]), **EN).content.decode()
    assert 'data-testid="plan-incomplete"' in body and "Meets the rules but is not complete" in body
    assert 'data-testid="plan-valid"' not in body
    for text in (
        "Placement 1 has no unit yet",
        "Placement 2 has no unit yet",
        "Placement 3 has no supervisor (handledare)",
        "The plan has no main supervisor (huvudhandledare)",
    ):
        assert text in body
    # Swedish: the same, in Swedish.
    body = kansli.get(reverse("trainees:detail", args=[t.pk]), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Uppfyller reglerna men är inte komplett" in body and "Placering 1 har ingen enhet ännu" in body


def test_a_complete_plan_says_it_meets_the_rules(kansli, world):
    t = world.trainee
    t.licence_date = D(2026, 10, 1)
    t.save()
    psych = f.make_unit(world.vgr, "Psykiatrimottagning", category="psykiatri")
    for unit, cat, start, end in (
        (world.clinic, "akut", D(2026, 11, 1), D(2027, 2, 28)),
        (world.health_centre, "primarvard", D(2027, 3, 1), D(2027, 8, 31)),
        (psych, "psykiatri", D(2027, 9, 1), D(2027, 10, 31)),
    ):
        Placement.objects.create(
            trainee=t, category=cat, unit=unit, start=start, end=end, supervisor=world.users["handledare"]
        )
    assert services.check_plan(t).valid and services.check_plan(t).complete
    body = kansli.get(reverse("trainees:detail", args=[t.pk]), **EN).content.decode()
    assert 'data-testid="plan-valid"' in body


def test_a_licence_after_bt_start_is_an_error_a_missing_one_a_warning(world):
    t = world.trainee
    assert "LICENCE_DATE_MISSING" in codes(t)
    t.licence_date = t.planned_start + datetime.timedelta(days=1)
    t.save()
    check = services.check_plan(t)
    error = next(x for x in check.errors if x.code == "LICENCE_AFTER_START")
    assert "BT is done after the licence" in error.message


def test_integrated_bt_is_measured_from_the_st_start(world):
    t = f.make_trainee(
        home_unit=world.health_centre, bt_type="integrerad", st_specialty="Allmänmedicin", planned_start=D(2026, 9, 1)
    )
    Placement.objects.create(trainee=t, category="akut", unit=world.clinic, start=D(2026, 9, 1), end=D(2027, 2, 28))
    Placement.objects.create(
        trainee=t, category="primarvard", unit=world.health_centre, start=D(2027, 3, 1), end=D(2027, 10, 31)
    )
    assert "ST_START_MISSING" in codes(t)
    t.st_start = D(2025, 9, 1)  # BT started a year into ST: the two years end 2027-08-31
    t.save()
    assert "INTEGRATED_BEYOND_TWO_YEARS" in codes(t) and "ST_START_MISSING" not in codes(t)
    t.st_start = D(2026, 3, 1)
    t.save()
    assert "INTEGRATED_BEYOND_TWO_YEARS" not in codes(t)


def test_the_office_records_licences_degree_and_st_start(kansli, world):
    t = f.make_trainee(
        home_unit=world.clinic, bt_type="integrerad", st_specialty="Internmedicin", planned_start=D(2026, 11, 1)
    )
    url = reverse("trainees:details", args=[t.pk])
    assert kansli.get(url, **EN).status_code == 200
    data = {
        "licence_date": "2026-08-15",
        "degree_country": "Tyskland",
        "degree_date": "2019-06-30",
        "st_start": "2026-02-01",
        "other_country_0": "Tyskland",
        "other_date_0": "2019-11-01",
        "other_country_1": "Polen",
        "other_date_1": "2021-03-15",
    }
    r = kansli.post(url + "?next=" + reverse("certificates:readiness", args=[t.pk]), data)
    assert r.status_code == 302 and r["Location"] == reverse("certificates:readiness", args=[t.pk])
    t.refresh_from_db()
    assert (t.licence_date, t.degree_country, t.st_start) == (D(2026, 8, 15), "Tyskland", D(2026, 2, 1))
    assert [(x.country, x.date) for x in t.other_licences.all()] == [
        ("Tyskland", D(2019, 11, 1)),
        ("Polen", D(2021, 3, 15)),
    ]
    # An outside address is not followed.
    r = kansli.post(url + "?next=https://evil.example/", data)
    assert r["Location"] == reverse("trainees:detail", args=[t.pk])
    # Removing a licence abroad removes the row.
    r = kansli.post(url, data | {"other_country_1": "", "other_date_1": ""})
    assert OtherLicence.objects.filter(trainee=t).count() == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"other_country_0": "Polen", "other_date_0": ""}, "other_date_0"),
        ({"other_country_0": "", "other_date_0": "2020-01-01"}, "other_country_0"),
        ({"degree_date": "2027-01-01"}, "degree_date"),
        ({"st_start": "2026-12-01"}, "st_start"),
        ({"licence_date": "2026-02-31"}, "licence_date"),
    ],
)
def test_it_refuses_bad_input(kansli, world, change, field):
    t = f.make_trainee(
        home_unit=world.clinic, bt_type="integrerad", st_specialty="Internmedicin", planned_start=D(2026, 11, 1)
    )
    data = {"licence_date": "2026-08-15", "degree_date": "2020-01-01"} | change
    r = kansli.post(reverse("trainees:details", args=[t.pk]), data, **EN)
    assert r.status_code == 200 and field in r.context["form"].errors
    assert not OtherLicence.objects.exists()


def test_the_st_start_is_asked_only_for_integrated_bt(kansli, world):
    body = kansli.get(reverse("trainees:details", args=[world.trainee.pk]), **EN).content.decode()
    assert "Start of the ST employment" not in body and "Licence in another country 2: country" in body


@pytest.mark.parametrize("role", ["bt_lakare", "handledare", "huvudhandledare", "extern_bedomare", "stranger_kansli"])
def test_only_those_who_edit_the_plan_edit_the_details(client, world, role):
    client.force_login(world.users[role])
    url = reverse("trainees:details", args=[world.trainee.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"licence_date": "2020-01-01"}).status_code == 403
    world.trainee.refresh_from_db()
    assert world.trainee.licence_date is None

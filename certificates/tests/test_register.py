"""The register of approved external assessors: the kansli (and admin) list, search, add, edit,
deactivate entries of their own region; the assign form picks from it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApprovedAssessor, Role
from btportal import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def add(client, **data):
    data = {
        "email": "",
        "region": "",
        "specialty": "Allmänmedicin",
        "training_date": "2025-05-20",
        "workplace": "",
    } | data
    return client.post(reverse("certificates:assessor_add"), data, **EN)


@pytest.fixture
def candidate(world):
    # Someone who works in VGR (a supervisor profile at the vårdcentral): the VGR register may take them.
    user = f.make_supervisor("assessor@example.se", role=Role.EXTERN_BEDOMARE, workplace=world.health_centre)
    user.first_name, user.last_name = "Berit", "Bedömare"
    user.save()
    return user


def test_the_kansli_adds_an_assessor_of_their_region(client, world, candidate):
    client.force_login(world.users["kansli"])
    r = add(client, email="Assessor@Example.se", region=world.vgr.pk, workplace=world.health_centre.pk)
    assert r.status_code == 302, r.content.decode()
    a = ApprovedAssessor.objects.get()
    assert (a.user, a.region, a.specialty, a.training_date, a.workplace, a.active) == (
        candidate,
        world.vgr,
        "Allmänmedicin",
        D(2025, 5, 20),
        world.health_centre,
        True,
    )
    assert a.history.first().history_user == world.users["kansli"]  # audited
    body = client.get(reverse("certificates:assessors"), **EN).content.decode()
    assert "Berit Bedömare" in body and "2025-05-20" in body


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"email": "nobody@example.se"}, "email", "No one who works in"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address"),
        ({"specialty": "   "}, "specialty", "This field is required"),
        ({"training_date": "2999-01-01"}, "training_date", "cannot be in the future"),
        ({"training_date": "20-05-2025"}, "training_date", "Enter a valid date"),
        ({"workplace": "OTHER"}, "workplace", "Select a valid choice"),
    ],
)
def test_it_explains_bad_input(client, world, candidate, data, field, message):
    client.force_login(world.users["kansli"])
    if data.get("workplace") == "OTHER":
        data = {"workplace": world.other_clinic.pk}  # a unit of another region
    data = {"email": candidate.email, "region": world.vgr.pk} | data
    r = add(client, **data)
    assert r.status_code == 200
    errors = " ".join(r.context["form"].errors.get(field, []))
    assert message in errors, r.context["form"].errors
    assert message in r.content.decode() or message.replace("'", "&#x27;") in r.content.decode()
    assert not ApprovedAssessor.objects.exists()


def test_it_refuses_a_region_outside_the_users_scope_and_a_duplicate(client, world, candidate, approved_assessor):
    client.force_login(world.users["kansli"])
    r = add(client, email=candidate.email, region=world.gavleborg.pk)
    assert "region" in r.context["form"].errors and not ApprovedAssessor.objects.filter(user=candidate).exists()
    r = add(client, email=approved_assessor.user.email, region=world.vgr.pk)
    assert "already in the register of" in " ".join(r.context["form"].errors["email"])
    ApprovedAssessor.objects.filter(pk=approved_assessor.pk).update(active=False)
    r = add(client, email=approved_assessor.user.email, region=world.vgr.pk)
    assert "inactive" in " ".join(r.context["form"].errors["email"])
    assert ApprovedAssessor.objects.count() == 1


def test_the_admin_adds_in_any_region(client, world, candidate):
    client.force_login(world.users["admin"])
    assert (
        add(client, email=candidate.email, region=world.gavleborg.pk, workplace=world.other_clinic.pk).status_code
        == 302
    )
    assert ApprovedAssessor.objects.get().region == world.gavleborg


def test_it_edits_and_deactivates_an_entry(client, world, approved_assessor):
    client.force_login(world.users["kansli"])
    url = reverse("certificates:assessor_edit", args=[approved_assessor.pk])
    page = client.get(url, **EN)
    assert page.status_code == 200 and "email" not in page.context["form"].fields
    r = client.post(
        url,
        {
            "specialty": "Internmedicin",
            "training_date": "2024-03-01",
            "workplace": "",
            "active": "on",
            "region": world.gavleborg.pk,
            "version": approved_assessor.version,
        },
    )
    assert r.status_code == 302
    a = ApprovedAssessor.objects.get(pk=approved_assessor.pk)
    assert a.specialty == "Internmedicin" and a.workplace is None and a.region == world.vgr  # the region is fixed
    r = client.post(url, {"specialty": "", "training_date": "2030-01-01", "active": "on"}, **EN)
    assert r.status_code == 200 and {"specialty", "training_date"} <= set(r.context["form"].errors)
    client.post(reverse("certificates:assessor_active", args=[a.pk]), {"active": "0"})
    assert not ApprovedAssessor.objects.get(pk=a.pk).active
    # Deactivated: gone from the default list and from the assign form; assigning it is refused.
    assert "Allmänmedicin" not in client.get(reverse("certificates:assessors")).content.decode()
    assert a in client.get(reverse("certificates:assessors") + "?show=inactive").context["rows"]
    readiness = client.get(reverse("certificates:readiness", args=[world.trainee.pk]), **EN)
    assert list(readiness.context["register"]) == [] and 'data-testid="empty-register"' in readiness.content.decode()
    r = client.post(reverse("certificates:assign", args=[world.trainee.pk]), {"assessor": a.pk}, follow=True, **EN)
    assert "not active in the register" in r.content.decode() and not world.trainee.assessor_assignments.exists()
    client.post(reverse("certificates:assessor_active", args=[a.pk]), {"active": "1"})
    assert ApprovedAssessor.objects.get(pk=a.pk).active


def test_it_searches_by_name_specialty_and_workplace(client, world, approved_assessor, candidate):
    ApprovedAssessor.objects.create(
        user=candidate,
        region=world.vgr,
        specialty="Psykiatri",
        training_date=D(2025, 1, 1),
        workplace=world.health_centre,
    )
    client.force_login(world.users["kansli"])
    url = reverse("certificates:assessors")

    def found(q):
        return {a.user for a in client.get(url, {"q": q}).context["rows"]}

    assert found("") == {approved_assessor.user, candidate}
    assert found("berit bedömare") == {candidate}
    assert found("psyk") == {candidate}
    assert found("majorna") == {candidate}
    assert found("allmän") == {approved_assessor.user}
    assert found("ingen-sådan") == set()


def test_the_assign_form_picks_from_the_register_of_the_trainees_region(client, world, approved_assessor):
    other = ApprovedAssessor.objects.create(
        user=f.make_user(), region=world.gavleborg, specialty="Kirurgi", training_date=D(2024, 1, 1)
    )
    client.force_login(world.users["admin"])
    page = client.get(reverse("certificates:readiness", args=[world.trainee.pk]), **EN)
    assert list(page.context["register"]) == [approved_assessor] and other not in page.context["register"]
    assert reverse("certificates:assessors") in page.content.decode()


@pytest.mark.parametrize(
    "persona",
    [
        "bt_lakare",
        "handledare",
        "huvudhandledare",
        "studierektor",
        "verksamhetschef",
        "extern_bedomare",
        "granskare",
        "outsider",
    ],
)
def test_only_the_kansli_and_admin_keep_the_register(client, world, approved_assessor, persona):
    client.force_login(world.users[persona])
    assert client.get(reverse("certificates:assessors")).status_code == 403
    assert client.get(reverse("certificates:assessor_add")).status_code == 403
    assert client.get(reverse("certificates:assessor_edit", args=[approved_assessor.pk])).status_code == 403
    assert (
        client.post(reverse("certificates:assessor_active", args=[approved_assessor.pk]), {"active": "0"}).status_code
        == 403
    )
    assert ApprovedAssessor.objects.get().active


def test_the_kansli_of_another_region_sees_only_their_own_register(client, world, approved_assessor):
    client.force_login(world.users["stranger_kansli"])
    assert list(client.get(reverse("certificates:assessors")).context["rows"]) == []
    assert client.get(reverse("certificates:assessor_edit", args=[approved_assessor.pk])).status_code == 403
    assert (
        client.post(reverse("certificates:assessor_active", args=[approved_assessor.pk]), {"active": "0"}).status_code
        == 403
    )
    assert client.get(reverse("certificates:assessor_edit", args=[999999])).status_code == 404
    assert ApprovedAssessor.objects.get().active


def test_deactivation_needs_post_and_the_kansli_home_links_the_register(client, world, approved_assessor):
    client.force_login(world.users["kansli"])
    assert client.get(reverse("certificates:assessor_active", args=[approved_assessor.pk])).status_code == 405
    assert reverse("certificates:assessors") in client.get(reverse("home")).content.decode()
    assert timezone.localdate()  # (the register's dates are plain dates)


def test_a_new_assessor_gets_the_external_assessor_role(client, world):
    from accounts.models import RoleAssignment
    from accounts.permissions import roles_of

    person = f.make_supervisor("ny-bedomare@example.se", workplace=world.health_centre)  # works in VGR
    assert Role.EXTERN_BEDOMARE not in roles_of(person)
    client.force_login(world.users["kansli"])
    r = add(client, email=person.email, region=world.vgr.pk)
    assert r.status_code == 302
    assert RoleAssignment.objects.filter(user=person, role=Role.EXTERN_BEDOMARE).count() == 1
    # Someone who already holds the role is not given it twice.
    client.force_login(world.users["stranger_kansli"])  # the extern bedömare works in Gävleborg
    r = add(client, email=world.users["extern_bedomare"].email, region=world.gavleborg.pk)
    assert r.status_code == 302
    assert RoleAssignment.objects.filter(user=world.users["extern_bedomare"], role=Role.EXTERN_BEDOMARE).count() == 1


# -- only people of the region, never a BT-läkare, and nothing revealed about accounts elsewhere ----------------


def _error(response):
    return " ".join(response.context["form"].errors.get("email", []))


def test_it_adds_no_one_from_outside_the_region_and_says_the_same_as_for_no_account(client, world):
    client.force_login(world.users["kansli"])
    base = {"region": world.vgr.pk, "workplace": world.health_centre.pk}
    elsewhere = add(client, email=world.users["stranger_kansli"].email, **base)  # kansli of Gävleborg
    other_supervisor = f.make_supervisor("gavle.hl@example.se", workplace=world.other_clinic)
    supervisor_elsewhere = add(client, email=other_supervisor.email, **base)
    nobody = add(client, email="nobody-at-all@example.se", **base)
    assert elsewhere.status_code == supervisor_elsewhere.status_code == nobody.status_code == 200
    assert _error(elsewhere) == _error(supervisor_elsewhere) == _error(nobody) != ""
    assert not ApprovedAssessor.objects.exists()
    from accounts.models import RoleAssignment

    assert not RoleAssignment.objects.filter(role=Role.EXTERN_BEDOMARE, user=world.users["stranger_kansli"]).exists()


def test_a_bt_doctor_is_never_an_assessor(client, world):
    client.force_login(world.users["kansli"])
    response = add(client, email=world.users["bt_lakare"].email, region=world.vgr.pk, workplace=world.clinic.pk)
    assert response.status_code == 200 and "BT doctor" in _error(response)
    assert not ApprovedAssessor.objects.exists()


def test_a_supervisor_of_the_region_is_added(client, world):
    client.force_login(world.users["kansli"])
    response = add(client, email=world.users["handledare"].email, region=world.vgr.pk, workplace=world.health_centre.pk)
    assert response.status_code == 302
    assert ApprovedAssessor.objects.filter(user=world.users["handledare"], region=world.vgr).exists()

import pytest
from django.urls import reverse

from accounts.models import Role, RoleAssignment, User
from trainees.models import Trainee

URL = reverse("trainees:register")


def _data(world, **overrides):
    data = {
        "first_name": "Amira",
        "last_name": "Haddad",
        "email": "amira.haddad@example.se",
        "personnummer": "19900517-1236",
        "bt_type": "fristaende",
        "home_unit": world.clinic.pk,
        "planned_start": "2027-04-05",
        "licence_date": "2027-01-15",
        "degree_country": "Syrien",
        "draft_plan": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def valid_pnr():
    import datetime

    from btportal.factories import make_personnummer

    return make_personnummer(datetime.date(1990, 5, 17), 123)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["kansli", "studierektor", "verksamhetschef", "admin"])
def test_staff_register_a_bt_doctor_with_a_draft_plan(client, world, valid_pnr, role):
    client.force_login(world.users[role])
    response = client.post(URL, _data(world, personnummer=valid_pnr))
    assert response.status_code == 302, response.content.decode()[:2000]
    trainee = Trainee.objects.get(user__email="amira.haddad@example.se")
    assert response["Location"] == reverse("trainees:plan", args=[trainee.pk])
    assert trainee.region == world.vgr and trainee.programme == "vgr" and trainee.status == "planned"
    assert trainee.user.personnummer == valid_pnr
    assert not trainee.user.has_usable_password()
    assert RoleAssignment.objects.filter(user=trainee.user, role=Role.BT_LAKARE).exists()
    # VGR's template: akut, primärvård, psykiatri
    assert sorted(trainee.placements.values_list("category", flat=True)) == ["akut", "primarvard", "psykiatri"]
    # Registered, then the draft plan (the plan version's bump writes history too).
    assert [(h.history_type, h.plan_version) for h in trainee.history.order_by("history_id")] == [("+", 0), ("~", 1)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["bt_lakare", "handledare", "huvudhandledare", "extern_bedomare", "granskare", "outsider"]
)
def test_other_roles_may_not_register(client, world, role):
    client.force_login(world.users[role])
    assert client.get(URL).status_code == 403
    assert client.post(URL, _data(world)).status_code == 403


@pytest.mark.django_db
def test_a_unit_outside_the_scope_is_refused(client, world, valid_pnr):
    client.force_login(world.users["verksamhetschef"])  # scope: the clinic only
    response = client.post(URL, _data(world, personnummer=valid_pnr, home_unit=world.health_centre.pk))
    assert response.status_code == 200
    assert "home_unit" in response.context["form"].errors
    assert not Trainee.objects.filter(user__email="amira.haddad@example.se").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"personnummer": "19900517-1234"}, "personnummer"),
        ({"bt_type": "integrerad", "st_specialty": ""}, "st_specialty"),
        ({"licence_date": "2027-06-01"}, "planned_start"),
        ({"email": "bt@example.se"}, "email"),
        ({"planned_start": "not a date"}, "planned_start"),
        ({"home_unit": "999999"}, "home_unit"),
        ({"bt_type": "fristaende", "programme": "jonkoping"}, "bt_type"),
    ],
)
def test_bad_input_gets_a_clear_error_and_changes_nothing(client, world, valid_pnr, overrides, field):
    client.force_login(world.users["kansli"])
    before = (User.objects.count(), Trainee.objects.count())
    data = _data(world, personnummer=valid_pnr)
    data.update(overrides)
    response = client.post(URL, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert (User.objects.count(), Trainee.objects.count()) == before


@pytest.mark.django_db
def test_a_duplicate_personnummer_is_refused(client, world):
    client.force_login(world.users["kansli"])
    response = client.post(URL, _data(world, personnummer=world.trainee.user.personnummer))
    assert "personnummer" in response.context["form"].errors


@pytest.mark.django_db
def test_integrated_bt_keeps_the_st_specialty(client, world, valid_pnr):
    client.force_login(world.users["kansli"])
    client.post(
        URL, _data(world, personnummer=valid_pnr, bt_type="integrerad", st_specialty="Allmänmedicin", draft_plan=None)
    )
    trainee = Trainee.objects.get(user__email="amira.haddad@example.se")
    assert trainee.st_specialty == "Allmänmedicin"
    assert trainee.placements.count() == 0


@pytest.mark.django_db
def test_a_bt_doctor_sees_only_their_own_record(client, world):
    client.force_login(world.users["bt_lakare"])
    assert client.get(world.trainee.get_absolute_url()).status_code == 200
    assert client.get(world.other_trainee.get_absolute_url()).status_code == 403
    assert client.get(reverse("trainees:list")).status_code == 403

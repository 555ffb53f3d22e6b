"""`manage.py seed_demo`: the demo data set, its logins and its idempotence.

Seeding the demo takes seconds, so this module seeds it once (`seeded`) and every test reads that
one database; each test runs in its own savepoint (pytest-django's `db`), so a test that edits the
demo or seeds again cannot disturb the next one.
"""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from accounts import personnummer as pnr
from accounts.models import Role, RoleAssignment, SupervisorProfile, User
from demo import data as demo_data
from demo import seed as demo_seed
from organisations.models import PlacementCategory, Region, Unit, UnitCapacity, UnitKind
from trainees.models import BtType, Trainee

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, seeded once for this module; the value is the first run's output.

    The seed runs in a transaction that is rolled back when the module is done, so other modules'
    tests still start from a database that holds only the data migrations' rows. The issued
    certificates go to a temporary MEDIA_ROOT, not into the working tree.
    """
    with (
        override_settings(
            DEBUG=True,  # pytest-django turns DEBUG off; the command needs it (or --force)
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # fast tests
            MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield seed()
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    models = [Unit, UnitCapacity, User, RoleAssignment, SupervisorProfile, Trainee]
    result = {model.__name__: model.objects.count() for model in models}
    # The history tables too: a second run must not even re-save unchanged rows.
    for model in [Unit, User, RoleAssignment, SupervisorProfile, Trainee]:
        result[f"history:{model.__name__}"] = model.history.count()
    return result


def test_builds_unit_trees_in_the_eight_seed_regions(seeded):
    assert "Units:" in seeded and "BT-läkare: 40" in seeded

    for slug in demo_data.SEED_REGIONS:
        region = Region.objects.get(slug=slug)
        units = Unit.objects.filter(region=region)
        assert set(units.exclude(category="").values_list("category", flat=True)) == set(PlacementCategory.values)
        assert units.filter(kind=UnitKind.HOSPITAL, parent=None).count() in (1, 2, 3)
        primary = units.get(kind=UnitKind.ADMINISTRATION, parent=None, name__startswith="Primärvård ")
        centres = units.filter(parent=primary, kind=UnitKind.HEALTH_CENTRE)
        assert 3 <= centres.count() <= 5
        assert set(centres.values_list("category", flat=True)) == {PlacementCategory.PRIMARY_CARE}
        for unit in units.exclude(category=""):
            assert 1 <= unit.bt_capacity <= 4
            assert unit.parent.kind in (UnitKind.HOSPITAL, UnitKind.ADMINISTRATION)
            assert unit.path == f"{unit.parent.path}{unit.pk}/"
    # Regions outside the demo are left alone.
    assert not Unit.objects.exclude(region__slug__in=demo_data.SEED_REGIONS).exists()

    sahlgrenska = Unit.objects.get(name="Sahlgrenska Universitetssjukhuset")
    assert Unit.objects.subtree(sahlgrenska).filter(name="Akutkliniken", category="akut").exists()
    hsa_ids = list(Unit.objects.exclude(hsa_id="").values_list("hsa_id", flat=True))
    assert hsa_ids and len(hsa_ids) == len(set(hsa_ids))
    assert all(h.startswith("SE") and "-E" in h for h in hsa_ids)

    july = UnitCapacity.objects.get(unit__name="Vårdcentralen Majorna", month="2027-07-01")
    assert july.capacity == 0
    assert july.unit.capacity_in(july.month) == 0


def test_trainees_are_spread_over_regions_and_phases():
    trainees = Trainee.objects.select_related("user", "region", "home_unit", "main_supervisor")
    assert 35 <= trainees.count() <= 45
    assert len(set(trainees.values_list("status", flat=True))) >= 4
    assert set(trainees.values_list("region__slug", flat=True)) == set(demo_data.SEED_REGIONS)
    assert len(set(trainees.values_list("degree_country", flat=True))) >= 8

    for trainee in trainees:
        user = trainee.user
        assert pnr.normalise(user.personnummer) == user.personnummer
        assert 1985 <= pnr.birth_date(user.personnummer).year <= 1998
        assert trainee.programme == trainee.region.programme
        assert trainee.home_unit.region_id == trainee.region_id
        assert trainee.licence_date < trainee.planned_start
        assert trainee.degree_date < trainee.licence_date
        assert trainee.planned_start.month in (4, 9, 11)
        assert "2025-04-01" <= trainee.planned_start.isoformat() <= "2027-04-30"
        if trainee.bt_type == BtType.INTEGRATED:
            assert trainee.st_specialty
        if trainee.region.slug == "jonkoping":
            assert trainee.bt_type == BtType.INTEGRATED
        main = trainee.main_supervisor
        assert RoleAssignment.objects.filter(user=main, role=Role.HUVUDHANDLEDARE, unit__region=trainee.region).exists()
        assert RoleAssignment.objects.filter(user=user, role=Role.BT_LAKARE).exists()
        assert not user.has_usable_password() or user.email == "bt@example.se"

    hhl = User.objects.get(email="huvudhandledare@example.se")
    assert hhl.main_supervised_trainees.filter(user__email="bt@example.se").exists()
    assert hhl.main_supervised_trainees.count() >= 3


def test_supervisors_have_profiles_some_with_gaps():
    for slug in demo_data.SEED_REGIONS:
        in_region = SupervisorProfile.objects.filter(
            workplace__region__slug=slug,
            user__role_assignments__role__in=[Role.HANDLEDARE, Role.HUVUDHANDLEDARE],
        ).distinct()
        assert 3 <= in_region.count() <= 6
    profiles = SupervisorProfile.objects.all()
    assert profiles.filter(bt_supervisor_training_date__isnull=True).exists()
    assert profiles.filter(supervisor_training_date__isnull=True).exists()
    assert profiles.filter(bt_supervisor_training_date__isnull=False).exists()
    assert SupervisorProfile.objects.get(user__email="extern@example.se").workplace.region.slug != "vgr"


def test_all_nine_logins_work_with_the_demo_password():
    assert len(demo_seed.LOGINS) == 9
    for email, role in demo_seed.LOGINS:
        user = authenticate(email=email, password=demo_data.DEMO_PASSWORD)
        assert user is not None, email
        assert user.first_name and user.last_name
        assert RoleAssignment.objects.active().filter(user=user, role=role).exists(), email
    # Only the nine logins have a usable password.
    assert User.objects.exclude(password__startswith="!").count() == 9

    admin = User.objects.get(email="admin@example.se")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.filter(is_staff=True).exclude(email="admin@example.se").exists()

    studierektor = RoleAssignment.objects.get(user__email="studierektor@example.se")
    assert studierektor.unit.name == "Sahlgrenska Universitetssjukhuset" and studierektor.region is None
    kansli = RoleAssignment.objects.get(user__email="kansli@example.se")
    assert kansli.region.slug == "vgr" and kansli.unit is None
    granskare = RoleAssignment.objects.get(user__email="granskare@example.se")
    assert (granskare.region or granskare.unit.region).slug == "gavleborg"
    assert RoleAssignment.objects.get(user__email="verksamhetschef@example.se").unit.region.slug == "vgr"
    assert Trainee.objects.filter(user__email="bt@example.se").exists()
    for email in ["handledare@example.se", "huvudhandledare@example.se", "extern@example.se"]:
        assert SupervisorProfile.objects.filter(user__email=email).exists()


def test_every_personnummer_is_valid_and_unique():
    numbers = list(User.objects.exclude(personnummer="").values_list("personnummer", flat=True))
    assert len(numbers) >= 70
    assert len(numbers) == len(set(numbers))
    for number in numbers:
        assert pnr.normalise(number) == number
        assert pnr.luhn_check_digit(number[2:11]) == int(number[11])


def test_running_twice_changes_nothing():
    first = counts()
    output = seed()
    assert counts() == first
    assert "Nothing to change" in output


def test_rerun_repairs_edited_demo_data():
    unit = Unit.objects.get(region__slug="vgr", parent=None, name="Skaraborgs Sjukhus")
    clinic = unit.children.get(name="Medicinkliniken")
    clinic.bt_capacity = 0
    clinic.save()
    User.objects.filter(email="kansli@example.se").update(password="!unusable")
    before = counts()
    seed()
    clinic.refresh_from_db()
    assert clinic.bt_capacity == 2
    assert authenticate(email="kansli@example.se", password=demo_data.DEMO_PASSWORD) is not None
    assert counts()["Unit"] == before["Unit"]


def test_force_runs_without_debug(settings):
    settings.DEBUG = False
    before = counts()
    assert "Nothing to change" in seed("--force")
    assert counts() == before


def test_every_demo_trainee_but_the_next_intake_has_a_valid_plan_on_units_of_their_region():
    from trainees.models import Placement, Trainee
    from trainees.services import check_plan

    count = Placement.objects.count()
    unplanned = 0
    for trainee in Trainee.objects.all():
        if demo_seed._next_intake(trainee):
            assert not trainee.placements.exists()  # left for the cohort planner
            unplanned += 1
            continue
        assert trainee.placements.exists()
        assert check_plan(trainee).valid, trainee
        assert all(p.unit is None or p.unit.region_id == trainee.region_id for p in trainee.placements.all())
    assert unplanned >= 3
    seed()
    assert Placement.objects.count() == count


def test_the_demo_story_portfolios_certification_and_intake(client):
    """What has happened by today: portfolios, an issued certificate set that verifies, a final
    assessment waiting for the huvudhandledare, an intake round in progress in every region —
    all made through the services, and a second run adds nothing."""
    from assessments.models import Assessment
    from certificates import services as cert
    from certificates.models import FinalAssessment, IssuedDocument
    from intake.models import Application, ApplicationStatus, Round
    from portfolio.models import Activity
    from trainees.models import AssessorAssignment, UnitWish

    story = (Activity, Assessment, AssessorAssignment, FinalAssessment, IssuedDocument, Round, Application, UnitWish)
    before = {model.__name__: model.objects.count() for model in story}
    # Everyone who has started has signed assessments; no one who has not has any.
    for trainee in Trainee.objects.all():
        has = Assessment.objects.filter(trainee=trainee, signed_at__isnull=False).exists()
        assert has == (trainee.status != "planned" and trainee.placements.exists()), trainee

    certified = Trainee.objects.get(user__first_name="Andreas", user__last_name="Schmidt")
    assert cert.readiness(certified).ready
    assert certified.final_assessment.approved
    docs = list(certified.issued_documents.all())
    assert len(docs) == 3
    state, doc = cert.verify(docs[0].code)
    assert doc == docs[0] and state == cert.VerifyState.VALID
    with docs[0].file.open("rb") as fh:
        assert cert.verify_bytes(docs[0], fh.read())
    response = client.get(f"/verify/{docs[0].code}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Schmidt" in response.content.decode()

    waiting = Trainee.objects.get(user__first_name="Tomasz", user__last_name="Kowalski")
    assert waiting.final_assessment.main_signed_at is None
    assert cert.current_assignment(waiting, User.objects.get(email="extern@example.se"))

    # The certificate set was issued as issuing requires: Bilaga 3 signed by the head of the home unit.
    b3 = certified.issued_documents.get(kind="bilaga3")
    assert b3.service_signature and b3.service_signature.trainee == certified
    assert cert.verify(b3.code)[0] == cert.VerifyState.VALID

    assert Round.objects.count() == len(demo_data.SEED_REGIONS)
    # Admitted through the intake service: every item missing from the checklist has a recorded
    # reason, and no decision says the checklist is complete when it is not.
    from intake import services as intake_services

    admitted = Application.objects.filter(status=ApplicationStatus.ADMITTED)
    assert admitted.exists()
    for app in admitted:
        missing = {m.item for m in intake_services.missing_items(app)}
        assert missing == {m["item"] for m in app.admitted_without}, app
        assert all(m["reason"].strip() for m in app.admitted_without)
        assert not missing or "komplett" not in app.decision_reason
    assert any(app.admitted_without for app in admitted)
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in ApplicationStatus} - {ApplicationStatus.WITHDRAWN}

    # The next intake has wishes for the cohort planner to weigh.
    assert UnitWish.objects.filter(trainee__status="planned", strength__gt=0).count() >= 8

    seed()
    assert {model.__name__: model.objects.count() for model in story} == before

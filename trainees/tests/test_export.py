"""Export of a region's plans to xlsx, and the round trip back through the import."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from btportal import factories as f
from trainees.models import Placement, Trainee
from trainees.tests.importing_helpers import (
    EN,
    D,
    _errors,
    _post,
)

# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------


def _export(client, slug="vgr"):
    return client.get(reverse("trainees:export_region", args=[slug]), **EN)


def _sheet_rows(sheet):
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r)) for r in rows[1:]]


@pytest.fixture
def planned(units):
    """World's VGR trainee with two placements (one with a handledare) and a second VGR trainee."""
    trainee = units.trainee
    Placement.objects.create(
        trainee=trainee,
        category="akut",
        unit=units.clinic,
        start=D(2026, 11, 1),
        end=D(2027, 4, 30),
        extent=100,
        supervisor=units.users["handledare"],
    )
    Placement.objects.create(
        trainee=trainee,
        category="primarvard",
        unit=units.health_centre,
        start=D(2027, 5, 1),
        end=D(2027, 10, 31),
        extent=50,
    )
    second = f.make_trainee(home_unit=units.health_centre, bt_type="integrerad", st_specialty="Allmänmedicin")
    return units, second


@pytest.mark.django_db
def test_kansli_exports_the_regions_plans_to_xlsx(kansli, planned):
    world, second = planned
    response = _export(kansli)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="bt-plans-vgr-{today}.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["BT-läkare", "Placeringar"]
    people = _sheet_rows(workbook["BT-läkare"])
    assert len(people) == 2  # Gävleborg's trainee is not in VGR's export
    row = next(p for p in people if p["Email"] == "bt@example.se")
    assert row["Personnummer"] == f"{world.trainee.user.personnummer[:8]}-{world.trainee.user.personnummer[8:]}"
    assert row["Main supervisor"] == str(world.users["huvudhandledare"])
    assert row["Planned start"].date() == D(2026, 11, 1)
    assert row["Full-time months"] == 9 and row["Valid plan"] == "no"
    placements = _sheet_rows(workbook["Placeringar"])
    mine = [p for p in placements if p["email"] == "bt@example.se"]
    assert [
        (p["placement_category"], p["placement_unit"], p["placement_extent"], p["full_time_months"]) for p in mine
    ] == [
        ("akut", "Sahlgrenska – Medicinkliniken", 100, 6),
        ("primarvard", "VC-MAJORNA", 50, 3),
    ]
    assert mine[0]["supervisor"] == str(world.users["handledare"])
    # A trainee without placements still has a row (so the sheet can be imported again).
    assert [p["placement_start"] for p in placements if p["email"] == second.user.email] == [None]


@pytest.mark.django_db
def test_the_personnummer_is_masked_for_trainees_the_user_does_not_manage(client, planned):
    world, second = planned  # second: home unit the vårdcentral, outside the studierektor's units
    Placement.objects.create(
        trainee=second, category="akut", unit=world.clinic, start=D(2026, 11, 1), end=D(2027, 1, 31)
    )
    client.force_login(world.users["studierektor"])
    workbook = openpyxl.load_workbook(io.BytesIO(_export(client).content))
    people = {p["Email"]: p for p in _sheet_rows(workbook["BT-läkare"])}
    assert people[second.user.email]["Personnummer"].endswith("-****")
    assert not people["bt@example.se"]["Personnummer"].endswith("-****")


@pytest.mark.django_db
def test_a_gavleborg_kansli_may_not_export_vgr(client, world):
    client.force_login(world.users["stranger_kansli"])
    assert _export(client).status_code == 403
    assert _export(client, "gavleborg").status_code == 200
    assert _export(client, "no-such-region").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["bt_lakare", "handledare", "granskare"])
def test_other_roles_may_not_export(client, world, role):
    client.force_login(world.users[role])
    assert _export(client).status_code == 403


@pytest.mark.django_db
def test_the_export_needs_a_bounded_number_of_queries(kansli, planned, django_assert_max_num_queries):
    world, _second = planned
    with django_assert_max_num_queries(20) as few:
        _export(kansli)
    for _ in range(6):
        trainee = f.make_trainee(home_unit=world.clinic, main_supervisor=world.users["huvudhandledare"])
        Placement.objects.create(
            trainee=trainee,
            category="akut",
            unit=world.clinic,
            start=D(2026, 11, 1),
            end=D(2027, 1, 31),
            supervisor=world.users["handledare"],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        _export(kansli)


@pytest.mark.django_db
def test_a_formula_in_a_name_is_exported_as_text(kansli, units):
    units.trainee.user.first_name = '=HYPERLINK("http://evil")'
    units.trainee.user.save()
    workbook = openpyxl.load_workbook(io.BytesIO(_export(kansli).content))
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row if "HYPERLINK" in str(c.value)]
    # Shown as text with a leading apostrophe (formula injection; core.exports), never run.
    assert len(cells) == 2  # the name on the first sheet, first_name on the import format's
    assert all(c.data_type == "s" and str(c.value).startswith("'=") for c in cells)


@pytest.mark.django_db
def test_export_then_import_reproduces_the_placements(kansli, planned):
    world, second = planned
    Placement.objects.create(
        trainee=second, category="introduktion", start=D(2026, 11, 1), end=D(2026, 11, 30), extent=100
    )

    def snapshot():
        return sorted(
            (
                p.trainee.user.personnummer,
                p.trainee.user.email,
                p.trainee.bt_type,
                p.trainee.st_specialty,
                p.trainee.home_unit_id,
                p.trainee.planned_start,
                p.category,
                p.unit_id,
                p.start,
                p.end,
                p.extent,
            )
            for p in Placement.objects.filter(trainee__region=world.vgr).select_related("trainee__user")
        )

    before = snapshot()
    exported = _export(kansli).content
    # Empty the region: the people and their plans are gone.
    for trainee in Trainee.objects.filter(region=world.vgr).select_related("user"):
        user = trainee.user
        trainee.delete()
        user.delete()
    assert snapshot() == []
    response = _post(kansli, SimpleUploadedFile("bt-plans-vgr.xlsx", exported))
    assert _errors(response) == []
    assert len(response.context["imported"]) == 2
    assert snapshot() == before


@pytest.mark.django_db
def test_neutralised_cells_import_back_as_they_were(kansli, planned):
    """The export writes "'=…" for a name like "=…" (formula injection); the import undoes it."""
    world, second = planned
    hostile = {
        world.trainee.user.pk: ('=HYPERLINK("http://x","y")', "-Berg", "@Land"),
        second.user.pk: ("+46", "'=Apostrof", "=1+1"),
    }
    for user in User.objects.filter(pk__in=hostile):
        user.first_name, user.last_name, _country = hostile[user.pk]
        user.save()
    for trainee in (world.trainee, second):
        trainee.degree_country = hostile[trainee.user_id][2]
        trainee.save()
    exported = _export(kansli).content
    sheet = openpyxl.load_workbook(io.BytesIO(exported))["Placeringar"]
    assert not any(str(c.value).startswith(("=", "+", "-", "@")) for row in sheet.iter_rows() for c in row)
    for trainee in Trainee.objects.filter(region=world.vgr).select_related("user"):
        user = trainee.user
        trainee.delete()
        user.delete()
    response = _post(kansli, SimpleUploadedFile("bt-plans-vgr.xlsx", exported))
    assert _errors(response) == []
    imported = {
        t.user.email: (t.user.first_name, t.user.last_name, t.degree_country)
        for t in Trainee.objects.filter(region=world.vgr).select_related("user")
    }
    assert imported == {
        "bt@example.se": hostile[world.trainee.user.pk],
        second.user.email: hostile[second.user.pk],
    }

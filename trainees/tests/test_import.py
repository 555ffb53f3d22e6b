"""Import of BT-läkare and plans from CSV/xlsx: all or nothing, with a row-level report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from btportal import factories as f
from core import tables
from trainees import importing
from trainees.models import Placement, Trainee
from trainees.tests.importing_helpers import (
    EN,
    HEADER,
    PNR_A,
    PNR_B,
    PNR_C,
    URL,
    D,
    _counts,
    _csv,
    _errors,
    _good_rows,
    _placement,
    _post,
    _row,
    _xlsx,
)

# ---------------------------------------------------------------------------
# A clean file
# ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_clean_semicolon_csv_with_bom_imports_trainees_and_placements(kansli, units):
    before = _counts()
    response = _post(kansli, _csv(_good_rows()))
    assert response.status_code == 200
    assert _errors(response) == []
    assert _counts() == (before[0] + 2, before[1] + 2, before[2] + 3)
    amira = Trainee.objects.get(user__personnummer=PNR_A)
    assert amira.user.email == "amira@example.se" and amira.home_unit == units.clinic
    assert amira.programme == "vgr" and amira.region == units.vgr and amira.licence_date == D(2027, 1, 15)
    assert not amira.user.has_usable_password()
    assert [(p.category, p.unit, p.start, p.end, p.extent) for p in amira.placements.order_by("start")] == [
        ("akut", units.clinic, D(2027, 4, 5), D(2027, 9, 30), 100),
        ("primarvard", units.health_centre, D(2027, 10, 1), D(2028, 3, 31), 50),
    ]
    bjorn = Trainee.objects.get(user__personnummer=PNR_B)
    assert bjorn.bt_type == "fristaende" and bjorn.home_unit == units.health_centre
    assert list(bjorn.placements.values_list("category", "unit")) == [("introduktion", None)]
    assert amira.status_changes.count() == 1  # registered through the service
    body = response.content.decode()
    assert 'data-testid="import-summary"' in body
    assert response.context["imported"][0].trainee == amira
    assert len(response.context["imported"]) == 2
    assert body.count('data-testid="plan-check"') == 2
    # The plans are short: the rules module's check is reported per trainee.
    assert "errors" in body or "error" in body


@pytest.mark.django_db
def test_an_xlsx_workbook_imports(kansli, units):
    rows = _good_rows()
    rows[0]["planned_start"] = D(2027, 4, 5)  # a real date cell
    response = _post(kansli, _xlsx(rows))
    assert _errors(response) == []
    assert Trainee.objects.filter(user__personnummer__in=[PNR_A, PNR_B]).count() == 2
    assert Placement.objects.filter(trainee__user__personnummer=PNR_A).count() == 2


@pytest.mark.django_db
def test_comma_csv_without_bom_and_swedish_headers(kansli, units):
    swedish = ["Personnummer", "Förnamn", "Efternamn", "E-post", "BT-typ", "Hemenhet", "Planerad start"]
    canonical = ["personnummer", "first_name", "last_name", "email", "bt_type", "home_unit", "planned_start"]
    row = _row()
    upload = _csv([{s: row[c] for s, c in zip(swedish, canonical)}], header=swedish, delimiter=",", bom=False)
    response = _post(kansli, upload)
    assert _errors(response) == []
    assert Trainee.objects.filter(user__email="amira@example.se").exists()


@pytest.mark.django_db
def test_checking_the_file_imports_nothing(kansli, units):
    before = _counts()
    response = _post(kansli, _csv(_good_rows()), action="check")
    assert _counts() == before
    assert 'data-testid="import-ready"' in response.content.decode()
    assert response.context["report"].placement_count == 3


@pytest.mark.django_db
def test_the_studierektor_imports_within_their_units(client, units):
    client.force_login(units.users["studierektor"])  # scope: the hospital and the clinic below it
    response = _post(client, _csv([_row()]))
    assert _errors(response) == []
    assert Trainee.objects.filter(user__email="amira@example.se").exists()


# ---------------------------------------------------------------------------
# All or nothing, row-level errors
# ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_bad_row_among_good_ones_imports_nothing_and_lists_the_errors(kansli, units):
    rows = _good_rows()
    rows.insert(2, _row(personnummer=PNR_C, email="carl@example.se", planned_start="2027-02-30"))  # row 4
    rows[3]["personnummer"] = "19910203-4560"  # row 5: Björn, wrong check digit
    before = _counts()
    response = _post(kansli, _csv(rows))
    assert response.status_code == 200
    assert _counts() == before
    errors = _errors(response)
    assert (4, "planned_start", "The date 2027-02-30 does not exist.") in errors
    assert (5, "personnummer", "The check digit of the personnummer is wrong; please check for a typo.") in errors
    body = response.content.decode()
    assert 'data-testid="import-errors"' in body and "<caption>" in body and '<th scope="col">' in body
    assert "Nothing was imported" in body
    assert "The date 2027-02-30 does not exist." in body


ERROR_CASES = {
    "required": ([_row(first_name="")], 2, "first_name", "This field is required."),
    "personnummer": ([_row(personnummer="19900517-1234")], 2, "personnummer", "check digit"),
    "personnummer_format": ([_row(personnummer="abc")], 2, "personnummer", "YYYYMMDD-NNNN"),
    "date_format": ([_row(planned_start="05/04/2027")], 2, "planned_start", "Enter the date as YYYY-MM-DD."),
    "email": ([_row(email="not-an-email")], 2, "email", "Enter a valid email address."),
    "bt_type": ([_row(bt_type="halvtid")], 2, "bt_type", "Use fristaende or integrerad."),
    "bt_type_not_offered": ([_row(programme="jonkoping")], 2, "bt_type", "does not offer this BT type"),
    "unknown_programme": ([_row(programme="atlantis")], 2, "programme", "Unknown programme"),
    "integrated_needs_specialty": ([_row(bt_type="integrerad")], 2, "st_specialty", "Give the ST specialty"),
    "licence_after_start": ([_row(licence_date="2027-06-01")], 2, "planned_start", "before the licence"),
    "unknown_home_unit": ([_row(home_unit="Ingenstans")], 2, "home_unit", "No unit with this HSA-id or name."),
    "home_unit_outside_scope": (
        [_row(home_unit="Akutkliniken Gävle")],
        2,
        "home_unit",
        "You may not register BT doctors at this unit.",
    ),
    "placement_unit_other_region": (
        [_row(), _placement(placement_unit="Akutkliniken Gävle")],
        3,
        "placement_unit",
        "in the region",
    ),
    "placement_unit_without_category": (
        [_row(), _placement(placement_unit="Sahlgrenska")],
        3,
        "placement_unit",
        "no placement category",
    ),
    "placement_category_conflicts_with_unit": (
        [_row(), _placement(placement_category="psykiatri")],
        3,
        "placement_category",
        "The unit's category is akut",
    ),
    "placement_needs_unit_or_category": (
        [_row(), _placement(placement_unit="")],
        3,
        "placement_category",
        "Choose a unit or a category.",
    ),
    "placement_needs_dates": ([_row(), _placement(placement_end="")], 3, "placement_end", "required for a placement"),
    "extent_zero": ([_row(), _placement(placement_extent="0")], 3, "placement_extent", "from 1 to 100"),
    "extent_too_high": ([_row(), _placement(placement_extent="150")], 3, "placement_extent", "from 1 to 100"),
    "extent_not_a_number": ([_row(), _placement(placement_extent="full")], 3, "placement_extent", "from 1 to 100"),
    "end_before_start": (
        [_row(), _placement(placement_start="2027-05-01", placement_end="2027-04-30")],
        3,
        "placement_end",
        "must not be before",
    ),
    "personnummer_registered": ([_row(personnummer="TRAINEE")], 2, "personnummer", "already registered"),
    "email_registered": ([_row(email="BT@example.se")], 2, "email", "already registered"),
    "conflict_in_file": ([_row(), _placement(last_name="Haddad-Svensson")], 3, "last_name", "differs from row 2"),
    "home_unit_conflict_in_file": ([_row(), _placement(home_unit="VC-MAJORNA")], 3, "home_unit", "differs from row 2"),
    "same_email_two_people": (
        [_row(), _row(personnummer=PNR_B, email="Amira@example.se")],
        3,
        "email",
        "Row 2 has the same email address",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_each_kind_of_bad_row_is_reported_and_changes_nothing(kansli, units, case):
    rows, row, column, fragment = ERROR_CASES[case]
    rows = [dict(r) for r in rows]
    for r in rows:
        if r.get("personnummer") == "TRAINEE":
            r["personnummer"] = units.trainee.user.personnummer
    before = _counts()
    response = _post(kansli, _csv(rows))
    assert response.status_code == 200
    assert _counts() == before
    errors = _errors(response)
    assert any(r == row and c == column and fragment in m for r, c, m in errors), errors
    assert fragment.split("%")[0] in response.content.decode().replace("&#x27;", "'")


@pytest.mark.django_db
def test_the_column_is_named_as_written_in_the_file(kansli, units):
    header = ["Personnummer", "Förnamn", "Efternamn", "E-post", "BT-typ", "Hemenhet", "Planerad start"]
    canonical = ["personnummer", "first_name", "last_name", "email", "bt_type", "home_unit", "planned_start"]
    row = _row(email="fel")
    response = _post(kansli, _csv([{h: row[c] for h, c in zip(header, canonical)}], header=header))
    assert _errors(response) == [(2, "E-post", "Enter a valid email address.")]


@pytest.mark.django_db
def test_a_unit_outside_the_users_scope_is_refused(client, units):
    client.force_login(units.users["studierektor"])  # the hospital only; not the vårdcentral
    before = _counts()
    response = _post(client, _csv([_row(home_unit="VC-MAJORNA")]))
    assert _counts() == before
    assert _errors(response) == [(2, "home_unit", "You may not register BT doctors at this unit.")]


@pytest.mark.django_db
def test_a_gavleborg_kansli_cannot_import_into_vgr(client, units):
    client.force_login(units.users["stranger_kansli"])
    response = _post(client, _csv([_row()]))
    assert _errors(response) == [(2, "home_unit", "You may not register BT doctors at this unit.")]
    assert not Trainee.objects.filter(user__email="amira@example.se").exists()


@pytest.mark.django_db
def test_a_name_shared_by_two_units_needs_the_hsa_id(kansli, units):
    f.make_unit(units.vgr, "Medicinkliniken", parent=None, category="akut")
    response = _post(kansli, _csv([_row()]))
    assert _errors(response) == [(2, "home_unit", "Several units are called Medicinkliniken; use the unit's HSA-id.")]
    # The full name (as in the export) tells them apart.
    response = _post(kansli, _csv([_row(home_unit="Sahlgrenska – Medicinkliniken")]))
    assert _errors(response) == []


# ---------------------------------------------------------------------------
# Bad files: a clear message, nothing changed, never a 500
# ---------------------------------------------------------------------------


def _file_error(response):
    assert response.status_code == 200
    return " ".join(str(e) for e in response.context["form"].errors.get("file", []))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "upload,message",
    [
        (
            SimpleUploadedFile("big.csv", b"personnummer;" + b"x" * (2 * 1024 * 1024)),
            "The file is too large: at most 2 MB.",
        ),
        (SimpleUploadedFile("plan.pdf", b"%PDF-1.4 ..."), "Upload a CSV file (.csv) or an Excel workbook (.xlsx)."),
        (SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0 ..."), "The old Excel format (.xls) is not supported."),
        (SimpleUploadedFile("empty.csv", b""), "The submitted file is empty."),
        (SimpleUploadedFile("blank.csv", b"\xef\xbb\xbf\r\n ;;\r\n"), "The file is empty."),
        (SimpleUploadedFile("fake.xlsx", b"this is not a workbook"), "The file is not a valid Excel workbook (.xlsx)."),
        (SimpleUploadedFile("zip.xlsx", b"PK\x03\x04broken"), "The file is not a valid Excel workbook (.xlsx)."),
        (SimpleUploadedFile("binary.csv", b"\x00\x01\x02personnummer"), "The file is not a CSV text file."),
        (SimpleUploadedFile("header.csv", b"namn;adress\nA;B\n"), "none of the expected columns was found"),
        (
            SimpleUploadedFile("missing.csv", b"personnummer;email\n1;a@b.se\n"),
            "The header lacks required columns: first_name, last_name, bt_type, home_unit, planned_start.",
        ),
        (SimpleUploadedFile("nodata.csv", ";".join(HEADER).encode()), "The file has no rows below the header."),
        (SimpleUploadedFile("dup.csv", b"email;e-post\n"), "both mean email"),
    ],
    ids=[
        "too-large",
        "pdf",
        "xls",
        "zero-bytes",
        "blank",
        "fake-xlsx",
        "broken-zip",
        "binary",
        "wrong-header",
        "missing-columns",
        "no-rows",
        "duplicate-column",
    ],
)
def test_a_bad_file_gets_a_clear_message(kansli, upload, message):
    before = _counts()
    response = _post(kansli, upload)
    assert message in _file_error(response)
    assert _counts() == before
    assert 'role="alert"' in response.content.decode()


@pytest.mark.django_db
def test_too_many_rows(kansli, units, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    rows = [_row(personnummer=f.make_personnummer(D(1990, 1, 1), n), email=f"p{n}@example.se") for n in range(4)]
    response = _post(kansli, _csv(rows))
    assert "The file has too many rows: at most 3 rows below the header." in _file_error(response)


@pytest.mark.django_db
def test_a_windows_1252_csv_from_swedish_excel_is_read(kansli, units):
    response = _post(kansli, _csv([_row(first_name="Björn", last_name="Åström")], encoding="cp1252", bom=False))
    assert _errors(response) == []
    assert Trainee.objects.get(user__email="amira@example.se").user.last_name == "Åström"


# ---------------------------------------------------------------------------
# Access
# ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["kansli", "studierektor", "admin"])
def test_kansli_and_studierektor_may_import(client, world, role):
    client.force_login(world.users[role])
    response = client.get(URL, **EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'for="id_file"' in body and 'aria-describedby="id_file_helptext"' in body
    assert reverse("trainees:import_template") in body
    assert client.get(reverse("trainees:list")).content.decode().count(URL) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["bt_lakare", "handledare", "huvudhandledare", "granskare", "verksamhetschef", "outsider"]
)
def test_other_roles_may_not_import(client, world, role):
    client.force_login(world.users[role])
    before = _counts()
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": _csv([_row()])}).status_code == 403
    assert client.get(reverse("trainees:import_template")).status_code == 403
    assert _counts() == before


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_login_page(client, world):
    for url in (URL, reverse("trainees:import_template"), reverse("trainees:export_region", args=["vgr"])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_the_csv_template_is_importable_in_format(kansli, units):
    response = kansli.get(reverse("trainees:import_template"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    table = importing.read_table(SimpleUploadedFile("template.csv", response.content))
    assert set(importing.COLUMN_NAMES) == set(table.index)
    assert [number for number, _cells in table.rows] == [2, 3]
    # The example units do not exist, so the example cannot be imported by mistake.
    errors = importing.validate(table, user=units.users["kansli"]).errors
    assert any(e.column == "home_unit" for e in errors)

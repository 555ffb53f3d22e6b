"""The one export writer (`core.exports`): formula injection, xlsx and CSV, and every export of the
project fed hostile values."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from btportal import factories as f
from core.exports import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Sheet,
    download,
    neutralise,
    unneutralise,
    write_csv,
    write_xlsx,
)

D = datetime.date
HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "-2+3", "\tx", "\rx", "=1+1"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def xlsx_cells(content: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]


def assert_no_formula(cells):
    for cell in cells:
        assert cell.data_type != "f", cell
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_STARTS), cell


def csv_cells(content: bytes):
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row]


# --- neutralising ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(value):
    assert neutralise(value) == "'" + value
    assert unneutralise(neutralise(value)) == value


@pytest.mark.parametrize("value", ["Anna", "", "'", "'x", "a=b", "070-123", "e@example.se", " =x", 5, -3, None, True])
def test_other_values_stay_as_they_are(value):
    assert neutralise(value) == value
    assert unneutralise(value) == value


@pytest.mark.parametrize("value", ["'=x", "''=x", "'''+1", "'", "''", "'x", "'-", "-", "=", "'\t"])
def test_undoing_is_exact_even_for_text_that_starts_with_apostrophes(value):
    assert unneutralise(neutralise(value)) == value


# --- xlsx ------------------------------------------------------------------------------------------


def test_xlsx_writes_hostile_text_as_text_and_keeps_numbers_and_dates():
    rows = [[*HOSTILE, -5, 2.5, D(2027, 4, 5), None, True]]
    content = write_xlsx([Sheet("Blad", rows, header=["=Rubrik", *"bcdefghijkl"]), Sheet("Andra", [["x"]])])
    cells = xlsx_cells(content)
    assert_no_formula(cells)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Blad", "Andra"]
    sheet = workbook["Blad"]
    assert sheet["A1"].value == "'=Rubrik" and sheet["A1"].font.b and sheet.freeze_panes == "A2"
    values = [c.value for c in sheet[2]]
    # openpyxl reads a cell's \r back as \n with the standard library's XML parser and keeps it with lxml
    # (installed since python3-saml needs it): compare with line ends made alike.
    read = [v.replace("\r", "\n") for v in values[: len(HOSTILE)]]
    assert read == ["'" + v.replace("\r", "\n") for v in HOSTILE]
    assert values[len(HOSTILE) :] == [-5, 2.5, datetime.datetime(2027, 4, 5), None, True]
    assert sheet.cell(2, len(HOSTILE) + 3).number_format == "yyyy-mm-dd"
    assert workbook["Andra"].freeze_panes is None  # no header: nothing frozen, nothing bold
    assert not workbook["Andra"]["A1"].font.b


def test_xlsx_sizes_columns_by_their_text_within_bounds():
    sheet = openpyxl.load_workbook(io.BytesIO(write_xlsx([Sheet("S", [["x" * 100, "y" * 20, ""]], header=["a"])])))
    widths = [sheet.active.column_dimensions[c].width for c in "ABC"]
    assert widths == [50, 22, 10]


def test_xlsx_takes_rows_from_a_generator_and_long_titles():
    rows = ([n, str(n)] for n in range(3000))
    workbook = openpyxl.load_workbook(io.BytesIO(write_xlsx([Sheet("T" * 40, rows, header=["n", "text"])])))
    assert workbook.sheetnames == ["T" * 31]
    assert workbook.active.max_row == 3001 and workbook.active["B3001"].value == "2999"


def test_an_aware_time_is_written_as_stockholm_wall_clock_time():
    moment = datetime.datetime(2027, 1, 1, 11, 0, tzinfo=datetime.UTC)
    sheet = openpyxl.load_workbook(io.BytesIO(write_xlsx([Sheet("S", [[moment]])]))).active
    assert sheet["A1"].value == datetime.datetime(2027, 1, 1, 12, 0)


# --- CSV -------------------------------------------------------------------------------------------


def test_csv_is_excels_swedish_dialect_and_neutralises_hostile_text():
    content = write_csv(Sheet("x", [[*HOSTILE, -5, D(2027, 4, 5), None, "Åsa"]], header=["@a", "b"]))
    assert content.startswith(b"\xef\xbb\xbf") and content.endswith(b"\r\n")
    cells = csv_cells(content)
    assert cells[:2] == ["'@a", "b"]
    assert cells[2:] == ["'" + v for v in HOSTILE] + ["-5", "2027-04-05", "", "Åsa"]
    text_cells = cells[: 2 + len(HOSTILE)]
    assert not any(c.startswith(FORMULA_STARTS) for c in text_cells)


def test_download_names_the_file_and_its_type():
    xlsx = download(b"PK", "a.xlsx")
    assert xlsx["Content-Type"] == XLSX_CONTENT_TYPE
    assert xlsx["Content-Disposition"] == 'attachment; filename="a.xlsx"'
    assert download(b"x", "a.csv")["Content-Type"] == CSV_CONTENT_TYPE


# --- every export of the project ------------------------------------------------------------------


@pytest.fixture
def hostile_world(world):
    """The world's VGR trainee and an intake applicant with names, units and notes that a
    spreadsheet would run as formulas."""
    from intake.tests.factories import make_application, make_round
    from trainees.models import Placement

    unit = f.make_unit(world.vgr, "+1", category="akut")
    user = world.trainee.user
    user.first_name, user.last_name = HOSTILE[0], "@SUM(A1)"
    user.save()
    trainee = world.trainee
    trainee.st_specialty, trainee.degree_country = "-2+3", "\tx"
    trainee.save()
    Placement.objects.create(
        trainee=trainee, category="akut", unit=unit, start=D(2026, 11, 1), end=D(2027, 4, 30), note="\rx"
    )
    round = make_round(world.vgr, name="=cmd|' /C calc'!A0")
    make_application(
        round,
        unit=unit,
        first_name=HOSTILE[0],
        last_name="@SUM(A1)",
        phone="+46701234567",
        decision_reason="-2+3",
        st_specialty="\tx",
    )
    return world, round


@pytest.mark.django_db
def test_every_xlsx_download_writes_hostile_values_as_text(client, hostile_world):
    world, round = hostile_world
    client.force_login(world.users["kansli"])
    downloads = {
        "region plans": client.get(reverse("trainees:export_region", args=["vgr"])),
        "intake round": client.get(reverse("intake:export", args=[round.pk])),
    }
    for name, response in downloads.items():
        assert response.status_code == 200, name
        assert response["Content-Type"] == XLSX_CONTENT_TYPE, name
        cells = xlsx_cells(response.content)
        assert_no_formula(cells)
        texts = {str(c.value) for c in cells}
        assert "'" + HOSTILE[0] in texts and "'@SUM(A1)" in texts, name  # there, as text


def every_export(world, round):
    """{name: the export's sheets} for every export of the project."""
    from intake.exporting import round_sheets
    from trainees.exporting import region_sheets
    from trainees.importing import template_rows

    header, *rows = template_rows()
    return {
        "region plans": region_sheets(world.users["kansli"], world.vgr),
        "intake round": round_sheets(round),
        "import template": [Sheet("template", rows, header=header)],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_every_export_in_either_format_has_no_formula(hostile_world, form):
    world, round = hostile_world
    for name, sheets in every_export(world, round).items():
        if form == "xlsx":
            cells = xlsx_cells(write_xlsx(sheets))
            assert_no_formula(cells)
            texts = [str(c.value) for c in cells]
        else:
            texts = [cell for sheet in sheets for cell in csv_cells(write_csv(sheet))]
            assert not any(t.startswith(FORMULA_STARTS) for t in texts), name
        if name != "import template":
            assert "'" + HOSTILE[0] in texts, (name, form)


@pytest.mark.django_db
def test_the_csv_download_goes_through_the_writer(client, world):
    client.force_login(world.users["kansli"])
    response = client.get(reverse("trainees:import_template"))
    assert response["Content-Type"] == CSV_CONTENT_TYPE
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert csv_cells(response.content)[:2] == ["personnummer", "first_name"]

"""The one upload-table reader and the row-level report (`core.tables`)."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core import tables
from core.exports import Sheet, write_csv, write_xlsx
from core.tables import FileProblem, RowError, RowReport, alias_map, header_key, read_table

ALIASES = alias_map({"name": ("namn", "förnamn"), "email": ("e-post",), "note": ("anteckning",)})
REQUIRED = ("name", "email")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def read(content: bytes, name="t.csv", **kwargs):
    kwargs.setdefault("aliases", ALIASES)
    kwargs.setdefault("required", REQUIRED)
    return read_table(SimpleUploadedFile(name, content), **kwargs)


def xlsx(*sheets) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_header_keys_fold_case_diacritics_and_punctuation():
    assert header_key(" Förnamn ") == "fornamn"
    assert header_key("E-post") == "e_post"
    assert header_key("Extent (%)") == "extent"
    assert ALIASES["fornamn"] == "name" and ALIASES["name"] == "name"


def test_it_reads_a_semicolon_csv_with_a_bom_and_keeps_the_files_row_numbers():
    table = read("\ufeffFörnamn;E-post;Övrigt\r\n\r\nÅsa;asa@example.se;x\r\n;;\r\nBo;bo@example.se;\r\n".encode())
    assert table.headers == {"name": "Förnamn", "email": "E-post"}
    assert table.index == {"name": 0, "email": 1}
    assert [n for n, _cells in table.rows] == [3, 5]  # blank rows are skipped, numbers kept
    assert table.text(table.rows[0][1], "name") == "Åsa"
    assert table.cell(table.rows[0][1], "note") is None and table.text(table.rows[0][1], "note") == ""


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_it_finds_the_delimiter(delimiter):
    table = read(f"namn{delimiter}e-post\nÅsa{delimiter}a@b.se\n".encode())
    assert table.rows == [(2, ["Åsa", "a@b.se"])]


def test_it_reads_windows_1252():
    assert read("namn;e-post\nÅsa Öberg;a@b.se\n".encode("cp1252")).rows[0][1][0] == "Åsa Öberg"


def test_it_reads_an_xlsx_prefering_the_named_sheet():
    content = xlsx(
        ("Info", [["Annat"]]), ("Data", [["Namn", "E-post", "Född"], ["Åsa", "a@b.se", datetime.date(1990, 1, 2)]])
    )
    with pytest.raises(FileProblem, match="none of the expected columns"):
        read(content, "t.xlsx")  # the first sheet
    table = read(content, "t.xlsx", sheet="Data")
    assert table.sheet == "Data"
    assert table.rows == [(2, ["Åsa", "a@b.se", datetime.date(1990, 1, 2)])]


def test_what_an_export_neutralised_is_read_back_as_it_was():
    rows = [["=HYPERLINK(1)", "-a@b.se", "'=x"], ["+46", "@c.se", "plain"]]
    header = ["name", "email", "note"]
    for content, name in (
        (write_csv(Sheet("s", rows, header=header)), "t.csv"),
        (write_xlsx([Sheet("s", rows, header=header)]), "t.xlsx"),
    ):
        assert [cells for _n, cells in read(content, name).rows] == rows, name


@pytest.mark.parametrize(
    "content,name,message",
    [
        (b"x" * (tables.MAX_BYTES + 1), "t.csv", "The file is too large: at most 2 MB."),
        (b"%PDF", "t.pdf", "Upload a CSV file (.csv) or an Excel workbook (.xlsx)."),
        (b"\xd0\xcf\x11\xe0", "t.xls", "The old Excel format (.xls) is not supported."),
        (b"  \r\n", "t.csv", "The file is empty."),
        (b";;\r\n", "t.csv", "The file is empty."),
        (b"not a zip", "t.xlsx", "The file is not a valid Excel workbook (.xlsx)."),
        (b"PK\x03\x04broken", "t.xlsx", "The file is not a valid Excel workbook (.xlsx)."),
        (b"\x00\x01namn", "t.csv", "The file is not a CSV text file."),
        (b"namn;e-post\n" + b"x" * 140_000, "t.csv", "could not be read as CSV near row 2"),
        (b"adress;ort\nx;y\n", "t.csv", "Row 1 must be the header with the column names"),
        (b"namn;anteckning\nx;y\n", "t.csv", "The header lacks required columns: email."),
        (b"namn;e-post\n", "t.csv", "The file has no rows below the header."),
        ("namn;Förnamn;e-post\nx;y;z\n".encode(), "t.csv", "The columns “namn” and “Förnamn” both mean name"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(content, name, message):
    with pytest.raises(FileProblem) as problem:
        read(content, name)
    assert message in str(problem.value)


def test_columns_are_named_by_their_label_in_messages():
    with pytest.raises(FileProblem, match="lacks required columns: E-mail address"):
        read(b"namn\nx\n", label=lambda name: {"email": "E-mail address"}.get(name, name))


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 2)
    with pytest.raises(FileProblem, match="at most 2 rows"):
        read(b"namn;e-post\na;b\nc;d\ne;f\n")


def test_a_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_UNZIPPED_BYTES", 100)
    with pytest.raises(FileProblem, match="too large"):
        read(xlsx(("S", [["namn", "e-post"], ["x" * 200, "y"]])), "t.xlsx")


def test_the_report_names_the_column_as_written_and_sorts_by_row():
    table = read(b"Namn;E-post\nx;y\nz;w\n")
    report = RowReport(rows=len(table.rows))
    assert report.ok
    report.add_error(table, 3, "email", "bad")
    report.add_error(table, 2, "note", "missing", label=lambda n: n.upper())
    report.add_error(table, 2, "name", "short")
    report.sort()
    assert not report.ok
    assert report.errors == [RowError(2, "NOTE", "missing"), RowError(2, "Namn", "short"), RowError(3, "E-post", "bad")]

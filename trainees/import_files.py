"""Reading an import file (CSV or .xlsx) into a table of rows with the row numbers the user
sees, and the columns of the import format. Validation and the import itself: `trainees.importing`.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # a 2 MB xlsx may not expand beyond this (zip bombs)
CSV_TYPES = (".csv", ".txt")
XLSX_TYPES = (".xlsx",)
#: In a workbook exported by BT-portalen this sheet is the import format; otherwise the first sheet is read.
EXPORT_SHEET = "Placeringar"


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is translated and safe to show."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...]
    required: bool
    help: str
    placement: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "personnummer",
        ("personnummer", "personnr", "pnr", "personal identity number"),
        True,
        _(
            "YYYYMMDD-NNNN (or YYMMDD-NNNN). A samordningsnummer is accepted too. Rows with the same personnummer are the same BT doctor."
        ),
    ),
    Column("first_name", ("förnamn", "first name", "firstname", "given name"), True, _("First name.")),
    Column("last_name", ("efternamn", "last name", "lastname", "surname", "family name"), True, _("Last name.")),
    Column(
        "email",
        ("e-post", "epost", "e-postadress", "e-mail", "mail"),
        True,
        _("Email address; the BT doctor logs in with it. It must not belong to a registered person."),
    ),
    Column(
        "bt_type",
        ("bt-typ", "bt typ", "typ av bt", "bt type"),
        True,
        _("fristaende (standalone/regional BT) or integrerad (BT integrated in ST); “fristående” is accepted too."),
    ),
    Column(
        "st_specialty",
        ("st-specialitet", "st specialitet", "specialitet", "st specialty"),
        False,
        _("Required for BT integrated in ST."),
    ),
    Column(
        "home_unit",
        ("hemenhet", "home unit"),
        True,
        _("The unit's HSA-id or exact name; it must be one of the units where you may register BT doctors."),
    ),
    Column(
        "programme",
        ("program", "bt-program", "programme", "program id"),
        False,
        _("Programme id; empty: the home unit region's programme."),
    ),
    Column(
        "planned_start",
        ("planerad start", "planerat startdatum", "startdatum", "planned start"),
        True,
        _("Date, YYYY-MM-DD."),
    ),
    Column(
        "licence_date",
        ("legitimationsdatum", "legitimation", "datum för legitimation", "licence date", "license date"),
        False,
        _("Date of licence (legitimation), YYYY-MM-DD."),
    ),
    Column(
        "degree_country",
        ("examensland", "land för läkarexamen", "degree country"),
        False,
        _("Country of medical degree."),
    ),
    Column(
        "degree_date",
        ("examensdatum", "datum för läkarexamen", "degree date"),
        False,
        _("Date of medical degree, YYYY-MM-DD."),
    ),
    Column(
        "placement_category",
        ("placeringskategori", "kategori", "category", "placering kategori"),
        False,
        _("introduktion, akut, primarvard, psykiatri, valfri or annan. Empty: the category of the placement unit."),
        placement=True,
    ),
    Column(
        "placement_unit",
        ("placeringsenhet", "placering enhet", "placement unit"),
        False,
        _("HSA-id or exact name of a unit in the home unit's region; may be empty for a placement not yet placed."),
        placement=True,
    ),
    Column(
        "placement_start",
        ("placeringsstart", "placering start", "start", "från"),
        False,
        _("First day of the placement, YYYY-MM-DD."),
        placement=True,
    ),
    Column(
        "placement_end",
        ("placeringsslut", "placering slut", "end", "slut", "till"),
        False,
        _("Last day of the placement, YYYY-MM-DD."),
        placement=True,
    ),
    Column(
        "placement_extent",
        ("omfattning", "placeringsomfattning", "extent", "tjänstgöringsgrad", "procent"),
        False,
        _("Extent in % of full time, 1–100; empty: 100."),
        placement=True,
    ),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
TRAINEE_FIELDS = tuple(c.name for c in COLUMNS if not c.placement)
PLACEMENT_FIELDS = tuple(c.name for c in COLUMNS if c.placement)
REQUIRED = tuple(c.name for c in COLUMNS if c.required)


def _fold(text: str) -> str:
    """Lower case without diacritics: "Fristående" -> "fristaende"."""
    text = unicodedata.normalize("NFKD", str(text).strip().lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def header_key(text) -> str:
    """A header cell as a look-up key: "E-post" -> "e_post", "Extent (%)" -> "extent"."""
    return re.sub(r"[^a-z0-9]+", "_", _fold(text or "")).strip("_")


_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _alias in (_column.name, *_column.aliases):
        _ALIASES[header_key(_alias)] = _column.name


# ---------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------


@dataclass
class Table:
    headers: dict[str, str]  # column name -> header as written in the file
    index: dict[str, int]  # column name -> position
    rows: list[tuple[int, list]]  # (row number in the file, cells)
    sheet: str = ""

    def cell(self, row: list, name: str):
        i = self.index.get(name)
        if i is None or i >= len(row):
            return None
        return row[i]


def read_records(upload) -> tuple:
    """The checks every uploaded table gets (size, type, encoding, xlsx sanity): its records
    [(row number, cells)] and the sheet name; raise FileProblem with a clear message."""
    name = (getattr(upload, "name", "") or "").lower()
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise FileProblem(_too_large())
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileProblem(_too_large())
    if name.endswith(".xls"):
        raise FileProblem(gettext("The old Excel format (.xls) is not supported. Save the file as .xlsx or as CSV."))
    if not name.endswith(CSV_TYPES + XLSX_TYPES):
        raise FileProblem(gettext("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))
    if not data.strip():
        raise FileProblem(gettext("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        return _xlsx_records(data)
    if name.endswith(XLSX_TYPES):
        raise FileProblem(gettext("The file is not a valid Excel workbook (.xlsx)."))
    return _csv_records(data), ""


def read_table(upload) -> Table:
    """Read an uploaded CSV or xlsx file of BT-läkare and placements."""
    return _table(*read_records(upload))


def _too_large() -> str:
    return gettext("The file is too large: at most %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)}


def _too_many_rows() -> str:
    return gettext("The file has too many rows: at most %(rows)s rows below the header.") % {"rows": MAX_ROWS}


def _csv_records(data: bytes):
    if b"\x00" in data:
        raise FileProblem(
            gettext("The file is not a CSV text file. Upload a CSV file (.csv) or an Excel workbook (.xlsx).")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Swedish Excel's "CSV (semikolonavgränsad)" saves in Windows-1252.
        text = data.decode("cp1252", errors="replace")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for record in reader:
            number += 1
            yield number, record
    except csv.Error:
        raise FileProblem(
            gettext("The file could not be read as CSV near row %(row)s. Check quotes and separators.")
            % {"row": number + 1}
        ) from None


def _xlsx_records(data: bytes):
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise FileProblem(_too_large())
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileProblem:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged or foreign zip file
        raise FileProblem(gettext("The file is not a valid Excel workbook (.xlsx).")) from None
    if not workbook.worksheets:
        raise FileProblem(gettext("The file is empty."))
    sheet = workbook[EXPORT_SHEET] if EXPORT_SHEET in workbook.sheetnames else workbook.worksheets[0]

    def records():
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_xlsx_value(v) for v in values]
        except FileProblem:
            raise
        except Exception:
            raise FileProblem(gettext("The file is not a valid Excel workbook (.xlsx).")) from None
        finally:
            workbook.close()

    return records(), sheet.title


def _xlsx_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _blank(record) -> bool:
    return all(str(v).strip() == "" for v in record)


def split_header(records) -> tuple[list, int, list[tuple[int, list]]]:
    """(header, its row number, the non-blank rows below it); blank rows are skipped."""
    header, header_number, rows = None, 0, []
    for number, record in records:
        if _blank(record):
            continue
        if header is None:
            header, header_number = record, number
            continue
        rows.append((number, list(record)))
        if len(rows) > MAX_ROWS:
            raise FileProblem(_too_many_rows())
    if header is None:
        raise FileProblem(gettext("The file is empty."))
    return header, header_number, rows


def map_header(header, aliases: dict[str, str], label=str) -> tuple[dict[str, str], dict[str, int]]:
    """Column name -> header as written, and -> position, for the header cells `aliases` knows
    (other columns are ignored, e.g. an export's extra columns); two cells meaning the same
    column are refused."""
    headers: dict[str, str] = {}
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        written = str(cell).strip()
        name = aliases.get(header_key(written))
        if name is None:
            continue
        if name in index:
            raise FileProblem(
                gettext("The columns “%(first)s” and “%(second)s” both mean %(column)s; keep one of them.")
                % {"first": headers[name], "second": written, "column": label(name)}
            )
        headers[name], index[name] = written, position
    return headers, index


def _table(records, sheet: str) -> Table:
    header, header_number, rows = split_header(records)
    headers, index = map_header(header, _ALIASES)
    if not index:
        raise FileProblem(
            gettext(
                "Row %(row)s must be the header with the column names, but none of the expected columns was found (%(columns)s)."
            )
            % {"row": header_number, "columns": ", ".join(REQUIRED)}
        )
    missing = [name for name in REQUIRED if name not in index]
    if missing:
        raise FileProblem(gettext("The header lacks required columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if not rows:
        raise FileProblem(gettext("The file has no rows below the header."))
    return Table(headers=headers, index=index, rows=rows, sheet=sheet)

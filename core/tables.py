"""The one reader of uploaded tables (CSV or .xlsx) and the row-level report of an import.

Every import (BT-läkare and plans, Varbi applicants) goes the same way:

1. `read_table(upload, aliases=..., required=...)` checks the file as a whole (size, type,
   encoding, a sane workbook, a header, rows) and returns a `Table` of rows with the row numbers
   the user sees in the file; or raises `FileProblem` with a translated message.
2. The importing app checks every row into a `RowReport` (row, column, message per error).
3. The import runs only for a report without errors, in one transaction: all or nothing
   (`ImportFailed` when it is refused after all). `core/_row_errors.html` shows the report.

A cell that an export neutralised against formula injection (`core.exports.neutralise`) is read
back as it was, so an exported file imports again unchanged.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext

from core.errors import DomainError
from core.exports import unneutralise

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # a 2 MB xlsx may not expand beyond this (zip bombs)
CSV_TYPES = (".csv", ".txt")
XLSX_TYPES = (".xlsx",)
#: What the file input offers in the browser's file chooser.
ACCEPT = ".csv,.xlsx,.txt,text/csv"


class FileProblem(DomainError):
    """The file as a whole cannot be read; the message is translated and safe to show."""


class ImportFailed(DomainError):
    """A checked file was not imported after all (it had errors, or the data changed meanwhile);
    nothing was imported."""


# ---------------------------------------------------------------------------
# Header names
# ---------------------------------------------------------------------------


def fold(text) -> str:
    """Lower case without diacritics: "Fristående" -> "fristaende"."""
    text = unicodedata.normalize("NFKD", str(text).strip().lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def header_key(text) -> str:
    """A header cell as a look-up key: "E-post" -> "e_post", "Extent (%)" -> "extent"."""
    return re.sub(r"[^a-z0-9]+", "_", fold(text or "")).strip("_")


def alias_map(columns: dict[str, Iterable[str]]) -> dict[str, str]:
    """{header key: column name} for {column name: the headers people write for it}; a column's own
    name is always accepted."""
    return {header_key(alias): name for name, aliases in columns.items() for alias in (name, *aliases)}


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

    def text(self, row: list, name: str) -> str:
        """The cell as stripped text ("" when the column or cell is missing)."""
        value = self.cell(row, name)
        return "" if value is None else str(value).strip()


def read_table(
    upload,
    *,
    aliases: dict[str, str],
    required: Iterable[str],
    label: Callable[[str], str] = str,
    sheet: str | None = None,
) -> Table:
    """Read an uploaded CSV or xlsx file whose header names the columns of `aliases` ({header key:
    column name}, see `alias_map`); other columns are ignored. `label` names a column in messages;
    `sheet`: in a workbook that has a sheet of this name, it is read instead of the first."""
    records, sheet_title = read_records(upload, sheet=sheet)
    header, header_number, rows = split_header(records)
    headers, index = map_header(header, aliases, label)
    required = list(required)
    if not index:
        raise FileProblem(
            gettext(
                "Row %(row)s must be the header with the column names, but none of the expected columns was found (%(columns)s)."
            )
            % {"row": header_number, "columns": ", ".join(label(name) for name in required)}
        )
    missing = [label(name) for name in required if name not in index]
    if missing:
        raise FileProblem(gettext("The header lacks required columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if not rows:
        raise FileProblem(gettext("The file has no rows below the header."))
    return Table(headers=headers, index=index, rows=rows, sheet=sheet_title)


def read_records(upload, *, sheet: str | None = None) -> tuple:
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
        return _xlsx_records(data, sheet)
    if name.endswith(XLSX_TYPES):
        raise FileProblem(gettext("The file is not a valid Excel workbook (.xlsx)."))
    return _csv_records(data), ""


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
            yield number, [unneutralise(cell) for cell in record]
    except csv.Error:
        raise FileProblem(
            gettext("The file could not be read as CSV near row %(row)s. Check quotes and separators.")
            % {"row": number + 1}
        ) from None


def _xlsx_records(data: bytes, preferred: str | None):
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
    sheet = workbook[preferred] if preferred in workbook.sheetnames else workbook.worksheets[0]

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
    return unneutralise(str(value)).strip()


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


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int  # the row number in the file (the header is row 1 when nothing is above it)
    column: str  # the column's header as written in the file
    message: str


@dataclass
class RowReport:
    """The check of every row of a table. An import is all or nothing: it runs only when the
    report has no errors. Apps extend it with what the rows become."""

    rows: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, table: Table, row: int, column: str, message, *, label: Callable[[str], str] = str) -> None:
        """An error in `column` (a column name) of file row `row`, named as the file writes it."""
        self.errors.append(RowError(row, table.headers.get(column) or label(column), str(message)))

    def sort(self) -> None:
        """Errors in the order of the rows (stable: a row's errors keep their order)."""
        self.errors.sort(key=lambda e: e.row)

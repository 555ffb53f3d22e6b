"""The one writer of spreadsheet exports: Excel workbooks (.xlsx) and CSV files.

Linear time and little memory: an xlsx is written with openpyxl's write-only workbook, row by
row (a row never looks at the rows before it); column widths come from the header and the
first rows.

Formula injection (OWASP, "CSV injection"): names, notes and other text come from users, and a
spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before
one) as a formula. Every text cell that could be read so is written with a leading apostrophe,
so it is shown as text. `unneutralise` undoes it exactly (the upload reader applies it to every
cell), so an exported file imports again unchanged.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
WIDTH_SAMPLE = 500  # rows that size the columns of a sheet
MIN_WIDTH, MAX_WIDTH = 10, 50


# ---------------------------------------------------------------------------
# Formula injection
# ---------------------------------------------------------------------------


def _needs_prefix(text: str) -> bool:
    # Apostrophes already in front count too, so that `unneutralise(neutralise(x)) == x` for
    # every text (a name written "'=x" is exported as "''=x" and read back as "'=x").
    return text.lstrip("'").startswith(FORMULA_STARTS)


def neutralise(value):
    """The value as it may be written to a cell: text a spreadsheet would run as a formula gets
    a leading apostrophe; everything else is returned as it is."""
    if isinstance(value, str) and _needs_prefix(value):
        return "'" + value
    return value


def unneutralise(text):
    """Undo `neutralise`: text as it was before it was exported."""
    if isinstance(text, str) and text.startswith("'") and _needs_prefix(text[1:]):
        return text[1:]
    return text


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


@dataclass
class Sheet:
    """One sheet of an export (CSV has one): a header row (bold and frozen in a workbook), if
    any, and the rows. Cells: text, numbers, booleans, dates, None (empty); anything else is
    written as its text."""

    title: str
    rows: Iterable[Sequence]
    header: Sequence | None = None


def _plain(value):
    """A cell value openpyxl and csv write as it is, or its text."""
    if value is None or isinstance(value, (bool, int, float, decimal.Decimal)):
        return value
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: an aware time is written as the local wall-clock time.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, datetime.date):
        return value
    return neutralise(str(value))


def _width(value) -> int:
    return 0 if value is None else len(str(value))


def write_xlsx(sheets: Iterable[Sheet]) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.title[:31])  # Excel's limit on a sheet name
        header = [_plain(h) for h in sheet.header] if sheet.header is not None else None
        rows = (list(map(_plain, row)) for row in sheet.rows)
        sample = list(itertools.islice(rows, WIDTH_SAMPLE))
        widths: dict[int, int] = {}
        for row in ([header] if header else []) + sample:
            for column, value in enumerate(row, start=1):
                widths[column] = max(widths.get(column, 0), _width(value))
        # Column sizes and the frozen header must be set before the first row is written.
        for column, width in widths.items():
            ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
        if header:
            ws.freeze_panes = "A2"
            ws.append([_styled(WriteOnlyCell(ws, value=v), font=bold) for v in header])
        for row in itertools.chain(sample, rows):
            ws.append([_dated(WriteOnlyCell(ws, value=v)) if _is_date(v) else v for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _styled(cell, **style):
    for name, value in style.items():
        setattr(cell, name, value)
    return cell


def _is_date(value) -> bool:
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def _dated(cell):
    return _styled(cell, number_format=DATE_FORMAT)


def write_csv(sheet: Sheet, *, delimiter: str = ";") -> bytes:
    """UTF-8 with a BOM, separated by semicolons, CRLF: as Swedish Excel opens and saves CSV."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    rows = sheet.rows if sheet.header is None else itertools.chain([sheet.header], sheet.rows)
    for row in rows:
        writer.writerow([_csv_value(_plain(v)) for v in row])
    return out.getvalue().encode("utf-8")


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def download(content: bytes, filename: str) -> HttpResponse:
    """The export as a file to save: its type from the name's ending (.xlsx, else CSV)."""
    content_type = XLSX_CONTENT_TYPE if filename.endswith(".xlsx") else CSV_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

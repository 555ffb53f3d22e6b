"""Import of BT-läkare and their plans from a CSV file or an Excel workbook (.xlsx).

Three steps, each usable on its own:

1. `read_table(upload)` reads the file into a `Table` (header + rows with the row numbers the
   user sees in the file, the header being row 1) or raises `FileProblem` with a translated
   message (too large, not CSV/xlsx, empty, missing columns, too many rows).
2. `validate(table, user=...)` checks every row and returns an `ImportReport`: either a list of
   `RowError` (row, column, message) or the trainees and placements ready to be created.
   Validation reuses the registration rules (RegistrationForm) and the plan editor's rules.
3. `run_import(report, by=...)` creates everything in ONE transaction through the existing
   services (`register_trainee`, `save_placement`); all or nothing.

File format: one row per placement or per trainee. Rows with the same personnummer are the
same trainee: the first row gives the trainee's fields, further rows add placements (their
trainee cells may be left empty; a different value is an error).
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

import rules
from accounts import personnummer as pnr
from accounts.permissions import manageable_units
from organisations.models import Unit
from trainees.models import BtType, Placement, PlanCategory

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
    Column("personnummer", ("personnummer", "personnr", "pnr", "personal identity number"), True,
           _("YYYYMMDD-NNNN (or YYMMDD-NNNN). A samordningsnummer is accepted too. Rows with the same personnummer are the same BT doctor.")),
    Column("first_name", ("förnamn", "first name", "firstname", "given name"), True, _("First name.")),
    Column("last_name", ("efternamn", "last name", "lastname", "surname", "family name"), True, _("Last name.")),
    Column("email", ("e-post", "epost", "e-postadress", "e-mail", "mail"), True,
           _("Email address; the BT doctor logs in with it. It must not belong to a registered person.")),
    Column("bt_type", ("bt-typ", "bt typ", "typ av bt", "bt type"), True,
           _("fristaende (standalone/regional BT) or integrerad (BT integrated in ST); “fristående” is accepted too.")),
    Column("st_specialty", ("st-specialitet", "st specialitet", "specialitet", "st specialty"), False,
           _("Required for BT integrated in ST.")),
    Column("home_unit", ("hemenhet", "home unit"), True,
           _("The unit's HSA-id or exact name; it must be one of the units where you may register BT doctors.")),
    Column("programme", ("program", "bt-program", "programme", "program id"), False,
           _("Programme id; empty: the home unit region's programme.")),
    Column("planned_start", ("planerad start", "planerat startdatum", "startdatum", "planned start"), True,
           _("Date, YYYY-MM-DD.")),
    Column("licence_date", ("legitimationsdatum", "legitimation", "datum för legitimation", "licence date", "license date"), False,
           _("Date of licence (legitimation), YYYY-MM-DD.")),
    Column("degree_country", ("examensland", "land för läkarexamen", "degree country"), False,
           _("Country of medical degree.")),
    Column("degree_date", ("examensdatum", "datum för läkarexamen", "degree date"), False,
           _("Date of medical degree, YYYY-MM-DD.")),
    Column("placement_category", ("placeringskategori", "kategori", "category", "placering kategori"), False,
           _("introduktion, akut, primarvard, psykiatri, valfri or annan. Empty: the category of the placement unit."),
           placement=True),
    Column("placement_unit", ("placeringsenhet", "placering enhet", "placement unit"), False,
           _("HSA-id or exact name of a unit in the home unit's region; may be empty for a placement not yet placed."),
           placement=True),
    Column("placement_start", ("placeringsstart", "placering start", "start", "från"), False,
           _("First day of the placement, YYYY-MM-DD."), placement=True),
    Column("placement_end", ("placeringsslut", "placering slut", "end", "slut", "till"), False,
           _("Last day of the placement, YYYY-MM-DD."), placement=True),
    Column("placement_extent", ("omfattning", "placeringsomfattning", "extent", "tjänstgöringsgrad", "procent"), False,
           _("Extent in % of full time, 1–100; empty: 100."), placement=True),
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
    headers: dict[str, str]                       # column name -> header as written in the file
    index: dict[str, int]                         # column name -> position
    rows: list[tuple[int, list]]                  # (row number in the file, cells)
    sheet: str = ""

    def cell(self, row: list, name: str):
        i = self.index.get(name)
        if i is None or i >= len(row):
            return None
        return row[i]


def read_table(upload) -> Table:
    """Read an uploaded CSV or xlsx file; raise FileProblem with a clear message."""
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
        records, sheet = _xlsx_records(data)
    elif name.endswith(XLSX_TYPES):
        raise FileProblem(gettext("The file is not a valid Excel workbook (.xlsx)."))
    else:
        records, sheet = _csv_records(data), ""
    return _table(records, sheet)


def _too_large() -> str:
    return gettext("The file is too large: at most %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)}


def _too_many_rows() -> str:
    return gettext("The file has too many rows: at most %(rows)s rows below the header.") % {"rows": MAX_ROWS}


def _csv_records(data: bytes):
    if b"\x00" in data:
        raise FileProblem(gettext("The file is not a CSV text file. Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))
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
            gettext("The file could not be read as CSV near row %(row)s. Check quotes and separators.") % {"row": number + 1}
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


def _table(records, sheet: str) -> Table:
    header = None
    header_number = 0
    rows: list[tuple[int, list]] = []
    for number, record in records:
        if header is None:
            if _blank(record):
                continue
            header, header_number = record, number
            continue
        if _blank(record):
            continue
        rows.append((number, list(record)))
        if len(rows) > MAX_ROWS:
            raise FileProblem(_too_many_rows())
    if header is None:
        raise FileProblem(gettext("The file is empty."))
    headers: dict[str, str] = {}
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        written = str(cell).strip()
        name = _ALIASES.get(header_key(written))
        if name is None:
            continue  # other columns are ignored (e.g. the export's extra columns)
        if name in index:
            raise FileProblem(
                gettext("The columns “%(first)s” and “%(second)s” both mean %(column)s; keep one of them.")
                % {"first": headers[name], "second": written, "column": name}
            )
        headers[name], index[name] = written, position
    if not index:
        raise FileProblem(
            gettext("Row %(row)s must be the header with the column names, but none of the expected columns was found (%(columns)s).")
            % {"row": header_number, "columns": ", ".join(REQUIRED)}
        )
    missing = [name for name in REQUIRED if name not in index]
    if missing:
        raise FileProblem(
            gettext("The header lacks required columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    if not rows:
        raise FileProblem(gettext("The file has no rows below the header."))
    return Table(headers=headers, index=index, rows=rows, sheet=sheet)


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class PlacementRow:
    row: int
    category: str
    unit: Unit | None
    start: datetime.date
    end: datetime.date
    extent: int


@dataclass
class TraineeRow:
    row: int
    data: dict
    placements: list[PlacementRow] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: int = 0
    trainees: list[TraineeRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def placement_count(self) -> int:
        return sum(len(t.placements) for t in self.trainees)


class _Invalid(Exception):
    def __init__(self, message):
        self.message = message


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if not value:
        return None
    text = str(value).strip()
    if _DATE.match(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise _Invalid(gettext("The date %(value)s does not exist.") % {"value": text}) from None
    raise _Invalid(gettext("Enter the date as YYYY-MM-DD."))


def _text(value, max_length: int) -> str:
    text = str(value or "").strip()
    if len(text) > max_length:
        raise _Invalid(gettext("At most %(count)s characters.") % {"count": max_length})
    return text


@functools.lru_cache(maxsize=None)
def _choice_map(choices_class, extra: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Accepted spellings of a choice: its value, its English and Swedish labels, and extras."""
    out = {}
    for value, label in choices_class.choices:
        out[_fold(value)] = value
        for language in ("en", "sv"):
            with translation.override(language):
                out[_fold(str(label))] = value
    out.update({_fold(k): v for k, v in extra})
    return out


_BT_TYPE_EXTRA = (("fristående", "fristaende"), ("regional", "fristaende"), ("standalone", "fristaende"),
                  ("integrated", "integrerad"))
_CATEGORY_EXTRA = (("primärvård", "primarvard"), ("akut sjukvård", "akut"), ("akutsjukvård", "akut"))


def _bt_type(value) -> str:
    try:
        return _choice_map(BtType, _BT_TYPE_EXTRA)[_fold(value)]
    except KeyError:
        raise _Invalid(gettext("Use fristaende or integrerad.")) from None


def _category(value) -> str:
    try:
        return _choice_map(PlanCategory, _CATEGORY_EXTRA)[_fold(value)]
    except KeyError:
        raise _Invalid(
            gettext("Use one of %(values)s.") % {"values": ", ".join(PlanCategory.values)}
        ) from None


def _extent(value) -> int:
    if value in (None, ""):
        return 100
    text = str(value).strip().rstrip("%").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is None or not number.is_integer() or not 1 <= number <= 100:
        raise _Invalid(gettext("Give the extent as a whole number from 1 to 100."))
    return int(number)


class _UnitIndex:
    """Units by HSA-id, exact name or full label ("Sahlgrenska – Medicinkliniken")."""

    def __init__(self, units):
        self.by_key: dict[str, list[Unit]] = {}
        for unit in units:
            keys = {unit.name.strip().lower(), str(unit).strip().lower()}
            if unit.hsa_id:
                keys.add(unit.hsa_id.strip().lower())
            for key in keys:
                self.by_key.setdefault(key, []).append(unit)

    def find(self, value) -> Unit | None:
        """The unit, None when not found; raises _Invalid when the name is ambiguous."""
        found = self.by_key.get(str(value).strip().lower(), [])
        unique = {u.pk: u for u in found}
        if len(unique) > 1:
            raise _Invalid(gettext("Several units are called %(name)s; use the unit's HSA-id.") % {"name": value})
        return next(iter(unique.values()), None)


class _Validator:
    def __init__(self, table: Table, user):
        self.table = table
        self.user = user
        self.report = ImportReport(rows=len(table.rows))
        self.home_units = _UnitIndex(manageable_units(user).select_related("parent", "region"))
        self.region_units: dict[int, _UnitIndex] = {}
        self.programmes = set(rules.programme_ids())
        self.outside: dict[str, bool] = {}  # unit names/ids found only outside the user's units

    # -- helpers -----------------------------------------------------------
    def error(self, row: int, column: str, message) -> None:
        self.report.errors.append(RowError(row, self.table.headers.get(column, column), str(message)))

    def raw(self, cells, name):
        value = self.table.cell(cells, name)
        if value is None:
            return ""
        return value if isinstance(value, datetime.date) else str(value).strip()

    def units_of(self, region_id: int) -> _UnitIndex:
        if region_id not in self.region_units:
            self.region_units[region_id] = _UnitIndex(Unit.objects.filter(region_id=region_id).select_related("parent"))
        return self.region_units[region_id]

    # -- one field ---------------------------------------------------------
    def clean_field(self, name: str, value):
        if name == "personnummer":
            try:
                return pnr.normalise(str(value))
            except ValidationError as e:
                raise _Invalid(e.messages[0]) from None
        if name in ("first_name", "last_name"):
            return _text(value, 150)
        if name == "email":
            email = _text(value, 254).lower()
            try:
                validate_email(email)
            except ValidationError:
                raise _Invalid(gettext("Enter a valid email address.")) from None
            return email
        if name == "bt_type":
            return _bt_type(value)
        if name == "st_specialty":
            return _text(value, 120)
        if name == "degree_country":
            return _text(value, 80)
        if name == "programme":
            programme = str(value).strip().lower()
            if programme not in self.programmes:
                raise _Invalid(gettext("Unknown programme. Use one of %(values)s.") % {"values": ", ".join(sorted(self.programmes))})
            return programme
        if name in ("planned_start", "licence_date", "degree_date"):
            return _date(value)
        if name == "home_unit":
            unit = self.home_units.find(value)
            if unit is None:
                key = str(value).strip()
                if key not in self.outside:
                    self.outside[key] = Unit.objects.filter(Q(hsa_id__iexact=key) | Q(name__iexact=key)).exists()
                if self.outside[key]:
                    raise _Invalid(gettext("You may not register BT doctors at this unit."))
                raise _Invalid(gettext("No unit with this HSA-id or name."))
            return unit
        raise AssertionError(name)

    # -- the file ----------------------------------------------------------
    def run(self) -> ImportReport:
        groups: dict[str, TraineeRow] = {}
        first_of: dict[str, TraineeRow] = {}
        emails: dict[str, tuple[str, int]] = {}
        for number, cells in self.table.rows:
            raw = {name: self.raw(cells, name) for name in self.table.index}
            clean, bad = {}, set()
            for name in TRAINEE_FIELDS:
                value = raw.get(name, "")
                if value in ("", None):
                    continue
                try:
                    clean[name] = self.clean_field(name, value)
                except _Invalid as e:
                    self.error(number, name, e.message)
                    bad.add(name)
            key = clean.get("personnummer")
            if not raw.get("personnummer"):
                self.error(number, "personnummer", gettext("This field is required."))
            group = groups.get(key) if key else None
            if group is None:
                group = TraineeRow(row=number, data=clean)
                self.check_trainee(number, clean, bad, raw)
                if key:
                    groups[key] = group
                email = clean.get("email")
                if email and key:
                    if email in emails and emails[email][0] != key:
                        self.error(number, "email", gettext("Row %(row)s has the same email address for another personnummer.")
                                   % {"row": emails[email][1]})
                    emails.setdefault(email, (key, number))
                self.report.trainees.append(group)
            else:
                for name, value in clean.items():
                    if name != "personnummer" and group.data.get(name) != value:
                        self.error(number, name, gettext("This differs from row %(row)s for the same personnummer.") % {"row": group.row})
            placement = self.check_placement(number, raw, group.data.get("home_unit"))
            if placement:
                group.placements.append(placement)
        self.check_database(groups)
        self.report.errors.sort(key=lambda e: e.row)
        return self.report

    def check_trainee(self, number: int, data: dict, bad: set, raw: dict) -> None:
        for name in REQUIRED:
            if name not in data and name not in bad and name != "personnummer":
                self.error(number, name, gettext("This field is required."))
        unit = data.get("home_unit")
        if unit and not data.get("programme") and "programme" not in bad:
            data["programme"] = unit.region.programme
        bt_type, programme = data.get("bt_type"), data.get("programme")
        if bt_type == BtType.INTEGRATED and not data.get("st_specialty") and "st_specialty" not in bad:
            self.error(number, "st_specialty", gettext("Give the ST specialty for BT integrated in ST."))
        if bt_type and programme and programme in self.programmes:
            if not rules.load_programme(programme).offers(bt_type):
                self.error(number, "bt_type", gettext("The programme %(programme)s does not offer this BT type.") % {"programme": programme})
        licence, start = data.get("licence_date"), data.get("planned_start")
        if licence and start and licence > start:
            self.error(number, "planned_start", gettext("BT cannot start before the licence (legitimation) date."))
        degree = data.get("degree_date")
        if degree and licence and degree > licence:
            self.error(number, "degree_date", gettext("The medical degree must come before the licence."))

    def check_placement(self, number: int, raw: dict, home_unit) -> PlacementRow | None:
        if not any(raw.get(name) not in ("", None) for name in PLACEMENT_FIELDS):
            return None
        values, ok = {}, True
        cleaners = {
            "placement_category": _category,
            "placement_start": _date,
            "placement_end": _date,
            "placement_extent": _extent,
        }
        for name, clean in cleaners.items():
            try:
                values[name] = clean(raw.get(name, "")) if raw.get(name) not in ("", None) or name == "placement_extent" else None
            except _Invalid as e:
                self.error(number, name, e.message)
                ok = False
        unit = None
        if raw.get("placement_unit"):
            if home_unit is not None:
                try:
                    unit = self.units_of(home_unit.region_id).find(raw["placement_unit"])
                except _Invalid as e:
                    self.error(number, "placement_unit", e.message)
                    ok = False
                else:
                    if unit is None:
                        self.error(number, "placement_unit", gettext("No unit with this HSA-id or name in the region %(region)s.")
                                   % {"region": home_unit.region.name})
                        ok = False
                    elif not unit.category:
                        self.error(number, "placement_unit", gettext("This unit has no placement category; choose the clinic or health centre where the placement is."))
                        ok = False
            else:
                ok = False  # the home unit is already reported as an error
        for name in ("placement_start", "placement_end"):
            if raw.get(name) in ("", None):
                self.error(number, name, gettext("This field is required for a placement."))
                ok = False
        category = values.get("placement_category")
        if unit is not None and unit.category:
            if category and category != PlanCategory.INTRODUCTION and category != unit.category:
                self.error(number, "placement_category", gettext("The unit's category is %(category)s; leave the column empty or use introduktion.")
                           % {"category": unit.category})
                ok = False
            if category != PlanCategory.INTRODUCTION:
                category = unit.category
        elif not category and raw.get("placement_category") in ("", None) and not raw.get("placement_unit"):
            self.error(number, "placement_category", gettext("Choose a unit or a category."))
            ok = False
        start, end = values.get("placement_start"), values.get("placement_end")
        if start and end and end < start:
            self.error(number, "placement_end", gettext("The end date must not be before the start date."))
            ok = False
        if not ok:
            return None
        return PlacementRow(row=number, category=category, unit=unit, start=start, end=end, extent=values["placement_extent"])

    def check_database(self, groups: dict[str, TraineeRow]) -> None:
        from accounts.models import User

        taken_pnr = set(User.objects.filter(personnummer__in=list(groups)).values_list("personnummer", flat=True))
        emails = {t.data["email"]: t for t in groups.values() if t.data.get("email")}
        taken_email = set(
            User.objects.annotate(lower_email=Lower("email")).filter(lower_email__in=list(emails)).values_list("lower_email", flat=True)
        )
        for key, trainee in groups.items():
            if key in taken_pnr:
                self.error(trainee.row, "personnummer", gettext("Another person is already registered with this personnummer."))
            if trainee.data.get("email") in taken_email:
                self.error(trainee.row, "email", gettext("A person with this email address is already registered."))


def validate(table: Table, *, user) -> ImportReport:
    """Check every row; the report has either errors or everything ready to import."""
    return _Validator(table, user).run()


# ---------------------------------------------------------------------------
# Importing
# ---------------------------------------------------------------------------

@dataclass
class ImportedTrainee:
    trainee: object
    placements: int
    check: object


class ImportFailed(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def run_import(report: ImportReport, *, by) -> list[ImportedTrainee]:
    """Create every trainee and placement of a clean report in one transaction (all or nothing)."""
    from trainees import services

    if not report.ok:
        raise ImportFailed(gettext("The file has errors; nothing was imported."))
    created = []
    try:
        with transaction.atomic():
            for row in report.trainees:
                data = dict(row.data)
                data.setdefault("st_specialty", "")
                data.setdefault("degree_country", "")
                data["draft_plan"] = False
                trainee = services.register_trainee(by=by, data=data)
                for p in row.placements:
                    services.save_placement(
                        trainee,
                        Placement(category=p.category, unit=p.unit, start=p.start, end=p.end, extent=p.extent),
                        expected_version=None,
                    )
                created.append(trainee)
    except (IntegrityError, services.DomainError):
        raise ImportFailed(
            gettext("Someone registered some of these people while you were importing; nothing was imported. Check the file again.")
        ) from None
    out = []
    for trainee, row in zip(created, report.trainees):
        out.append(ImportedTrainee(trainee=trainee, placements=len(row.placements), check=services.check_plan(trainee)))
    return out


def template_rows() -> list[list[str]]:
    """The downloadable CSV template: the header and two example rows (one BT doctor, two placements)."""
    example = {
        "personnummer": "19900517-1236",
        "first_name": "Amira",
        "last_name": "Haddad",
        "email": "amira.haddad@example.se",
        "bt_type": "fristaende",
        "st_specialty": "",
        "home_unit": "SE2321000131-E000000000001",
        "programme": "",
        "planned_start": "2027-04-05",
        "licence_date": "2027-01-15",
        "degree_country": "Sverige",
        "degree_date": "2026-12-20",
        "placement_category": "",
        "placement_unit": "SE2321000131-E000000000002",
        "placement_start": "2027-04-05",
        "placement_end": "2027-09-30",
        "placement_extent": "100",
    }
    second = {name: "" for name in COLUMN_NAMES}
    second.update({
        "personnummer": "19900517-1236",
        "placement_unit": "SE2321000131-E000000000003",
        "placement_start": "2027-10-01",
        "placement_end": "2028-03-31",
        "placement_extent": "100",
    })
    return [list(COLUMN_NAMES), [example[n] for n in COLUMN_NAMES], [second[n] for n in COLUMN_NAMES]]

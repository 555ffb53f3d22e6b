"""Import of BT-läkare and their plans from a CSV file or an Excel workbook (.xlsx).

Three steps, each usable on its own:

1. `read_table(upload)` reads the file into a `Table` (header + rows with the row numbers the
   user sees in the file, the header being row 1) or raises `FileProblem` with a translated
   message (too large, not CSV/xlsx, empty, missing columns, too many rows); the reader is the
   one of every import, `core.tables`.
2. `validate(table, user=...)` checks every row and returns an `ImportReport` (a
   `core.tables.RowReport`): either a list of `RowError` (row, column, message) or the trainees
   and placements ready to be created.
   Validation reuses the registration rules (RegistrationForm) and the plan editor's rules.
3. `run_import(report, by=...)` creates everything in ONE transaction through the existing
   services (`register_trainee`, `save_placement`); all or nothing.

File format: one row per placement or per trainee. Rows with the same personnummer are the
same trainee: the first row gives the trainee's fields, further rows add placements (their
trainee cells may be left empty; a different value is an error).
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext

import rules
from accounts import personnummer as pnr
from core.errors import DomainError
from core.tables import ImportFailed, RowReport, Table, fold
from organisations.models import Unit
from organisations.permissions import manageable_units

# Re-exported: the views and tests use the reading part through this module too.
from trainees.import_files import (  # noqa: F401
    COLUMN_NAMES,
    COLUMNS,
    EXPORT_SHEET,
    PLACEMENT_FIELDS,
    REQUIRED,
    TRAINEE_FIELDS,
    read_table,
)
from trainees.models import BtType, Placement, PlanCategory

# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


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
class ImportReport(RowReport):
    trainees: list[TraineeRow] = field(default_factory=list)

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


@functools.cache
def _choice_map(choices_class, extra: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Accepted spellings of a choice: its value, its English and Swedish labels, and extras."""
    out = {}
    for value, label in choices_class.choices:
        out[fold(value)] = value
        for language in ("en", "sv"):
            with translation.override(language):
                out[fold(str(label))] = value
    out.update({fold(k): v for k, v in extra})
    return out


_BT_TYPE_EXTRA = (
    ("fristående", "fristaende"),
    ("regional", "fristaende"),
    ("standalone", "fristaende"),
    ("integrated", "integrerad"),
)
_CATEGORY_EXTRA = (("primärvård", "primarvard"), ("akut sjukvård", "akut"), ("akutsjukvård", "akut"))


def _bt_type(value) -> str:
    try:
        return _choice_map(BtType, _BT_TYPE_EXTRA)[fold(value)]
    except KeyError:
        raise _Invalid(gettext("Use fristaende or integrerad.")) from None


def _category(value) -> str:
    try:
        return _choice_map(PlanCategory, _CATEGORY_EXTRA)[fold(value)]
    except KeyError:
        raise _Invalid(gettext("Use one of %(values)s.") % {"values": ", ".join(PlanCategory.values)}) from None


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
        self.report.add_error(self.table, row, column, message)

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
                raise _Invalid(
                    gettext("Unknown programme. Use one of %(values)s.")
                    % {"values": ", ".join(sorted(self.programmes))}
                )
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
                        self.error(
                            number,
                            "email",
                            gettext("Row %(row)s has the same email address for another personnummer.")
                            % {"row": emails[email][1]},
                        )
                    emails.setdefault(email, (key, number))
                self.report.trainees.append(group)
            else:
                for name, value in clean.items():
                    if name != "personnummer" and group.data.get(name) != value:
                        self.error(
                            number,
                            name,
                            gettext("This differs from row %(row)s for the same personnummer.") % {"row": group.row},
                        )
            placement = self.check_placement(number, raw, group.data.get("home_unit"))
            if placement:
                group.placements.append(placement)
        self.check_database(groups)
        self.report.sort()
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
        if (
            bt_type
            and programme
            and programme in self.programmes
            and not rules.load_programme(programme).offers(bt_type)
        ):
            self.error(
                number,
                "bt_type",
                gettext("The programme %(programme)s does not offer this BT type.") % {"programme": programme},
            )
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
                values[name] = (
                    clean(raw.get(name, "")) if raw.get(name) not in ("", None) or name == "placement_extent" else None
                )
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
                        self.error(
                            number,
                            "placement_unit",
                            gettext("No unit with this HSA-id or name in the region %(region)s.")
                            % {"region": home_unit.region.name},
                        )
                        ok = False
                    elif not unit.category:
                        self.error(
                            number,
                            "placement_unit",
                            gettext(
                                "This unit has no placement category; choose the clinic or health centre where the placement is."
                            ),
                        )
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
                self.error(
                    number,
                    "placement_category",
                    gettext("The unit's category is %(category)s; leave the column empty or use introduktion.")
                    % {"category": unit.category},
                )
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
        return PlacementRow(
            row=number, category=category, unit=unit, start=start, end=end, extent=values["placement_extent"]
        )

    def check_database(self, groups: dict[str, TraineeRow]) -> None:
        from accounts.models import User

        taken_pnr = set(User.objects.filter(personnummer__in=list(groups)).values_list("personnummer", flat=True))
        emails = {t.data["email"]: t for t in groups.values() if t.data.get("email")}
        taken_email = set(
            User.objects.annotate(lower_email=Lower("email"))
            .filter(lower_email__in=list(emails))
            .values_list("lower_email", flat=True)
        )
        for key, trainee in groups.items():
            if key in taken_pnr:
                self.error(
                    trainee.row, "personnummer", gettext("Another person is already registered with this personnummer.")
                )
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
    except (IntegrityError, DomainError):
        raise ImportFailed(
            gettext(
                "Someone registered some of these people while you were importing; nothing was imported. Check the file again."
            )
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
    second = dict.fromkeys(COLUMN_NAMES, "")
    second.update(
        {
            "personnummer": "19900517-1236",
            "placement_unit": "SE2321000131-E000000000003",
            "placement_start": "2027-10-01",
            "placement_end": "2028-03-31",
            "placement_extent": "100",
        }
    )
    return [list(COLUMN_NAMES), [example[n] for n in COLUMN_NAMES], [second[n] for n in COLUMN_NAMES]]

"""The columns of the BT-läkare import format, and reading a file in it (the reader itself, its
checks and limits: `core.tables`). Validation and the import itself: `trainees.importing`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core import tables

#: In a workbook exported by BT-portalen this sheet is the import format; otherwise the first sheet is read.
EXPORT_SHEET = "Placeringar"


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


ALIASES = tables.alias_map({c.name: c.aliases for c in COLUMNS})


def read_table(upload) -> tables.Table:
    """Read an uploaded CSV or xlsx file of BT-läkare and placements."""
    return tables.read_table(upload, aliases=ALIASES, required=REQUIRED, sheet=EXPORT_SHEET)

"""Import of applicants from the recruitment system's (Varbi) CSV or xlsx export.

Reading is the one upload reader of `core.tables` (the same size limits, encodings — UTF-8
with or without BOM, Windows-1252 —, delimiter sniffing and xlsx reading); only the columns
differ. Validation reports every bad row (row, column, message) in a `core.tables.RowReport`;
the import then creates all applications in one transaction, or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import personnummer as pnr
from accounts.models import User
from core import tables
from core.tables import ImportFailed, RowReport, Table
from intake.models import Application, ApplicationStatus

# column name -> (header aliases as Varbi and people write them, required, label)
COLUMNS = {
    "first_name": (("förnamn", "fornamn", "first name", "firstname"), True, _("First name")),
    "last_name": (("efternamn", "last name", "lastname", "surname"), True, _("Last name")),
    "email": (("e-post", "epost", "e-postadress", "email", "e-mail", "mail"), True, _("Email")),
    "personnummer": (
        ("personnummer", "personnr", "pnr", "födelsenummer", "personal identity number"),
        True,
        _("Personnummer"),
    ),
    "phone": (("telefon", "telefonnummer", "mobil", "mobiltelefon", "phone", "telephone"), False, _("Telephone")),
}
REQUIRED = tuple(name for name, (_a, required, _l) in COLUMNS.items() if required)
_ALIASES = tables.alias_map({name: aliases for name, (aliases, _r, _l) in COLUMNS.items()})


def label(name: str) -> str:
    return str(COLUMNS[name][2]) if name in COLUMNS else name


def read_table(upload) -> Table:
    """Read the uploaded export; Varbi exports many other columns, which are ignored."""
    return tables.read_table(upload, aliases=_ALIASES, required=REQUIRED, label=label)


@dataclass
class Applicant:
    row: int
    data: dict
    registered: bool = False  # a registered person has this personnummer or email (flagged)


@dataclass
class ImportReport(RowReport):
    applicants: list[Applicant] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return super().ok and bool(self.applicants)

    @property
    def flagged(self) -> list[Applicant]:
        return [a for a in self.applicants if a.registered]


def validate(table: Table, *, round) -> ImportReport:
    report = ImportReport(rows=len(table.rows))
    seen: dict[str, int] = {}
    existing = set(Application.objects.filter(round=round).values_list("personnummer", flat=True))
    for number, cells in table.rows:
        data, bad = {}, False

        def error(column, message, number=number):
            nonlocal bad
            bad = True
            report.add_error(table, number, column, message, label=label)

        for name in ("first_name", "last_name"):
            value = table.text(cells, name)
            if not value:
                error(name, gettext("This value is required."))
            elif len(value) > 150:
                error(name, gettext("At most %(n)s characters.") % {"n": 150})
            data[name] = value
        email = table.text(cells, "email").lower()
        try:
            validate_email(email)
        except ValidationError:
            error(
                "email",
                gettext("“%(value)s” is not a valid email address.") % {"value": email}
                if email
                else gettext("This value is required."),
            )
        data["email"] = email
        raw = table.text(cells, "personnummer")
        try:
            number_ = pnr.normalise(raw)
        except ValidationError as problem:
            error("personnummer", problem.messages[0] if raw else gettext("This value is required."))
            number_ = ""
        if number_:
            if number_ in seen:
                error("personnummer", gettext("The same personnummer as on row %(row)s.") % {"row": seen[number_]})
            elif number_ in existing:
                error("personnummer", gettext("This round already has an application for this personnummer."))
            else:
                seen[number_] = number
        data["personnummer"] = number_
        phone = table.text(cells, "phone")
        if len(phone) > 40:
            error("phone", gettext("At most %(n)s characters.") % {"n": 40})
        data["phone"] = phone
        if not bad:
            report.applicants.append(Applicant(number, data))
    if report.applicants:
        numbers = [a.data["personnummer"] for a in report.applicants]
        emails = [a.data["email"] for a in report.applicants]
        people = User.objects.filter(Q(personnummer__in=numbers) | Q(email__in=emails)).values_list(
            "personnummer", "email"
        )
        known_numbers = {p for p, _e in people if p}
        known_emails = {e.lower() for _p, e in people}
        for applicant in report.applicants:
            applicant.registered = (
                applicant.data["personnummer"] in known_numbers or applicant.data["email"] in known_emails
            )
    return report


@transaction.atomic
def run_import(report: ImportReport, *, round, by, bt_type: str, position=None) -> list[Application]:
    """Create every application (status submitted: they applied in Varbi), or none."""
    if not report.ok:
        raise ImportFailed(gettext("The file has errors; nothing was imported."))
    if Application.objects.filter(
        round=round, personnummer__in=[a.data["personnummer"] for a in report.applicants]
    ).exists():
        raise ImportFailed(
            gettext("Someone added an application for one of these people meanwhile; check the file again.")
        )
    created = []
    for applicant in report.applicants:
        application = Application(
            round=round,
            bt_type=bt_type,
            position=position,
            unit=position.unit if position else None,
            status=ApplicationStatus.SUBMITTED,
            source="varbi",
            created_by=by,
            **applicant.data,
        )
        application._history_user = by
        application.save()
        created.append(application)
    return created

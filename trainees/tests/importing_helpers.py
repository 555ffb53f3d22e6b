"""Shared helpers and fixtures of the import and export tests (test_import.py, test_export.py)."""

import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from btportal import factories as f
from trainees.models import Placement, Trainee

URL = reverse("trainees:import")
D = datetime.date
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

HEADER = [
    "personnummer",
    "first_name",
    "last_name",
    "email",
    "bt_type",
    "st_specialty",
    "home_unit",
    "programme",
    "planned_start",
    "licence_date",
    "degree_country",
    "placement_category",
    "placement_unit",
    "placement_start",
    "placement_end",
    "placement_extent",
]
PNR_A = f.make_personnummer(D(1990, 5, 17), 123)
PNR_B = f.make_personnummer(D(1991, 2, 3), 456)
PNR_C = f.make_personnummer(D(1992, 8, 9), 789)


def _row(**values):
    base = {
        "personnummer": PNR_A,
        "first_name": "Amira",
        "last_name": "Haddad",
        "email": "amira@example.se",
        "bt_type": "fristaende",
        "home_unit": "Medicinkliniken",
        "planned_start": "2027-04-05",
        "licence_date": "2027-01-15",
        "degree_country": "Syrien",
    }
    base.update(values)
    return base


def _placement(pnr=PNR_A, **values):
    base = {
        "personnummer": pnr,
        "placement_unit": "Medicinkliniken",
        "placement_start": "2027-04-05",
        "placement_end": "2027-09-30",
        "placement_extent": "100",
    }
    base.update(values)
    return base


def _good_rows():
    """Two BT doctors: Amira (row 2) with two placements (rows 2, 3), Björn (row 4) with one (row 5)."""
    return [
        _row(**{k: v for k, v in _placement().items() if k != "personnummer"}),
        _placement(
            placement_unit="VC-MAJORNA", placement_start="2027-10-01", placement_end="2028-03-31", placement_extent="50"
        ),
        _row(
            personnummer=PNR_B,
            first_name="Björn",
            last_name="Åberg",
            email="bjorn@example.se",
            bt_type="fristående",
            home_unit="VC-MAJORNA",
        ),
        _placement(
            PNR_B,
            placement_category="introduktion",
            placement_unit="",
            placement_start="2027-04-05",
            placement_end="2027-04-30",
        ),
    ]


def _csv(rows, *, header=HEADER, delimiter=";", bom=True, encoding="utf-8", name="import.csv"):
    lines = [delimiter.join(header)]
    for row in rows:
        lines.append(delimiter.join(str(row.get(h, "")) for h in header))
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _xlsx(rows, *, header=HEADER, name="import.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h, "") or None for h in header])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def _post(client, upload, action="import"):
    return client.post(URL, {"file": upload, "action": action}, **EN)


def _counts():
    return (User.objects.count(), Trainee.objects.count(), Placement.objects.count())


def _errors(response):
    report = response.context.get("report")
    return [(e.row, e.column, e.message) for e in report.errors] if report else []

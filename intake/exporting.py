"""Overview of a round and its export to an Excel workbook (.xlsx)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext

from accounts import personnummer as pnr
from intake import services
from intake.models import Application, Round

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class OverviewRow:
    application: Application
    missing: list


def overview(round: Round) -> dict:
    applications = (
        round.applications.select_related("unit", "position", "trainee__user", "statement")
        .prefetch_related("confirmations")
        .order_by("last_name", "first_name", "pk")
    )
    rows = [OverviewRow(a, services.missing_items(a)) for a in applications]
    return {
        "rows": rows,
        "counts": services.status_counts(round),
        "places_left": services.places_left(round),
    }


def export_filename(round: Round) -> str:
    return f"intake-{round.region.slug}-{round.pk}.xlsx"


def export_round(round: Round) -> bytes:
    import openpyxl

    data = overview(round)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = gettext("Applications")[:31]
    sheet.append(
        [
            gettext("Last name"),
            gettext("First name"),
            gettext("Personnummer"),
            gettext("Email"),
            gettext("Telephone"),
            gettext("BT type"),
            gettext("Position"),
            gettext("Home unit"),
            gettext("Status"),
            gettext("ST service credited before BT (months)"),
            gettext("Missing checklist items"),
            gettext("Reason for the decision"),
        ]
    )
    for row in data["rows"]:
        a = row.application
        sheet.append(
            [
                a.last_name,
                a.first_name,
                pnr.formatted(a.personnummer),
                a.email,
                a.phone,
                a.get_bt_type_display(),
                str(a.position or ""),
                str(a.unit or ""),
                a.get_status_display(),
                float(a.credited_st_months),
                "; ".join(str(m.label) for m in row.missing),
                a.decision_reason,
            ]
        )
    summary = workbook.create_sheet(gettext("Summary")[:31])
    summary.append([gettext("Round"), round.name])
    summary.append([gettext("Region"), str(round.region)])
    summary.append([gettext("Number of places"), round.places])
    summary.append([gettext("Places left"), data["places_left"]])
    for _code, label, count in data["counts"]:
        summary.append([str(label), count])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

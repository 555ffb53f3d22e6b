"""Overview of a round and its export to an Excel workbook (.xlsx, by the one export writer
`core.exports`: no cell is read as a formula)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext

from accounts import personnummer as pnr
from core.exports import Sheet, write_xlsx
from intake import services
from intake.models import Application, Confirmation, Round


@dataclass
class OverviewRow:
    application: Application
    missing: list


def overview(round: Round) -> dict:
    # A fixed number of queries however many applications (the checklist's counts annotated,
    # confirmations and IUPs fetched with the rows).
    applications = services.signed_counts(
        round.applications.select_related("unit__parent", "position", "trainee__user", "trainee__iup", "statement")
        .prefetch_related(Prefetch("confirmations", queryset=Confirmation.objects.select_related("confirmed_by")))
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
    return write_xlsx(round_sheets(round))


def round_sheets(round: Round) -> list[Sheet]:
    """The export's sheets, for any format of `core.exports`."""
    data = overview(round)
    header = [
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
    applications = [
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
        for row in data["rows"]
        for a in [row.application]
    ]
    summary = [
        [gettext("Round"), round.name],
        [gettext("Region"), str(round.region)],
        [gettext("Number of places"), round.places],
        [gettext("Places left"), data["places_left"]],
        *([str(label), count] for _code, label, count in data["counts"]),
    ]
    return [Sheet(gettext("Applications"), applications, header=header), Sheet(gettext("Summary"), summary)]

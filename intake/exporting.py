"""Overview of a round and its export to an Excel workbook (.xlsx, by the one export writer
`core.exports`: no cell is read as a formula)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.utils.translation import gettext

from accounts import personnummer as pnr
from core.exports import Sheet, write_xlsx
from intake import services
from intake.models import Application, Round


@dataclass
class OverviewRow:
    application: Application
    missing: list


#: Applications a page of the round's overview shows.
PAGE_SIZE = 25


def overview(round: Round, *, page: str | int | None = None) -> dict:
    """The round's applications with their missing checklist items, the counts by status and the
    places left. A fixed number of queries however many applications (the checklist's counts
    annotated, confirmations and IUPs fetched with the rows). With `page` (a page number, as in the
    query string) only that page's rows, PAGE_SIZE of them, are read and checked (`page` in the
    result); without it every row (the export)."""
    order = ("last_name", "first_name", "pk")
    # What the rows show and the checklist reads, no more: the list shows no BT-läkare's account and
    # no confirmer (a row lists what is missing), so neither is read with 25 rows and their items.
    applications = services.signed_counts(
        round.applications.select_related("unit__parent", "position", "trainee__iup", "statement")
        .prefetch_related("confirmations")
        .order_by(*order)
    )
    out = {}
    counts = services.status_counts(round)
    if page is not None:
        # The page's ids first (the number of applications from the counts by status, so the
        # paginator asks no COUNT of its own), then the checklist's counts of those rows only.
        paginator = Paginator(round.applications.order_by(*order).values_list("pk", flat=True), PAGE_SIZE)
        paginator.count = sum(n for _code, _label, n in counts)
        out["page"] = paginator.get_page(page)
        applications = applications.filter(pk__in=list(out["page"].object_list))
    out |= {
        "rows": [OverviewRow(a, services.missing_items(a)) for a in applications],
        "counts": counts,
        "places_left": services.places_left(round),
    }
    return out


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

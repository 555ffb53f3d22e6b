"""Export of a region's BT-läkare and plans to an Excel workbook (.xlsx).

Sheet "BT-läkare": one row per BT doctor, for people (translated headers).
Sheet "Placeringar": one row per placement in the import format (`trainees.importing`), so the
file can be imported again; a BT doctor without placements gets one row with empty placement
cells. Personnummer is masked for the BT doctors the user does not manage.

Written by the one export writer (`core.exports`): linear time, and no cell is read as a formula.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

from django.db.models import Prefetch
from django.utils.translation import gettext

import rules
import rules.counting
from accounts import personnummer as pnr
from core.exports import Sheet, write_xlsx
from trainees import services
from trainees.importing import COLUMN_NAMES, EXPORT_SHEET
from trainees.models import BtType, Placement, TraineeStatus
from trainees.permissions import manageable_trainees, visible_trainees

TRAINEE_SHEET = "BT-läkare"
PLACEMENT_EXTRA = ("full_time_months", "supervisor")


def export_filename(region, on: datetime.date) -> str:
    return f"bt-plans-{region.slug}-{on.isoformat()}.xlsx"


def region_trainees(user, region):
    """The region's BT doctors the user may see, with everything the export reads prefetched."""
    return (
        visible_trainees(user)
        .filter(region=region)
        .select_related("user", "region", "home_unit__parent", "main_supervisor__supervisor_profile")
        .prefetch_related(
            Prefetch(
                "placements",
                queryset=Placement.objects.select_related("unit__parent", "supervisor__supervisor_profile").order_by(
                    "start", "end", "pk"
                ),
            ),
            "leave",
            "credits",
        )
        .order_by("user__last_name", "user__first_name", "pk")
    )


def _unit_ref(unit) -> str:
    """How a unit is written in the file: its HSA-id, else its full name (as the import reads it)."""
    if unit is None:
        return ""
    return unit.hsa_id or str(unit)


def _months(value: Fraction) -> float:
    return float(rules.counting.round_half_up(value, 2))


def _name(user) -> str:
    return user.get_full_name() or user.email if user else ""


def build_workbook(user, region) -> bytes:
    return write_xlsx(region_sheets(user, region))


def region_sheets(user, region) -> list[Sheet]:
    """The export's sheets, for any format of `core.exports`."""
    managed = set(manageable_trainees(user).filter(region=region).values_list("pk", flat=True))
    people: list[list] = []
    plans: list[list] = []
    people_header = [
        gettext("Name"),
        gettext("Personnummer"),
        gettext("Email"),
        gettext("BT type"),
        gettext("Programme"),
        gettext("Status"),
        gettext("Home unit"),
        gettext("Planned start"),
        gettext("Main supervisor"),
        gettext("Full-time months"),
        gettext("Valid plan"),
    ]
    plans_header = list(COLUMN_NAMES) + list(PLACEMENT_EXTRA)

    for trainee in region_trainees(user, region):
        placements = list(trainee.placements.all())
        leave = list(trainee.leave.all())
        check = services.check_plan(trainee, placements=placements, leave=leave, credits=list(trainee.credits.all()))
        number = trainee.user.personnummer
        shown = pnr.formatted(number) if trainee.pk in managed else pnr.masked(number)
        people.append(
            [
                _name(trainee.user),
                shown,
                trainee.user.email,
                BtType(trainee.bt_type).label if trainee.bt_type in BtType.values else trainee.bt_type,
                trainee.programme,
                TraineeStatus(trainee.status).label if trainee.status in TraineeStatus.values else trainee.status,
                str(trainee.home_unit),
                trainee.planned_start,
                _name(trainee.main_supervisor),
                check.result.fte_months,
                gettext("yes") if check.valid else gettext("no"),
            ]
        )
        trainee_cells = {
            "personnummer": shown,
            "first_name": trainee.user.first_name,
            "last_name": trainee.user.last_name,
            "email": trainee.user.email,
            "bt_type": trainee.bt_type,
            "st_specialty": trainee.st_specialty,
            "home_unit": _unit_ref(trainee.home_unit),
            "programme": trainee.programme,
            "planned_start": trainee.planned_start,
            "licence_date": trainee.licence_date,
            "degree_country": trainee.degree_country,
            "degree_date": trainee.degree_date,
        }
        excluded = services.leave_policy(trainee).deducted(
            [rules.Leave(kind=x.kind, start=x.start, end=x.end) for x in leave]
        )
        for placement in placements or [None]:
            cells = dict(trainee_cells)
            extra = ["", ""]
            if placement is not None:
                cells.update(
                    {
                        "placement_category": placement.category,
                        "placement_unit": _unit_ref(placement.unit),
                        "placement_start": placement.start,
                        "placement_end": placement.end,
                        "placement_extent": placement.extent,
                    }
                )
                months = rules.placement_months(
                    rules.Placement(
                        category=placement.category, start=placement.start, end=placement.end, extent=placement.extent
                    ),
                    excluded,
                )
                extra = [_months(months), _name(placement.supervisor)]
            plans.append([cells.get(name, "") for name in COLUMN_NAMES] + extra)

    return [Sheet(TRAINEE_SHEET, people, header=people_header), Sheet(EXPORT_SHEET, plans, header=plans_header)]

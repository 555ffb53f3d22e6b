"""Counts of BT doctors and placements for statistics, with small counts suppressed
(`core.suppression`). The caller passes the trainees the user may see; nothing here widens it."""

from __future__ import annotations

import datetime

from django.db.models import Count, F
from django.db.models.functions import ExtractYear

from core import programmes
from core.suppression import Table, suppress
from organisations.models import Region
from trainees.models import BtType, Placement, PlanCategory, TraineeStatus

#: What BT doctors can be counted by, and the lookup of each.
TRAINEE_DIMENSIONS = {
    "status": F("status"),
    "bt_type": F("bt_type"),
    "region": F("region_id"),
    "programme": F("programme"),
    "start_year": ExtractYear("planned_start"),
}
#: What placements can be counted by.
PLACEMENT_DIMENSIONS = {"category": F("category"), "region": F("trainee__region_id")}

_CHOICES = {"status": TraineeStatus, "bt_type": BtType, "category": PlanCategory}


def _rows(dimension: str, grouped) -> list[tuple[str, str, int]]:
    rows = [(r["value"], r["n"]) for r in grouped]
    if dimension == "region":
        regions = {r.pk: r for r in Region.objects.filter(pk__in=[v for v, _n in rows])}
        return [(regions[v].slug, regions[v].name, n) for v, n in rows]
    if dimension == "programme":
        return [(v, programmes.programme_name(v), n) for v, n in rows]
    if dimension in _CHOICES:
        choices = _CHOICES[dimension]
        return [(v, str(choices(v).label) if v in choices.values else v, n) for v, n in rows]
    return [(str(v), str(v), n) for v, n in rows]


def trainee_counts(trainees, *, by: str) -> Table:
    """BT doctors of `trainees` (a queryset) counted by one of TRAINEE_DIMENSIONS."""
    grouped = trainees.order_by().values(value=TRAINEE_DIMENSIONS[by]).annotate(n=Count("pk")).order_by("value")
    return suppress(_rows(by, grouped))


def placement_counts(trainees, *, by: str, on: datetime.date | None = None) -> Table:
    """Placements of the BT doctors of `trainees` (those running on `on`, when given) counted by
    one of PLACEMENT_DIMENSIONS."""
    placements = Placement.objects.filter(trainee__in=trainees.values("pk"))
    if on is not None:
        placements = placements.filter(start__lte=on, end__gte=on)
    grouped = placements.order_by().values(value=PLACEMENT_DIMENSIONS[by]).annotate(n=Count("pk")).order_by("value")
    return suppress(_rows(by, grouped))

"""The unit report (verksamhetschef): capacity use per month and the unit's BT-läkare.

A unit here is the unit and its subtree (a klinik with its sections, a sjukhus with its kliniker). Its
BT-läkare are those whose home unit is there and those with a placement there in the period; their
facts are the dashboard's (`reports.cohort`), in the same fixed number of queries, computed for the
page of them shown.
"""

import datetime
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from accounts.permissions import permission
from organisations.models import Unit
from organisations.permissions import in_units
from reports import overview
from reports.cohort import LazyRows
from reports.dashboard import PAGE_SIZE
from reports.forms import ONGOING_STATUSES
from reports.permissions import UNIT_REPORT
from rules.dates import add_months, month_end
from trainees.caching import capacity_fingerprint, lifetime, page_key
from trainees.capacity import month_grid
from trainees.models import Placement
from trainees.permissions import visible_trainees
from trainees.timeline_views import parse_period


@permission(UNIT_REPORT)
def unit_list(request):
    units = UNIT_REPORT.queryset(request.user).select_related("region", "parent").order_by("region__name", "path")
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/unit_list.html", {"page": page})


def _period_queries(start: datetime.date, months: int) -> dict:
    def query(s):
        return "?" + urlencode({"start": f"{s:%Y-%m}", "months": months})

    return {
        "start_value": f"{start:%Y-%m}",
        "months": months,
        "month_choices": sorted({3, 6, 12, 18, 24, months}),
        "previous_query": query(add_months(start, -months)),
        "next_query": query(add_months(start, months)),
        "current_query": query(timezone.localdate().replace(day=1)),
        "period_query": query(start),
    }


def placements_here(row, unit, start: datetime.date, end: datetime.date) -> list:
    """The row's placements at the unit (or below it) that overlap the period."""
    return [
        p
        for p in row.placements
        if p.unit_id and p.unit.path.startswith(unit.path) and p.start <= end and p.end >= start
    ]


@permission(UNIT_REPORT)
def unit_report(request, pk):
    unit = UNIT_REPORT.get_object(request.user, Unit.objects.select_related("region", "parent"), pk=pk)
    start, months = parse_period(request.GET)
    end = month_end(add_months(start, months - 1))
    units = UNIT_REPORT.queryset(request.user).subtree(unit).exclude(category="").order_by("path")
    here = in_units("unit", set(), [unit.path])
    hosted = Placement.objects.filter(here, start__lte=end, end__gte=start)
    trainees = visible_trainees(request.user).filter(
        in_units("home_unit", set(), [unit.path]) | Q(pk__in=hosted.values("trainee_id")),
        status__in=ONGOING_STATUSES,
    )
    # The rows of the page shown are computed, not those of every BT-läkare of the unit; and all of it
    # only when the page is not kept rendered (trainees.caching): grid, chart, rows and page are lazy.
    grid = SimpleLazyObject(lambda: month_grid(units, start, months))
    rows = SimpleLazyObject(
        lambda: LazyRows(
            trainees.order_by("user__last_name", "user__first_name", "pk").values_list("pk", flat=True),
            prepare=lambda row: setattr(row, "here", placements_here(row, unit, start, end)),
        )
    )
    return render(
        request,
        "reports/unit_report.html",
        {
            "unit": unit,
            "grid": grid,
            "chart": SimpleLazyObject(lambda: overview.capacity_by_month(units, start, months, grid=grid)),
            "page": SimpleLazyObject(lambda: Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))),
            "total": SimpleLazyObject(lambda: len(rows)),
            "cache_key": page_key(
                request.user, trainees, unit.pk, capacity_fingerprint(units), start, months, request.GET.get("page", "")
            ),
            "cache_seconds": lifetime(),
            **_period_queries(start, months),
        },
    )

"""Month-by-month timelines of a unit (and its subtree) and of a region: who is placed where,
with capacity used/free per unit and month. The numbers come from `trainees.capacity`."""

import datetime
import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from accounts.permissions import permission
from organisations.models import PlacementCategory, Region, Unit
from organisations.permissions import VIEW_REGION, VIEW_UNIT
from rules.dates import add_months, month_end
from trainees.caching import capacity_fingerprint, lifetime, page_key
from trainees.capacity import month_grid, month_totals
from trainees.models import Placement, Trainee
from trainees.permissions import visible_trainees

DEFAULT_MONTHS = 12
# Rows of the region timeline drawn at once (the totals count every unit); their cells name no one
# (a link to each cell's names, loaded on demand), so a page stays small on a phone.
UNITS_PER_PAGE = 10
MAX_MONTHS = 36
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_period(params) -> tuple[datetime.date, int]:
    """`start` (YYYY-MM, default the current month) and `months` (1–36, default 12) from GET
    parameters; anything invalid falls back to the default."""
    start = timezone.localdate().replace(day=1)
    match = _MONTH_RE.match(params.get("start", "").strip())
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1900 <= year <= 2999 and 1 <= month <= 12:
            start = datetime.date(year, month, 1)
    months = DEFAULT_MONTHS
    raw = params.get("months", "").strip()
    if raw.isdigit() and 1 <= int(raw) <= MAX_MONTHS:
        months = int(raw)
    return start, months


def _period_links(start: datetime.date, months: int, **extra) -> dict:
    def query(s):
        params = {"start": f"{s:%Y-%m}", "months": months}
        params.update({k: v for k, v in extra.items() if v})
        return "?" + urlencode(params)

    return {
        "previous_query": query(add_months(start, -months)),
        "next_query": query(add_months(start, months)),
        "current_query": query(timezone.localdate().replace(day=1)),
    }


def _context(start, months, **extra) -> dict:
    return {
        "start": start,
        "months": months,
        "start_value": f"{start:%Y-%m}",
        "period_query": "?" + urlencode({"start": f"{start:%Y-%m}", "months": months}),
        "month_choices": sorted({1, 3, 6, 12, 18, 24, 36, months}),
        **_period_links(start, months, **extra),
    }


@permission(VIEW_UNIT)
def unit_timeline(request, pk):
    unit = VIEW_UNIT.get_object(request.user, Unit.objects.select_related("region", "parent"), pk=pk)
    start, months = parse_period(request.GET)
    units = (
        VIEW_UNIT.queryset(request.user).subtree(unit).exclude(category="").select_related("parent").order_by("path")
    )
    grid = month_grid(units, start, months, visible_trainees=visible_trainees(request.user))
    context = {"unit": unit, "grid": grid, **_context(start, months)}
    return render(request, "trainees/timelines/unit_timeline.html", context)


def _region_view(units, start, months, page_number, user) -> dict:
    """What the region timeline's grid shows: the rows of one page of units and the totals of all of them."""
    # A region has a hundred or more placement units: the rows are drawn a page at a time (in the
    # order of the categories), the totals of all of them under every page, counted without
    # building the rows of the other pages (`month_totals`).
    units = list(units)
    labels = dict(PlacementCategory.choices)
    order = list(PlacementCategory.values)
    ordered = sorted(units, key=lambda u: order.index(u.category) if u.category in order else len(order))
    page = Paginator(ordered, UNITS_PER_PAGE).get_page(page_number)
    rows = month_grid(page.object_list, start, months, visible_trainees=visible_trainees(user))
    return {
        "grid": month_totals(units, start, months),  # the totals of all units (no rows)
        "units": units,
        "empty": not units,
        "groups": [(key, labels.get(key, key), sub) for key, sub in rows.group_by(lambda u: u.category)],
        "page": page,
    }


@permission(VIEW_REGION)
def region_timeline(request, slug):
    region = VIEW_REGION.get_object(request.user, Region.objects.all(), slug=slug)
    start, months = parse_period(request.GET)
    category = request.GET.get("category", "")
    if category not in PlacementCategory.values:
        category = ""
    units = VIEW_UNIT.queryset(request.user).filter(region=region).exclude(category="")
    if category:
        units = units.filter(category=category)
    units = units.select_related("parent").order_by("path")
    last_day = month_end(add_months(start, months - 1))
    page_number = request.GET.get("page") or "1"
    # The grid is kept rendered (trainees.caching) under a key that follows the records of every
    # BT-läkare placed on these units in the period (a placement is part of its BT-läkare's record),
    # the units' capacity, the viewer's scope, the period, the filter, the page, the day and the
    # language; it is computed only when not kept.
    placed = Trainee.objects.filter(
        pk__in=Placement.objects.filter(unit__in=units.values("pk"), start__lte=last_day, end__gte=start).values(
            "trainee_id"
        )
    )
    shown = SimpleLazyObject(lambda: _region_view(units, start, months, page_number, request.user))
    context = {
        "region": region,
        "first_month": start,
        "last_month": add_months(start, months - 1),
        "view": shown,
        "category": category,
        "categories": PlacementCategory.choices,
        "page_query": "?" + urlencode({"start": f"{start:%Y-%m}", "months": months, "category": category}),
        "cache_key": page_key(
            request.user,
            placed,
            region.pk,
            capacity_fingerprint(units),
            start,
            months,
            category,
            page_number,
            UNITS_PER_PAGE,
        ),
        "cache_seconds": lifetime(),
        **_context(start, months, category=category),
    }
    return render(request, "trainees/timelines/region_timeline.html", context)

"""Statistics pages and their exports: national, and one region beside the country."""

from django.http import Http404
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.permissions import permission
from core.exports import download
from core.suppression import HIDDEN_MARK
from organisations.models import Region
from reports import exports
from reports.models import ExportFormat
from reports.permissions import DASHBOARD, STATISTICS
from trainees.models import BtType, PlanCategory, TraineeStatus
from trainees.statistics import national_statistics


def _labels(request) -> dict:
    return {
        "no_cohort": not DASHBOARD.allows(request.user),
        "types": BtType.choices,
        "statuses": TraineeStatus.choices,
        "categories": PlanCategory.choices,
        "mark": HIDDEN_MARK,
        "legend": exports.legend(),
        "definitions": exports.definitions(),
        "formats": ExportFormat.choices,
    }


@permission(STATISTICS)
def national(request):
    stats = national_statistics()
    return render(
        request,
        "reports/statistics.html",
        {"stats": stats, "figures": [*stats.regions, stats.total], "active": "statistics", **_labels(request)},
    )


def _cell(value) -> tuple[str, bool]:
    """(text, hidden) of a count, a share or a median."""
    if value is None or getattr(value, "hidden", False):
        return "", True
    if isinstance(value, float):
        return number_format(value, 1), False
    return str(getattr(value, "value", value)), False


def comparison_rows(left, right) -> list:
    """(label, [(text, hidden) for each side], is a sub-row) for the region-beside-the-country table."""

    def pair(get):
        return [_cell(get(left)), _cell(get(right))]

    def share(f):
        return None if f.share_percent is None else f"{number_format(f.share_percent, 1)} %"

    rows = [(_("BT doctors"), pair(lambda f: f.trainees), False)]
    rows += [(label, pair(lambda f, v=v: f.by_type[v]), True) for v, label in BtType.choices]
    rows += [(label, pair(lambda f, v=v: f.by_status[v]), True) for v, label in TraineeStatus.choices]
    rows += [
        (_("Completed within 12 months"), pair(lambda f: f.completed_within), False),
        (_("Completed later"), pair(lambda f: f.completed_later), False),
        (_("Share within 12 months"), pair(share), False),
        (_("Median months to completion"), pair(lambda f: f.median_months), False),
        (_("Placements"), pair(lambda f: f.placements), False),
    ]
    rows += [(label, pair(lambda f, v=v: f.placements_by_category[v]), True) for v, label in PlanCategory.choices]
    return rows


@permission(STATISTICS)
def region(request, slug):
    region = STATISTICS.get_object(request.user, Region.objects.all(), slug=slug)
    stats = national_statistics()
    return render(
        request,
        "reports/region_statistics.html",
        {
            "region": region,
            "stats": stats,
            "rows": comparison_rows(stats.region(region), stats.total),
            **_labels(request),
        },
    )


def _check(fmt):
    if fmt not in ExportFormat.values:
        raise Http404


@permission(STATISTICS)
def national_export(request, fmt):
    _check(fmt)
    stats = national_statistics()
    sheets = exports.statistics_sheets([*stats.regions, stats.total])
    return download(exports.render(sheets, fmt), exports.filename("bt-statistik", fmt))


@permission(STATISTICS)
def region_export(request, slug, fmt):
    _check(fmt)
    region = STATISTICS.get_object(request.user, Region.objects.all(), slug=slug)
    stats = national_statistics()
    sheets = exports.statistics_sheets([stats.region(region), stats.total])
    return download(exports.render(sheets, fmt), exports.filename(f"bt-statistik-{region.slug}", fmt))

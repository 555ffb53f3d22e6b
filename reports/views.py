"""The cohort dashboard, its charts and its exports (direct, or as a background job when large)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import permission
from core.exports import download
from organisations.models import Region
from organisations.permissions import EXPORT_REGION
from reports import exports, overview
from reports.dashboard import PAGE_SIZE, capacity_units, cohort_for, cohort_scope, count_for, regions_of
from reports.forms import SORTS
from reports.history import trainee_history as history_of
from reports.models import ExportFormat, ExportKind
from reports.pdf import render_portfolio
from reports.permissions import DASHBOARD, EXPORTS, HISTORY, PORTFOLIO_PDF
from reports.tasks import start_export
from trainees.caching import capacity_fingerprint, keep_page, lifetime, page_key
from trainees.capacity import month_totals
from trainees.models import Trainee


def _query(params, **changes) -> str:
    """The page's query string with `changes` (None removes a key); empty values are dropped."""
    data = {k: v for k, v in params.items() if v}
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return "?" + urlencode(data) if data else "?"


def _sort_headers(params, current: str) -> dict:
    """key → {query, aria_sort}: a header link sorts by its column, a second click the other way."""
    out = {}
    for key in SORTS:
        active = current.lstrip("-") == key
        descending = current.startswith("-")
        out[key] = {
            "query": _query(params, sort=f"-{key}" if active and not descending else key, page=None),
            "aria_sort": ("descending" if descending else "ascending") if active else "",
        }
    return out


def inline_limit() -> int:
    return getattr(settings, "REPORTS_INLINE_EXPORT_ROWS", 1000)


@permission(DASHBOARD)
def dashboard(request):
    # The page's content (filter form, count, table, pagination) is kept rendered as one (trainees.caching)
    # under the fingerprint of every BT-läkare the user's dashboard may show, whatever the filters (the
    # filters are on their records, so a change of one filtered out computes the page again, which is
    # harmless), and the query string as asked: a repeated visit builds no form, reads no region list and
    # sorts nothing. Everything below is computed when read, that is when the page is rendered anew.
    user, params = request.user, request.GET
    scope = SimpleLazyObject(lambda: cohort_scope(user, params))
    cohort = SimpleLazyObject(lambda: cohort_for(user, params, scope=scope))
    filters = SimpleLazyObject(lambda: dict(scope.filters.items()))
    key = page_key(user, lambda: DASHBOARD.queryset(user), sorted(params.lists()), shape=DASHBOARD.name)
    context = {
        "cohort": cohort,
        "form": SimpleLazyObject(lambda: scope.form),
        "filters": filters,
        "page": SimpleLazyObject(lambda: Paginator(cohort.rows, PAGE_SIZE).get_page(params.get("page"))),
        "total": SimpleLazyObject(lambda: len(cohort.rows)),
        "cache_key": key,
        "cache_seconds": lifetime(),
        "headers": SimpleLazyObject(lambda: _sort_headers(filters, scope.sort)),
        "page_query": SimpleLazyObject(lambda: _query(filters, page=None)),
        "filter_query": SimpleLazyObject(lambda: _query(filters, page=None, sort=None)),
        "export_query": SimpleLazyObject(lambda: _query(filters, page=None)),
        "inline_export": SimpleLazyObject(lambda: len(cohort.rows) <= inline_limit()),
        "formats": ExportFormat.choices,
    }
    # The whole page is kept too (trainees.caching.keep_page): a repeated visit renders nothing.
    return keep_page(
        request,
        f"dashboard.{key}",
        lambda extra: render(request, "reports/dashboard.html", {**context, **extra}),
        seconds=lifetime(),
    )


def _charts(user, cohort) -> list:
    today = timezone.localdate()
    units = capacity_units(user)
    grid = month_totals(units, today.replace(day=1), 12)
    everyone = cohort.with_goals()
    return [
        overview.progress_by_goal(everyone),
        overview.completion_times(everyone),
        overview.intake_per_round(regions_of(user)),
        overview.capacity_by_month(units, grid.start, 12, grid=grid),
    ]


@permission(DASHBOARD)
def charts(request):
    # Kept rendered like the dashboard's table (trainees.caching); computed only when not.
    scope = cohort_scope(request.user, request.GET)
    cohort = SimpleLazyObject(lambda: cohort_for(request.user, request.GET, scope=scope))
    params = dict(scope.filters.items())
    return render(
        request,
        "reports/charts.html",
        {
            "cohort": cohort,
            "form": scope.form,
            "total": SimpleLazyObject(lambda: len(cohort.rows)),
            "cache_key": page_key(
                request.user, scope.queryset, capacity_fingerprint(capacity_units(request.user)), sorted(params.items())
            ),
            "cache_seconds": lifetime(),
            "filter_query": _query(params, page=None, sort=None),
            "charts": SimpleLazyObject(lambda: _charts(request.user, cohort)),
        },
    )


@permission(DASHBOARD)
def dashboard_export(request, fmt):
    if fmt not in ExportFormat.values:
        raise Http404
    if count_for(request.user, request.GET) > inline_limit():
        messages.info(request, _("This export is large: make it in the background and download it when it is ready."))
        return redirect(reverse("reports:dashboard") + _query(request.GET))
    rows = cohort_for(request.user, request.GET).rows
    return download(exports.render([exports.cohort_sheet(rows)], fmt), exports.filename("bt-kohort", fmt))


@permission(EXPORTS)
@require_POST
def export_start(request):
    fmt = request.POST.get("format", "")
    if fmt not in ExportFormat.values:
        raise Http404
    params = {k: v for k, v in request.POST.items() if k not in ("format", "csrfmiddlewaretoken")}
    start_export(
        user=request.user,
        kind=ExportKind.COHORT,
        fmt=fmt,
        params=params,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    messages.success(request, _("The export is being made. It appears here when it is ready to download."))
    return redirect("reports:exports")


@permission(EXPORT_REGION)
@require_POST
def region_export_start(request, slug):
    """A region's plans as a background export (trainees.import_views.export_region sends a large
    region here: at national scale the file takes longer than a request may)."""
    region = EXPORT_REGION.get_object(request.user, Region.objects.all(), slug=slug)
    start_export(
        user=request.user,
        kind=ExportKind.REGION_PLANS,
        fmt=ExportFormat.XLSX,
        params={"region": region.slug},
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    messages.success(request, _("The export is being made. It appears here when it is ready to download."))
    return redirect("reports:exports")


@permission(EXPORTS)
def export_list(request):
    page = Paginator(EXPORTS.queryset(request.user).order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "reports/exports.html", {"page": page})


@permission(EXPORTS)
def export_download(request, token):
    export = EXPORTS.get_object(request.user, EXPORTS.queryset(request.user), token=token)
    if not export.ready:
        raise Http404
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:  # removed from the storage (e.g. pruned): gone, not an error
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1])


@permission(PORTFOLIO_PDF)
def portfolio_pdf(request, trainee_pk):
    trainee = PORTFOLIO_PDF.get_object(
        request.user,
        Trainee.objects.select_related("user", "region", "home_unit", "main_supervisor"),
        pk=trainee_pk,
    )
    name = slugify(trainee.user.get_full_name() or f"bt-{trainee.pk}")
    response = HttpResponse(render_portfolio(trainee), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="portfolio-{name}-{timezone.localdate():%Y-%m-%d}.pdf"'
    return response


@permission(HISTORY)
def trainee_history(request, trainee_pk):
    trainee = HISTORY.get_object(request.user, Trainee.objects.select_related("user"), pk=trainee_pk)
    page = Paginator(history_of(trainee), 100).get_page(request.GET.get("page"))
    return render(request, "reports/trainee_history.html", {"trainee": trainee, "page": page, "query": "?"})

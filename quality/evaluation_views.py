"""Pages of placement evaluations: the BT-läkare evaluates a finished placement anonymously, and those who may
read a unit's results see them as aggregates only (`anonymity`). Thin, as the review pages in `views`."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import permission
from core import exports
from core.errors import DomainError
from goals.models import Goal
from organisations.models import Unit
from trainees.models import Placement

from . import anonymity, services
from .forms import EvaluationForm
from .permissions import EVALUATE, EVALUATION_RESULTS
from .views import PAGE_SIZE, refused

# ---------------------------------------------------------------------------
# Placement evaluations (the BT-läkare)
# ---------------------------------------------------------------------------


@permission(EVALUATE)
def evaluations(request):
    return render(
        request,
        "quality/evaluations.html",
        {"placements": services.evaluable_placements(request.user), "threshold": anonymity.threshold()},
    )


@permission(EVALUATE)
@require_POST
def evaluation_start(request, pk):
    placement = EVALUATE.get_object(request.user, Placement.objects.select_related("trainee"), pk=pk)
    try:
        token = services.issue_evaluation_link(placement, by=request.user)
    except DomainError as e:
        refused(request, e)
        return redirect("quality:evaluations")
    return redirect("quality:evaluation_answer", token=token)


def _goal_choices():
    return [(g.code, f"{g.code} {g.title_sv}") for g in Goal.objects.order_by("number")]


@permission(EVALUATE)
def evaluation_answer(request, token):
    try:
        invitation = services.invitation_for(token, user=request.user)
    except DomainError as e:
        return render(request, "quality/link_invalid.html", {"message": str(e)}, status=404)
    form = EvaluationForm(request.POST or None, goal_choices=_goal_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_evaluation(
                token,
                by=request.user,
                scores={
                    name: data[name]
                    for name in ("supervision", "learning_climate", "patient_responsibility", "workload")
                },
                goals=data["goals"],
                free_text=data["free_text"],
            )
        except DomainError as e:
            refused(request, e)
            return redirect("quality:evaluations")
        messages.success(request, _("Thank you. Your evaluation is saved without your name."))
        return redirect("quality:evaluations")
    return render(
        request,
        "quality/evaluation_form.html",
        {"form": form, "placement": invitation.placement, "threshold": anonymity.threshold()},
    )


# ---------------------------------------------------------------------------
# A unit's evaluation results (aggregates only)
# ---------------------------------------------------------------------------


def _year(request) -> int | None:
    try:
        return int(request.GET.get("year", "")) or None
    except ValueError:
        return None


@permission(EVALUATION_RESULTS)
def evaluation_units(request):
    """The units whose evaluation results the user may read, each with its number of answers hidden
    (a count per unit would tell when one more came in: only the results page, with its threshold, shows it)."""
    units = (
        EVALUATION_RESULTS.queryset(request.user).select_related("region", "parent").order_by("region__name", "path")
    )
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quality/evaluation_units.html", {"page": page})


@permission(EVALUATION_RESULTS)
def unit_evaluations(request, pk):
    unit = EVALUATION_RESULTS.get_object(request.user, Unit.objects.select_related("region", "parent"), pk=pk)
    year = _year(request)
    return render(
        request,
        "quality/unit_evaluations.html",
        {
            "unit": unit,
            "year": year,
            "years": anonymity.evaluation_years(unit),
            "results": anonymity.evaluation_results(unit, year=year),
        },
    )


@permission(EVALUATION_RESULTS)
def unit_evaluations_export(request, pk):
    unit = EVALUATION_RESULTS.get_object(request.user, Unit.objects.all(), pk=pk)
    results = anonymity.evaluation_results(unit, year=_year(request))
    if not results.shown:
        rows = [[_("Fewer than %(n)s answers: not shown") % {"n": results.threshold}, ""]]
    else:
        rows = [[_("Answers"), results.count]]
        rows += [[name, value] for name, value in results.means.items()]
        rows += [[code, f"{share} %"] for code, share in results.goal_shares]
    sheet = exports.Sheet(title=str(unit.name)[:31], rows=rows, header=[_("Figure"), _("Value")])
    return exports.download(exports.write_csv(sheet), f"evaluations-{unit.pk}.csv")

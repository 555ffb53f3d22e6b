from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import get_object_for, permission, scoped
from organisations.models import Region
from scheduling import planning
from scheduling.forms import StartRunForm
from scheduling.models import PlanningRun, RunStatus
from trainees.models import Trainee, TraineeStatus
from trainees.services import DomainError

PLAN = "scheduling.plan"


@permission(PLAN)
@require_http_methods(["GET", "POST"])
def run_list(request):
    regions = scoped(request.user, PLAN)
    candidates = (
        Trainee.objects.filter(region__in=regions, status=TraineeStatus.PLANNED, placements__isnull=True)
        .select_related("user", "region")
        .order_by("region__name", "planned_start")
    )
    form = StartRunForm(request.POST or None, regions=regions, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = planning.start_run(
                region=data["region"], by=request.user, trainees=data["trainees"], start=data["start"],
                months=data["months"], method=data["method"], time_limit=data["time_limit"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The planning run was started. The proposal appears here when it is ready."))
            return redirect(run)
    runs = planning.visible_runs(request.user)[:30]
    return render(request, "scheduling/run_list.html", {"form": form, "runs": runs})


def _run_for(request, pk) -> PlanningRun:
    run = get_object_or_404(PlanningRun.objects.select_related("region", "created_by"), pk=pk)
    get_object_for(request.user, PLAN, Region.objects.all(), pk=run.region_id)
    return run


@permission(PLAN)
def run_detail(request, pk):
    run = _run_for(request, pk)
    context = {"run": run, "proposals": planning.proposals(run), "waiting": run.status in (RunStatus.QUEUED, RunStatus.RUNNING)}
    template = "scheduling/_run_status.html" if request.htmx else "scheduling/run_detail.html"
    return render(request, template, context)


@permission(PLAN)
@require_POST
def accept(request, pk):
    run = _run_for(request, pk)
    if request.POST.get("trainee") == "all":
        targets = [p.trainee for p in planning.proposals(run) if not p.accepted and p.placements]
    else:
        targets = [get_object_or_404(run.trainees, pk=request.POST.get("trainee") or 0)]
    accepted = 0
    for trainee in targets:
        try:
            planning.accept_proposal(run, trainee, by=request.user)
            accepted += 1
        except DomainError as error:
            messages.error(request, str(error))
    if accepted:
        messages.success(request, _("Placements were created for %(count)s BT doctors.") % {"count": accepted})
    return redirect(run)

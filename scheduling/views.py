from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import permission
from core.errors import DomainError
from core.locking import posted_version
from scheduling import editing, forms, planning
from scheduling.forms import StartRunForm
from scheduling.models import PlanningRun, RunStatus
from scheduling.permissions import PLAN, PLAN_TRAINEE
from trainees.models import Trainee, TraineeStatus
from trainees.permissions import visible_trainees


@permission(PLAN)
@require_http_methods(["GET", "POST"])
def run_list(request):
    regions = PLAN.queryset(request.user)
    candidates = (
        PLAN_TRAINEE.queryset(request.user)
        .filter(region__in=regions, status=TraineeStatus.PLANNED, placements__isnull=True)
        .select_related("user", "region")
        .order_by("region__name", "planned_start")
    )
    form = StartRunForm(request.POST or None, regions=regions, candidates=candidates)
    weights_form = forms.WeightsForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and weights_form.is_valid():
        data = form.cleaned_data
        try:
            run = planning.start_run(
                region=data["region"],
                by=request.user,
                trainees=data["trainees"],
                start=data["start"],
                months=data["months"],
                method=data["method"],
                time_limit=data["time_limit"],
                weights=weights_form.weights(),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The planning run was started. The proposal appears here when it is ready."))
            return redirect(run)
    runs = planning.visible_runs(request.user)[:30]
    return render(request, "scheduling/run_list.html", {"form": form, "weights_form": weights_form, "runs": runs})


def _run_for(request, pk) -> PlanningRun:
    return PLAN.get_object(
        request.user, PlanningRun.objects.select_related("region", "created_by"), via="region", pk=pk
    )


def _trainee_for(request, run, trainee_pk) -> Trainee:
    """A BT-läkare of the run (404 otherwise) whom the user may plan (403 otherwise)."""
    return PLAN_TRAINEE.get_object(request.user, run.trainees.select_related("user"), pk=trainee_pk)


#: Proposals listed (and checked against the rules) a page of the run's review at a time.
PROPOSALS_PER_PAGE = 25


def _review_context(request, run, **extra) -> dict:
    """The run page: status, the proposals with their rules check, and the capacity review.

    Every proposal counts in the capacity review; only those of BT-läkare the user may plan are listed and
    named (the others are counted, not named), PROPOSALS_PER_PAGE a page: only those are checked against
    the rules. After an edit (`focus_trainee`) the page that lists the edited proposal."""
    items = planning.proposals(run)
    mine = set(
        PLAN_TRAINEE.queryset(request.user).filter(pk__in=[p.trainee.pk for p in items]).values_list("pk", flat=True)
    )
    listed = [p for p in items if p.trainee.pk in mine]
    number = request.GET.get("page")
    focus = extra.get("focus_trainee")
    if focus is not None:
        number = next((i // PROPOSALS_PER_PAGE + 1 for i, p in enumerate(listed) if p.trainee.pk == focus), 1)
    page = Paginator(listed, PROPOSALS_PER_PAGE).get_page(number)
    context = {
        "run": run,
        "proposals": page.object_list,
        "page": page,
        "others": sum(1 for p in items if p.trainee.pk not in mine),
        "waiting": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
    }
    if items and run.status == RunStatus.DONE:
        visible = visible_trainees(request.user) & PLAN_TRAINEE.queryset(request.user)
        context["review"] = planning.review(run, items, visible=visible)
    context.update(extra)
    return context


@permission(PLAN)
def run_detail(request, pk):
    run = _run_for(request, pk)
    if request.htmx and request.GET.get("part") != "review":
        # The status polls while the planner works.
        context = {"run": run, "waiting": run.status in (RunStatus.QUEUED, RunStatus.RUNNING)}
        response = render(request, "scheduling/_run_status.html", context)
        if not context["waiting"]:
            response["HX-Refresh"] = "true"  # the planner is done: load the page with the proposal
        return response
    return render(request, "scheduling/run_detail.html", _review_context(request, run))


def _saved(request, run, trainee, message):
    """After a change to a proposal: what the rules check and the capacity check say now, and
    (htmx) the whole review again, since the numbers of other rows change too."""
    context = _review_context(request, run, focus_trainee=trainee.pk)
    proposal = next(p for p in context["proposals"] if p.trainee.pk == trainee.pk)
    fine, verdict = planning.outcome(proposal)
    message = f"{message} {verdict}"
    if request.htmx:
        context.update(saved_message=message, saved_fine=fine)
        response = render(request, "scheduling/_review.html", context)
        response["HX-Retarget"] = "#run-review"
        response["HX-Reswap"] = "outerHTML"
        return response
    (messages.success if fine else messages.warning)(request, message)
    return redirect(f"{run.get_absolute_url()}#proposal-{trainee.pk}")


@permission(PLAN)
@require_http_methods(["GET", "POST"])
def proposal_edit(request, pk, trainee_pk):
    """Edit one trainee's proposal (htmx inline in the table; a page of its own without JS)."""
    run = _run_for(request, pk)
    trainee = _trainee_for(request, run, trainee_pk)
    if run.status != RunStatus.DONE:
        messages.error(request, _("The proposal is not ready yet."))
        return redirect(run)
    (proposal,) = planning.proposals(run, only=trainee)
    units = list(editing.region_units(run))
    status = 200
    if request.method == "POST":
        # "Add a row" shows the form again with one more empty row and saves nothing.
        adding = "add_row" in request.POST
        formset = forms.proposal_formset(run, units, data=request.POST, add_row=adding)
        version = request.POST.get("version", "")  # the form is shown again with the version it came with
        if not adding and formset.is_valid():
            try:
                expected = posted_version(request.POST, message=editing.stale_message())
                editing.save_proposal_edit(run, trainee, formset.rows(), expected_version=expected, by=request.user)
            except DomainError as error:
                formset.add_error(str(error))
            else:
                return _saved(request, run, trainee, _("The proposal for %(name)s was saved.") % {"name": trainee})
        status = 200 if adding or request.htmx else 400
    else:
        if not proposal.editable:
            messages.error(request, _("This proposal has already been accepted."))
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = run.get_absolute_url()
                return response
            return redirect(run)
        formset = forms.proposal_formset(
            run,
            units,
            initial=[{"unit": a["unit"], "start": a["start"], "months": a["months"]} for a in proposal.assignments],
        )
        version = proposal.version
    if formset.forms:
        formset.forms[0].fields["unit"].widget.attrs["autofocus"] = True
    context = {"run": run, "p": proposal, "formset": formset, "version": version}
    template = "scheduling/_proposal_form_row.html" if request.htmx else "scheduling/proposal_edit.html"
    return render(request, template, context, status=status)


@permission(PLAN)
@require_POST
def proposal_reset(request, pk, trainee_pk):
    run = _run_for(request, pk)
    trainee = _trainee_for(request, run, trainee_pk)
    try:
        expected = posted_version(request.POST, message=editing.stale_message())
        editing.reset_proposal(run, trainee, expected_version=expected, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = run.get_absolute_url()
            return response
        return redirect(run)
    return _saved(request, run, trainee, _("The proposal for %(name)s is the planner's again.") % {"name": trainee})


@permission(PLAN)
@require_POST
def accept(request, pk):
    run = _run_for(request, pk)
    every = request.POST.get("trainee") == "all"
    if every:
        # Everyone's valid proposal — of the BT-läkare this user may plan, not the whole run's.
        mine = PLAN_TRAINEE.queryset(request.user)
        targets = [p.trainee for p in planning.proposals(run) if not p.accepted and p.placements]
        allowed = set(mine.filter(pk__in=[t.pk for t in targets]).values_list("pk", flat=True))
        targets = [t for t in targets if t.pk in allowed]
    else:
        targets = [_trainee_for(request, run, request.POST.get("trainee") or 0)]
    accepted = 0
    for trainee in targets:
        try:
            # "Accept all" answers no one proposal's form; one proposal's button carries its version.
            version = None if every else posted_version(request.POST, message=planning.stale_message(trainee))
            planning.accept_proposal(run, trainee, by=request.user, expected_version=version)
            accepted += 1
        except DomainError as error:
            messages.error(request, str(error))
    if accepted:
        messages.success(request, _("Placements were created for %(count)s BT doctors.") % {"count": accepted})
    return redirect(run)

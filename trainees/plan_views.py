"""The plan editor: placements, leave, credited service and supervisors, checked live."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import permission
from core.errors import DomainError
from core.locking import posted_version
from trainees import services
from trainees.forms import (
    CreditForm,
    LeaveForm,
    MainSupervisorForm,
    PlacementForm,
    placement_units,
    search_supervisors,
    search_units,
    supervisor_label,
    supervisors_in,
    unit_label,
)
from trainees.models import Credit, Leave, Placement
from trainees.permissions import EDIT_PLAN as EDIT
from trainees.services import STALE_PLAN
from trainees.timeline import trainee_timeline
from trainees.views import _trainee_for


def _editor_context(trainee, **forms):
    placements = list(trainee.placements.select_related("unit__parent", "supervisor__supervisor_profile"))
    context = {
        "trainee": trainee,
        "placements": placements,
        "leave": list(trainee.leave.all()),
        "credits": list(trainee.credits.all()),
        "check": services.check_plan(trainee, placements=placements),
        "placement_form": forms.get("placement_form") or PlacementForm(trainee=trainee),
        "leave_form": forms.get("leave_form") or LeaveForm(trainee=trainee),
        "credit_form": forms.get("credit_form") or CreditForm(trainee=trainee),
        "supervisor_form": forms.get("supervisor_form") or MainSupervisorForm(trainee=trainee),
        "editing": forms.get("editing"),
    }
    context["timeline"] = trainee_timeline(trainee, placements, context["leave"])
    return context


@permission(EDIT)
def supervisor_search(request, pk):
    """htmx: the supervisors of the trainee's region matching what is typed in a supervisor field
    (the options of its datalist). Only those the editor could choose; at most SEARCH_MATCHES."""
    trainee = _trainee_for(request, pk, EDIT)
    field = request.GET.get("field", "")
    text = request.GET.get(field, "") if field in ("supervisor", "main_supervisor") else ""
    text = text[:100].strip()
    matches = [supervisor_label(u) for u in search_supervisors(supervisors_in(trainee.region), text)] if text else []
    return render(request, "trainees/_search_matches.html", {"matches": matches})


@permission(EDIT)
def unit_search(request, pk):
    """htmx: the placement units of the trainee's region matching what is typed in the unit field
    (the options of its datalist); at most SEARCH_MATCHES."""
    trainee = _trainee_for(request, pk, EDIT)
    text = request.GET.get("unit", "")[:100].strip()
    matches = [unit_label(u) for u in search_units(placement_units(trainee.region), text)] if text else []
    return render(request, "trainees/_search_matches.html", {"matches": matches})


def _version(request) -> int:
    """The plan version a button's POST carried; StaleEdit (a DomainError) when it has none."""
    return posted_version(request.POST, "plan_version", message=STALE_PLAN)


@permission(EDIT)
def plan_editor(request, pk):
    trainee = _trainee_for(request, pk, EDIT)
    return render(request, "trainees/plan_editor.html", _editor_context(trainee))


def _save(request, trainee, form, save, form_key, **extra):
    """Validate, call the service, and answer with a redirect or the editor with errors."""
    if form.is_valid():
        try:
            save(form)
            messages.success(request, _("The plan was saved."))
            return redirect("trainees:plan", pk=trainee.pk)
        except DomainError as error:
            form.add_error(None, str(error))
    return render(
        request, "trainees/plan_editor.html", _editor_context(trainee, **{form_key: form}, **extra), status=400
    )


@permission(EDIT)
@require_http_methods(["GET", "POST"])
def placement_edit(request, pk, placement_pk=None):
    trainee = _trainee_for(request, pk, EDIT)
    placement = (
        get_object_or_404(Placement, pk=placement_pk, trainee=trainee) if placement_pk else Placement(trainee=trainee)
    )
    form = PlacementForm(request.POST or None, instance=placement, trainee=trainee)
    if request.method == "GET":
        return render(
            request,
            "trainees/plan_editor.html",
            _editor_context(trainee, placement_form=form, editing=placement if placement_pk else None),
        )
    return _save(
        request,
        trainee,
        form,
        lambda f: services.save_placement(
            trainee, f.save(commit=False), expected_version=f.cleaned_data["plan_version"]
        ),
        "placement_form",
        editing=placement if placement_pk else None,
    )


def _delete(request, pk, model, item_pk, message=None):
    trainee = _trainee_for(request, pk, EDIT)
    item = get_object_or_404(model, pk=item_pk, trainee=trainee)
    try:
        services.delete_plan_item(trainee, item, expected_version=_version(request))
        if message:
            messages.success(request, message)
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("trainees:plan", pk=trainee.pk)


@permission(EDIT)
@require_POST
def placement_delete(request, pk, placement_pk):
    return _delete(request, pk, Placement, placement_pk, _("The placement was removed."))


@permission(EDIT)
@require_POST
def leave_delete(request, pk, leave_pk):
    return _delete(request, pk, Leave, leave_pk)


@permission(EDIT)
@require_POST
def credit_delete(request, pk, credit_pk):
    return _delete(request, pk, Credit, credit_pk)


@permission(EDIT)
@require_POST
def leave_add(request, pk):
    trainee = _trainee_for(request, pk, EDIT)
    form = LeaveForm(request.POST, trainee=trainee)
    return _save(
        request,
        trainee,
        form,
        lambda f: services.save_leave(
            trainee,
            f.save(commit=False),
            expected_version=f.cleaned_data["plan_version"],
            extend_plan=f.cleaned_data["extend_plan"],
        ),
        "leave_form",
    )


@permission(EDIT)
@require_POST
def credit_add(request, pk):
    trainee = _trainee_for(request, pk, EDIT)
    form = CreditForm(request.POST, trainee=trainee)
    return _save(
        request,
        trainee,
        form,
        lambda f: services.save_credit(trainee, f.save(commit=False), expected_version=f.cleaned_data["plan_version"]),
        "credit_form",
    )


@permission(EDIT)
@require_POST
def from_template(request, pk):
    trainee = _trainee_for(request, pk, EDIT)
    try:
        services.create_plan_from_template(trainee, expected_version=_version(request))
        messages.success(request, _("A draft plan was made from the programme template."))
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("trainees:plan", pk=trainee.pk)


@permission(EDIT)
@require_POST
def main_supervisor(request, pk):
    trainee = _trainee_for(request, pk, EDIT)
    form = MainSupervisorForm(request.POST, trainee=trainee)
    return _save(
        request,
        trainee,
        form,
        lambda f: services.set_main_supervisor(
            trainee, f.cleaned_data["main_supervisor"], by=request.user, expected_version=f.cleaned_data["plan_version"]
        ),
        "supervisor_form",
    )


@permission(EDIT)
@require_POST
def check(request, pk):
    """htmx: the findings of the plan as it would be with the placement being edited."""
    trainee = _trainee_for(request, pk, EDIT)
    placements = list(trainee.placements.select_related("unit", "supervisor__supervisor_profile"))
    editing_pk = request.POST.get("editing")
    form = PlacementForm(request.POST, trainee=trainee)
    if form.is_valid():
        candidate = form.save(commit=False)
        placements = [p for p in placements if str(p.pk) != editing_pk] + [candidate]
    result = services.check_plan(trainee, placements=placements)
    response = render(request, "trainees/_findings.html", {"check": result, "preview": form.is_valid()})
    return response if request.htmx else HttpResponse(response.content, status=200)

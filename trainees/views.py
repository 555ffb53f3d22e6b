from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import can, get_object_for, manageable_units, permission, scoped
from core.errors import DomainError
from trainees import services
from trainees.forms import RegistrationForm, StatusForm
from trainees.models import Trainee, TraineeStatus
from trainees.timeline import trainee_timeline


@permission("trainees.list_trainees")
def trainee_list(request):
    trainees = scoped(request.user, "trainees.list_trainees").select_related(
        "user", "region", "home_unit", "main_supervisor"
    )
    status = request.GET.get("status", "")
    if status in TraineeStatus.values:
        trainees = trainees.filter(status=status)
    page = Paginator(trainees, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "trainees/trainee_list.html",
        {
            "page": page,
            "status": status,
            "statuses": TraineeStatus.choices,
            "can_register": can(request.user, "trainees.register"),
            "can_import": can(request.user, "trainees.import"),
        },
    )


def _trainee_for(request, pk, perm="trainees.view_trainee"):
    return get_object_for(
        request.user,
        perm,
        Trainee.objects.select_related("user", "region", "home_unit__parent", "main_supervisor__supervisor_profile"),
        pk=pk,
    )


@permission("trainees.view_trainee")
def trainee_detail(request, pk):
    trainee = _trainee_for(request, pk)
    placements = list(trainee.placements.select_related("unit__parent", "supervisor__supervisor_profile"))
    check = services.check_plan(trainee, placements=placements)
    can_edit = can(request.user, "trainees.edit_plan", trainee)
    status_form = None
    if can_edit and services.allowed_transitions(trainee):
        status_form = StatusForm(choices=[(s, TraineeStatus(s).label) for s in services.allowed_transitions(trainee)])
    return render(
        request,
        "trainees/trainee_detail.html",
        {
            "trainee": trainee,
            "placements": placements,
            "leave": trainee.leave.all(),
            "credits": trainee.credits.all(),
            "check": check,
            "timeline": trainee_timeline(trainee, placements, list(trainee.leave.all())),
            "can_edit": can_edit,
            "can_wish": can(request.user, "trainees.edit_wishes", trainee),
            "status_form": status_form,
            "status_changes": trainee.status_changes.select_related("changed_by")[:20],
        },
    )


@permission("trainees.register")
@require_http_methods(["GET", "POST"])
def register(request):
    form = RegistrationForm(request.POST or None, units=manageable_units(request.user))
    if request.method == "POST" and form.is_valid():
        trainee = services.register_trainee(by=request.user, data=form.cleaned_data)
        messages.success(request, _("%(name)s is registered as a BT doctor.") % {"name": trainee.user})
        return redirect("trainees:plan", pk=trainee.pk)
    return render(request, "trainees/register.html", {"form": form})


@permission("trainees.edit_plan")
@require_POST
def change_status(request, pk):
    trainee = _trainee_for(request, pk, "trainees.edit_plan")
    choices = [(s, TraineeStatus(s).label) for s in services.allowed_transitions(trainee)]
    form = StatusForm(request.POST, choices=choices)
    if form.is_valid():
        try:
            services.change_status(
                trainee,
                to=form.cleaned_data["to"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            messages.success(
                request, _("The status was changed to %(status)s.") % {"status": trainee.get_status_display()}
            )
        except DomainError as error:
            messages.error(request, str(error))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("trainees:detail", pk=trainee.pk)

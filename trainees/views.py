from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import permission
from core.errors import DomainError
from trainees import services
from trainees.forms import DetailsForm, RegistrationForm, StatusForm
from trainees.models import Trainee, TraineeStatus
from trainees.permissions import EDIT_PLAN, EDIT_WISHES, HISTORY, IMPORT, LIST_TRAINEES, REGISTER, VIEW_TRAINEE
from trainees.timeline import trainee_timeline


@permission(LIST_TRAINEES)
def trainee_list(request):
    trainees = LIST_TRAINEES.queryset(request.user).select_related("user", "region", "home_unit", "main_supervisor")
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
            "can_register": REGISTER.allows(request.user),
            "can_import": IMPORT.allows(request.user),
        },
    )


def _trainee_for(request, pk, perm=VIEW_TRAINEE):
    return perm.get_object(
        request.user,
        Trainee.objects.select_related("user", "region", "home_unit__parent", "main_supervisor__supervisor_profile"),
        pk=pk,
    )


@permission(VIEW_TRAINEE)
def trainee_detail(request, pk):
    trainee = _trainee_for(request, pk)
    placements = list(trainee.placements.select_related("unit__parent", "supervisor__supervisor_profile"))
    check = services.check_plan(trainee, placements=placements)
    can_edit = EDIT_PLAN.allows(request.user, trainee)
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
            "can_wish": EDIT_WISHES.allows(request.user, trainee),
            "can_see_history": HISTORY.allows(request.user, trainee),
            "status_form": status_form,
            "status_changes": trainee.status_changes.select_related("changed_by")[:20],
        },
    )


@permission(REGISTER)
@require_http_methods(["GET", "POST"])
def register(request):
    form = RegistrationForm(request.POST or None, units=REGISTER.queryset(request.user))
    if request.method == "POST" and form.is_valid():
        trainee = services.register_trainee(by=request.user, data=form.cleaned_data)
        messages.success(request, _("%(name)s is registered as a BT doctor.") % {"name": trainee.user})
        return redirect("trainees:plan", pk=trainee.pk)
    return render(request, "trainees/register.html", {"form": form})


@permission(EDIT_PLAN)
@require_http_methods(["GET", "POST"])
def edit_details(request, pk):
    """The licence(s), the medical degree and the start of the ST employment."""
    trainee = _trainee_for(request, pk, EDIT_PLAN)
    form = DetailsForm(request.POST or None, trainee=trainee)
    if request.method == "POST" and form.is_valid():
        services.update_details(trainee, data=form.cleaned_data, by=request.user)
        messages.success(request, _("The details were saved."))
        back = request.GET.get("next", "")
        if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)
        return redirect("trainees:detail", pk=trainee.pk)
    return render(request, "trainees/details.html", {"trainee": trainee, "form": form})


@permission(EDIT_PLAN)
@require_POST
def change_status(request, pk):
    trainee = _trainee_for(request, pk, EDIT_PLAN)
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

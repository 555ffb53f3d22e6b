from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.permissions import get_object_for, permission, scoped
from trainees.models import Trainee, TraineeStatus


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
        {"page": page, "status": status, "statuses": TraineeStatus.choices},
    )


@permission("trainees.view_trainee")
def trainee_detail(request, pk):
    trainee = get_object_for(
        request.user,
        "trainees.view_trainee",
        Trainee.objects.select_related("user", "region", "home_unit", "main_supervisor"),
        pk=pk,
    )
    return render(request, "trainees/trainee_detail.html", {"trainee": trainee})

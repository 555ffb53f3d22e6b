from django.shortcuts import get_object_or_404, render

from accounts.permissions import permission
from goals.models import Goal
from goals.permissions import VIEW

CURRENT_REGULATION = "HSLF-FS 2021:8"


@permission(VIEW)
def goal_list(request):
    regulation = request.GET.get("regulation") or CURRENT_REGULATION
    goals = Goal.objects.filter(regulation=regulation)
    regulations = Goal.objects.order_by().values_list("regulation", flat=True).distinct()
    return render(
        request, "goals/goal_list.html", {"goals": goals, "regulation": regulation, "regulations": regulations}
    )


@permission(VIEW)
def goal_detail(request, code):
    regulation = request.GET.get("regulation") or CURRENT_REGULATION
    goal = get_object_or_404(Goal, regulation=regulation, code=code.upper())
    return render(request, "goals/goal_detail.html", {"goal": goal})

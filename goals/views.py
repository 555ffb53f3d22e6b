import re

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

import rules
from accounts.permissions import permission
from goals.models import Goal
from goals.permissions import VIEW

CURRENT_REGULATION = "HSLF-FS 2021:8"
#: What a delmål code looks like (BT1 … BT18, or another regulation's letters and digits).
GOAL_CODE = re.compile(r"[A-Za-z0-9_.-]{1,20}")


@permission(VIEW)
def goal_list(request):
    regulation = request.GET.get("regulation") or CURRENT_REGULATION
    goals = Goal.objects.filter(regulation=regulation)
    regulations = Goal.objects.order_by().values_list("regulation", flat=True).distinct()
    return render(
        request,
        "goals/goal_list.html",
        {
            "goals": goals,
            "regulation": regulation,
            "regulation_title": regulation_title(regulation),
            "regulations": regulations,
        },
    )


def regulation_title(regulation_id: str) -> str:
    """The regulation as it is cited: "Socialstyrelsens föreskrifter och allmänna råd (HSLF-FS 2021:8)
    om läkarnas specialiseringstjänstgöring" (the id alone for a version the rules do not know)."""
    try:
        reg = rules.load_regulation(regulation_id)
    except KeyError:
        return regulation_id
    return reg.title_en if (get_language() or "sv").startswith("en") else reg.title_sv


@permission(VIEW)
def goal_detail(request, code):
    regulation = request.GET.get("regulation") or CURRENT_REGULATION
    if not GOAL_CODE.fullmatch(code):
        raise Http404  # no delmål has such a code (and a NUL would not even reach PostgreSQL)
    goal = get_object_or_404(Goal, regulation=regulation, code=code.upper())
    return render(request, "goals/goal_detail.html", {"goal": goal})

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import ProfileForm, SupervisorProfileForm
from accounts.models import SupervisorProfile
from accounts.permissions import AUTHENTICATED, LIST_SUPERVISORS, VIEW_SUPERVISOR, permission


@permission(AUTHENTICATED)
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details were saved."))
        return redirect("accounts:profile")
    own = getattr(request.user, "supervisor_profile", None) if hasattr(request.user, "supervisor_profile") else None
    return render(
        request,
        "accounts/profile.html",
        # the link to one's supervisor profile only when one's roles may open it (an extern bedömare may not)
        {"form": form, "supervisor_profile": own if own and VIEW_SUPERVISOR.allows(request.user, own) else None},
    )


@permission(LIST_SUPERVISORS)
def supervisor_list(request):
    supervisors = LIST_SUPERVISORS.queryset(request.user).select_related("user", "workplace")
    return render(request, "accounts/supervisor_list.html", {"supervisors": supervisors})


@permission(VIEW_SUPERVISOR)
def supervisor_detail(request, pk):
    profile = VIEW_SUPERVISOR.get_object(
        request.user, SupervisorProfile.objects.select_related("user", "workplace"), pk=pk
    )
    return render(request, "accounts/supervisor_detail.html", {"profile": profile})


@permission(VIEW_SUPERVISOR)
@require_http_methods(["GET", "POST"])
def supervisor_edit(request, pk):
    # The supervisor themself or staff whose scope covers the supervisor's workplace.
    profile = VIEW_SUPERVISOR.get_object(request.user, SupervisorProfile.objects.all(), pk=pk)
    form = SupervisorProfileForm(request.POST or None, instance=profile, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The supervisor profile was saved."))
        return redirect("accounts:supervisor", pk=profile.pk)
    return render(request, "accounts/supervisor_edit.html", {"form": form, "profile": profile})

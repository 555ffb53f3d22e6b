from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import ProfileForm, SupervisorProfileForm
from accounts.models import SupervisorProfile
from accounts.permissions import AUTHENTICATED, get_object_for, permission, scoped, visible_units


@permission(AUTHENTICATED)
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details were saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@permission("accounts.list_supervisors")
def supervisor_list(request):
    supervisors = scoped(request.user, "accounts.list_supervisors").select_related("user", "workplace")
    return render(request, "accounts/supervisor_list.html", {"supervisors": supervisors})


@permission("accounts.view_supervisor")
def supervisor_detail(request, pk):
    profile = get_object_for(
        request.user, "accounts.view_supervisor", SupervisorProfile.objects.select_related("user", "workplace"), pk=pk
    )
    return render(request, "accounts/supervisor_detail.html", {"profile": profile})


@permission("accounts.view_supervisor")
@require_http_methods(["GET", "POST"])
def supervisor_edit(request, pk):
    # The supervisor themself or staff whose scope covers the supervisor's workplace.
    profile = get_object_for(request.user, "accounts.view_supervisor", SupervisorProfile.objects.all(), pk=pk)
    form = SupervisorProfileForm(
        request.POST or None, instance=profile, units=visible_units(request.user) | _own_workplace(profile)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The supervisor profile was saved."))
        return redirect("accounts:supervisor", pk=profile.pk)
    return render(request, "accounts/supervisor_edit.html", {"form": form, "profile": profile})


def _own_workplace(profile):
    from organisations.models import Unit

    return Unit.objects.filter(pk=profile.workplace_id) if profile.workplace_id else Unit.objects.none()

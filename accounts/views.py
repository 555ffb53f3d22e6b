from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import ProfileForm, SupervisorProfileForm
from accounts.identity import set_signing_pin
from accounts.models import SupervisorProfile
from accounts.permissions import AUTHENTICATED, LIST_SUPERVISORS, VIEW_SUPERVISOR, permission
from core.errors import DomainError
from core.forms import current_form
from core.locking import StaleEdit


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
        try:
            form.save()
        except StaleEdit as error:
            form = current_form(SupervisorProfileForm, profile, error, user=request.user)
            return render(request, "accounts/supervisor_edit.html", {"form": form, "profile": profile}, status=409)
        messages.success(request, _("The supervisor profile was saved."))
        return redirect("accounts:supervisor", pk=profile.pk)
    return render(request, "accounts/supervisor_edit.html", {"form": form, "profile": profile})


@permission(AUTHENTICATED)
@require_http_methods(["GET", "POST"])
def signing_pin(request):
    """A supervisor sets their personal signing PIN once, to sign assessments face to face."""
    profile = SupervisorProfile.objects.filter(user=request.user).first()
    if profile is None:
        raise PermissionDenied
    error = None
    if request.method == "POST":
        pin, again = request.POST.get("pin", ""), request.POST.get("pin_again", "")
        try:
            if pin != again:
                raise DomainError(_("The two PINs differ."))
            set_signing_pin(profile, pin)
        except DomainError as problem:
            error = str(problem)
        else:
            messages.success(request, _("Your signing PIN is set. Sign an assessment with it on any device."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/signing_pin.html",
        {"has_pin": bool(profile.signing_pin), "error": error},
        status=400 if error else 200,
    )

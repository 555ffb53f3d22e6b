"""Staff log in strongly (issue 13): with settings.MFA_REQUIRED_FOR_STAFF on (production's default), a person
with a staff role (kansli, studierektor, verksamhetschef, admin) uses the app only in a session that is strong
(`accounts.strong_auth.is_strong`: the region's identity provider at its level, or a password with a TOTP code
or a passkey of allauth's MFA). Until then every page sends them to enrol a second factor (none yet) or to
confirm one (enrolled, not used in this session); the pages of logging in and out, of the second factor, the
error pages, the health check and static files stay open. API calls of such a session get 403."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import strong_auth
from accounts.permissions import STAFF_ROLES, roles_of

#: Paths open to a staff member before the second factor: logging in and out, enrolling and confirming the
#: second factor (allauth's pages), the language switch, static files and the health check.
OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/verify/")


def needs_second_factor(request) -> bool:
    user = getattr(request, "user", None)
    if not settings.MFA_REQUIRED_FOR_STAFF or user is None or not user.is_authenticated:
        return False
    if not (roles_of(user) & STAFF_ROLES):
        return False
    return not strong_auth.is_strong(request)


def has_enrolled_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.RECOVERY_CODES).exists()


class StaffSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(OPEN_PREFIXES) or not needs_second_factor(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "A second factor is required for staff."}, status=403)
        # Enrolled but not used in this session: confirm it (allauth records an MFA authentication); else
        # enrol one: an authenticator app (TOTP) or a passkey.
        target = reverse("mfa_reauthenticate" if has_enrolled_factor(request.user) else "mfa_index")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")

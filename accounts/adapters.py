"""How django-allauth logs people in here: no self sign-up, password login optionally closed to staff, and
every login and refusal written to the login log."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts import strong_auth
from accounts.login_log import record_login
from accounts.models import LoginMethod, LoginRefusal
from accounts.permissions import STAFF_ROLES, roles_of


def password_login_allowed(user) -> bool:
    """May this person log in with a password? Not staff, when the installation has switched that off."""
    return settings.STAFF_PASSWORD_LOGIN or not (roles_of(user) & STAFF_ROLES)


class AccountAdapter(DefaultAccountAdapter):
    """No self sign-up: the BT office registers people; they then set a password by reset link."""

    def is_open_for_signup(self, request):
        return False

    # -- password attempts ------------------------------------------------------------------------------

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            record_login(
                request,
                method=LoginMethod.PASSWORD,
                reason=LoginRefusal.RATE_LIMITED,
                identifier=credentials.get("email", ""),
            )
            raise

    def authentication_failed(self, request, **credentials):
        record_login(
            request,
            method=LoginMethod.PASSWORD,
            reason=LoginRefusal.WRONG_CREDENTIALS,
            identifier=credentials.get("email", ""),
        )

    # -- every login --------------------------------------------------------------------------------------

    def pre_login(self, request, user, *, signal_kwargs, **kwargs):
        sociallogin = (signal_kwargs or {}).get("sociallogin")
        if sociallogin is None:
            if not user.is_active:
                record_login(request, method=LoginMethod.PASSWORD, user=user, reason=LoginRefusal.INACTIVE)
            elif not password_login_allowed(user):
                record_login(request, method=LoginMethod.PASSWORD, user=user, reason=LoginRefusal.PASSWORD_LOGIN_OFF)
                messages.error(
                    request,
                    _(
                        "Staff log in through the region's identity provider, not with a password: "
                        "use the button “Log in with e-identification” below."
                    ),
                )
                return redirect("account_login")
        return super().pre_login(request, user, signal_kwargs=signal_kwargs, **kwargs)

    def post_login(self, request, user, *, signal_kwargs, **kwargs):
        response = super().post_login(request, user, signal_kwargs=signal_kwargs, **kwargs)
        strong_auth.forget(request)
        verified_mfa = strong_auth.is_strong(request)  # a TOTP code given at this login (allauth's record of it)
        if verified_mfa:
            strong_auth.mark_strong(request, method=strong_auth.MFA)
        record_login(request, method=LoginMethod.PASSWORD_MFA if verified_mfa else LoginMethod.PASSWORD, user=user)
        return response

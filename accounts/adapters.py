"""How django-allauth logs people in here: no self sign-up, identity providers matched by personnummer or
HSA-id, password login optionally closed to staff, and every login and refusal written to the login log."""

import logging
import smtplib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError, AuthProcess
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import personnummer as pnr
from accounts import sso, strong_auth
from accounts.login_log import record_login
from accounts.models import LoginMethod, LoginRefusal
from accounts.permissions import STAFF_ROLES, roles_of
from accounts.stages import IDP_STRONG

logger = logging.getLogger(__name__)

#: What the social-login adapter leaves in a social login's state for the account adapter.
IDP_ASSURANCE = "bt_idp_assurance"
IDP_IDENTITY = "bt_idp_identity"


def password_login_allowed(user) -> bool:
    """May this person log in with a password? Not staff, when the installation has switched that off."""
    return settings.STAFF_PASSWORD_LOGIN or not (roles_of(user) & STAFF_ROLES)


class AccountAdapter(DefaultAccountAdapter):
    """No self sign-up: the BT office registers people; they then set a password by reset link."""

    def is_open_for_signup(self, request):
        return False

    def send_mail(self, template_prefix, email, context):
        """allauth's emails (password reset): a mail server that cannot be reached is a message to the person,
        not a 500. The same message whether the address has an account or not (allauth mails unknown
        addresses too), so the failure reveals nothing."""
        try:
            super().send_mail(template_prefix, email, context)
        except (OSError, smtplib.SMTPException):
            logger.exception("could not send the email %s", template_prefix)
            request = getattr(self, "request", None)
            if request is not None:
                messages.error(request, _("The email could not be sent just now. Try again in a while."))

    def get_login_stages(self):
        # The two-factor step knows that a login through the region's IdP at its required level is two factors.
        return [
            "accounts.stages.AuthenticateStage" if path == "allauth.mfa.stages.AuthenticateStage" else path
            for path in super().get_login_stages()
        ]

    # -- password attempts ------------------------------------------------------------------------------

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Failed logins are counted per account *and* client address: someone guessing at a named account
        from elsewhere is slowed down (5 in 5 minutes from one address, and 10 a minute from one address
        across accounts) without refusing the owner, whose address has a count of its own. Behind the
        trusted proxy the address is the client's, from its header (settings: ALLAUTH_TRUSTED_PROXY_COUNT)."""
        return f"{self.get_client_ip(request)}:{super()._get_login_attempts_cache_key(request, **credentials)}"

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
        sociallogin = (signal_kwargs or {}).get("sociallogin")
        strong_auth.forget(request)
        verified_mfa = strong_auth.is_strong(request)  # a TOTP code given at this login (allauth's record of it)
        if sociallogin is not None:
            idp = sso.IdentityProvider.of(sociallogin.provider.app)
            assurance = sociallogin.state.get(IDP_ASSURANCE, "")
            if sociallogin.state.get(IDP_STRONG):
                strong_auth.mark_strong(request, method=strong_auth.IDP, provider=idp.id, assurance=assurance)
            elif verified_mfa:
                strong_auth.mark_strong(request, method=strong_auth.MFA)
            record_login(
                request,
                method=LoginMethod.IDP,
                user=user,
                provider=idp.id,
                assurance=assurance,
                identifier=sociallogin.state.get(IDP_IDENTITY, ""),
            )
        else:
            if verified_mfa:
                strong_auth.mark_strong(request, method=strong_auth.MFA)
            record_login(request, method=LoginMethod.PASSWORD_MFA if verified_mfa else LoginMethod.PASSWORD, user=user)
        return response


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Logins through a region's identity provider: matched to an existing account, never creating one.

    No link between the IdP's account and ours is stored: every login is matched afresh by personnummer or
    HSA-id (sso.match_user), so a register correction takes effect at the next login and nothing goes stale.
    """

    def is_open_for_signup(self, request, sociallogin):
        return False

    def is_auto_signup_allowed(self, request, sociallogin):
        return False

    def authenticate_by_email(self, sociallogin):
        return None  # never by email: the identity is the personnummer or the HSA-id

    def list_apps(self, request, provider=None, client_id=None):
        return [sso.with_safe_defaults(app) for app in super().list_apps(request, provider, client_id)]

    def pre_social_login(self, request, sociallogin):
        idp = sso.IdentityProvider.of(sociallogin.provider.app)
        identity = sso.identity_of(sociallogin, idp)
        try:
            strong = sso.check_assurance(identity, idp)
            user = sso.match_user(identity)
        except sso.LoginRefused as refusal:
            record_login(
                request,
                method=LoginMethod.IDP,
                reason=refusal.reason,
                provider=idp.id,
                assurance=identity.assurance,
                identifier=identity.describe(),
                detail=refusal.detail,
            )
            raise ImmediateHttpResponse(refusal_page(request, refusal.reason, idp=idp, identity=identity)) from None
        sociallogin.user = user
        # A login, whatever was asked: no connecting of IdP accounts to the logged-in user, no stored link.
        sociallogin.state["process"] = AuthProcess.LOGIN
        sociallogin.state[IDP_STRONG] = strong
        sociallogin.state[IDP_ASSURANCE] = identity.assurance
        sociallogin.state[IDP_IDENTITY] = identity.describe()

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        extra_context = extra_context or {}
        detail = extra_context.get("saml_last_error_reason") or (str(exception) if exception else "") or str(error)
        record_login(
            request,
            method=LoginMethod.IDP,
            reason=LoginRefusal.CANCELLED if error == AuthError.CANCELLED else LoginRefusal.IDP_ERROR,
            provider=sso.IdentityProvider.of(provider.app).id if getattr(provider, "app", None) else "",
            detail=detail,
        )
        super().on_authentication_error(request, provider, error, exception, extra_context)


_REFUSAL_KINDS = {
    LoginRefusal.UNKNOWN_PERSON: "unknown",
    LoginRefusal.NO_IDENTITY: "unknown",
    LoginRefusal.ASSURANCE_TOO_LOW: "assurance",
    LoginRefusal.AMBIGUOUS_PERSON: "ambiguous",
    LoginRefusal.INACTIVE: "inactive",
}


def refusal_page(request, reason, *, idp, identity):
    """The page a person sees when the identity provider knew them and BT-portalen does not let them in."""
    context = {
        "reason": reason,
        "kind": _REFUSAL_KINDS[reason],
        "idp": idp,
        "identity": identity,
        "masked_personnummer": pnr.masked(identity.personnummer),
    }
    return render(request, "accounts/sso_refused.html", context, status=403)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and roles")

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from accounts import strong_auth

        def enrolled(sender, request, user, authenticator, **kwargs):
            # Enrolling proves possession of the factor (a valid code, a signed challenge): this session is
            # strong from now on, so staff are not asked for the code twice in a row.
            if request is not None and authenticator.type != "recovery_codes" and request.user == user:
                strong_auth.mark_strong(request, method=strong_auth.MFA)

        authenticator_added.connect(enrolled, dispatch_uid="accounts.strong_after_enrolment")

"""The two-factor step of a login, skipped when the region's identity provider was the second factor.

A login through an identity provider at its required level of assurance (SITHS, BankID, Freja eID+ at
loa3) is already two factors; asking such a person for a TOTP code as well would only be friction. The
social-login adapter marks those logins (`sociallogin.state[IDP_STRONG]`) before allauth's login stages run.
"""

from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage

#: The key of a social login's state that says: a login at the provider's required level of assurance.
IDP_STRONG = "bt_idp_strong"


def sociallogin_of(login):
    """The social login behind an allauth `Login`, or None for a password login."""
    return (login.signal_kwargs or {}).get("sociallogin") if login is not None else None


class AuthenticateStage(AllauthAuthenticateStage):
    def _should_handle(self, request) -> bool:
        sociallogin = sociallogin_of(self.login)
        if sociallogin is not None and sociallogin.state.get(IDP_STRONG):
            return False
        return super()._should_handle(request)

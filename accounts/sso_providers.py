"""allauth's SAML provider, also passing on the assertion's authentication context (the level of assurance).

allauth keeps a SAML login's attributes but not its AuthnContextClassRef, which is where Sambi and the Swedish
eID framework put the level of assurance (loa3). This subclass adds those values under `sso.AUTHN_CONTEXT`.
It replaces allauth's class through allauth's own hook (`SOCIALACCOUNT_PROVIDERS["saml"]["provider_class"]`);
the protocol (requests, signature and condition checks) stays allauth's and python3-saml's.

(Not called `provider.py`: allauth imports every app's `provider` module as a provider of its own.)
"""

from allauth.socialaccount.providers.saml.provider import SAMLProvider as AllauthSAMLProvider

from accounts.sso import AUTHN_CONTEXT


class SAMLProvider(AllauthSAMLProvider):
    # allauth finds a provider's URLs in its package: these are allauth's SAML views, unchanged.
    package = "allauth.socialaccount.providers.saml"

    def extract_extra_data(self, data):
        extra = dict(super().extract_extra_data(data))
        extra[AUTHN_CONTEXT] = list(data.get_last_authn_contexts() or [])
        return extra

"""Single sign-on through a region's identity provider: who the IdP says the person is, and whether we let them in.

The protocols (SAML 2.0, OpenID Connect) are django-allauth's providers; this module holds only BT-portalen's
part: which claim or attribute carries the personnummer, the HSA-id and the assurance level; the level the
provider must reach; how the person is matched to their account (by personnummer or HSA-id, never by email);
and the safe defaults every identity provider gets, whether it is configured in settings or in the admin.

An identity provider is an allauth `SocialApp` ("openid_connect" or "saml"); BT-portalen's part of its
configuration is the `btportal` block of the app's settings (see README, "Logging in through the region's
identity provider"):

    {"region": "vgr", "personnummer": "<claim or attribute>", "hsa_id": "<claim or attribute>",
     "assurance": "<claim or attribute>", "required_assurance": "http://id.elegnamnden.se/loa/1.0/loa3",
     "accepted_assurance": [...], "contact": "who to contact when you are not registered"}
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts import personnummer as pnr
from accounts.models import LoginRefusal, User
from accounts.sso_settings import BT_KEY

OIDC = "openid_connect"
SAML = "saml"
PROTOCOLS = (OIDC, SAML)

#: The name under which the SAML provider (accounts.sso_providers) passes the assertion's
#: AuthnContextClassRef values on, beside the attributes; the default source of a SAML login's level.
AUTHN_CONTEXT = "urn:btportal:authn-context"

LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"

#: Where the Swedish identity providers put what we need, unless the installation says otherwise.
#: SAML: the attribute names of the Swedish eID framework and Sambi (personalIdentityNumber, employeeHsaId);
#: OpenID Connect: Inera's IdP's claim names, and the ID token's `acr`.
DEFAULT_SOURCES = {
    OIDC: {"personnummer": "personalIdentityNumber", "hsa_id": "employeeHsaId", "assurance": "acr"},
    SAML: {"personnummer": "urn:oid:1.2.752.29.4.13", "hsa_id": "urn:oid:1.2.752.29.6.2.1", "assurance": AUTHN_CONTEXT},
}

#: Levels of assurance, lowest first, per scheme. A required level is met by itself and the higher levels of
#: its own scheme; levels of another scheme count only when listed in `accepted_assurance`.
ASSURANCE_SCHEMES = (
    tuple(f"http://id.elegnamnden.se/loa/1.0/loa{n}" for n in (1, 2, 3, 4)),
    tuple(f"http://id.sambi.se/loa/loa{n}" for n in (1, 2, 3, 4)),
    tuple(f"http://id.elegnamnden.se/loa/1.0/eidas-{level}" for level in ("low", "sub", "high")),
)


class LoginRefused(Exception):
    """An identity provider's login that BT-portalen does not accept; `reason` is a `LoginRefusal`."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class IdentityProvider:
    """BT-portalen's view of one configured identity provider."""

    id: str
    protocol: str
    name: str
    region: str = ""
    personnummer: str = ""
    hsa_id: str = ""
    assurance: str = ""
    required_assurance: str = ""
    accepted_assurance: tuple[str, ...] = ()
    contact: str = ""

    @classmethod
    def of(cls, app) -> IdentityProvider:
        """The identity provider of an allauth SocialApp."""
        protocol = app.provider
        conf = (app.settings or {}).get(BT_KEY) or {}
        defaults = DEFAULT_SOURCES.get(protocol, {})
        return cls(
            id=(app.provider_id or app.client_id) if protocol == OIDC else app.client_id,
            protocol=protocol,
            name=app.name or app.client_id,
            region=conf.get("region", ""),
            personnummer=conf.get("personnummer") or defaults.get("personnummer", ""),
            hsa_id=conf.get("hsa_id") or defaults.get("hsa_id", ""),
            assurance=conf.get("assurance") or defaults.get("assurance", ""),
            required_assurance=conf.get("required_assurance", LOA3),
            accepted_assurance=tuple(conf.get("accepted_assurance") or ()),
            contact=conf.get("contact", ""),
        )

    def accepted_levels(self) -> frozenset[str]:
        """The assurance levels that meet the required one (empty: no level is required)."""
        if not self.required_assurance:
            return frozenset()
        levels = {self.required_assurance, *self.accepted_assurance}
        for scheme in ASSURANCE_SCHEMES:
            if self.required_assurance in scheme:
                levels.update(scheme[scheme.index(self.required_assurance) :])
        return frozenset(levels)


@dataclass(frozen=True)
class Identity:
    """Who the identity provider says the person is."""

    personnummer: str = ""  # 12 digits, or "" when the IdP gave none (or one that is not a personnummer)
    hsa_id: str = ""
    assurance: str = ""
    notes: tuple[str, ...] = field(default=())

    def describe(self) -> str:
        """For the login log: the personnummer masked, the HSA-id as given."""
        parts = [pnr.masked(self.personnummer), self.hsa_id]
        return " ".join(p for p in parts if p)


def identity_of(sociallogin, idp: IdentityProvider) -> Identity:
    """Read the personnummer, the HSA-id and the assurance level from what the provider sent."""
    data = sociallogin.account.extra_data or {}
    # OpenID Connect: the ID token first (it carries `acr`, and the provider vouched for it in this login).
    sources = [data.get("id_token") or {}, data.get("userinfo") or {}] if idp.protocol == OIDC else [data]
    notes = []
    raw_pnr = _first(sources, idp.personnummer)
    personnummer = ""
    if raw_pnr:
        try:
            personnummer = pnr.normalise(raw_pnr)
        except ValidationError:
            notes.append("the personnummer given is not a valid personnummer")
    return Identity(
        personnummer=personnummer,
        hsa_id=_first(sources, idp.hsa_id).strip().upper(),
        assurance=_first(sources, idp.assurance),
        notes=tuple(notes),
    )


def _first(sources, name: str) -> str:
    """The first value of a claim (OIDC: a string) or attribute (SAML: a list of strings)."""
    if not name:
        return ""
    for source in sources:
        value = source.get(name)
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        if value not in (None, ""):
            return str(value)
    return ""


def check_assurance(identity: Identity, idp: IdentityProvider) -> bool:
    """Refuse a login below the provider's required level; True when the login is at a required level."""
    accepted = idp.accepted_levels()
    if not accepted:
        return False
    if identity.assurance not in accepted:
        raise LoginRefused(
            LoginRefusal.ASSURANCE_TOO_LOW,
            f"asserted {identity.assurance or 'no level'}; required {idp.required_assurance}",
        )
    return True


def match_user(identity: Identity) -> User:
    """The one account with this personnummer or HSA-id. Never by email: an email address is not an identity."""
    if not identity.personnummer and not identity.hsa_id:
        raise LoginRefused(LoginRefusal.NO_IDENTITY, "; ".join(identity.notes))
    q = Q(pk__in=[])
    if identity.personnummer:
        q |= Q(personnummer=identity.personnummer)
    if identity.hsa_id:
        q |= Q(hsa_id__iexact=identity.hsa_id)
    users = list(User.objects.filter(q)[:2])
    if not users:
        raise LoginRefused(LoginRefusal.UNKNOWN_PERSON, "; ".join(identity.notes))
    if len(users) > 1:
        # The personnummer is one person's and the HSA-id another's: an error in the register, not a guess to make.
        raise LoginRefused(LoginRefusal.AMBIGUOUS_PERSON, "personnummer and HSA-id match different accounts")
    user = users[0]
    if not user.is_active:
        raise LoginRefused(LoginRefusal.INACTIVE)
    return user


# ---------------------------------------------------------------------------
# Safe defaults for every identity provider, from settings or from the admin
# ---------------------------------------------------------------------------


def with_safe_defaults(app):
    """The app with BT-portalen's defaults filled in where its settings say nothing (in memory; never saved).

    OpenID Connect: PKCE, the standard scopes, and `acr_values` asking for the required level.
    SAML: signed assertions required, strict validation, no IdP-initiated login, and an IdP metadata file
    (`idp.metadata_file`) read like a metadata URL.
    """
    if app.provider not in PROTOCOLS:
        return app
    settings = dict(app.settings or {})
    conf = settings.get(BT_KEY) or {}
    required = conf.get("required_assurance", LOA3)
    if app.provider == OIDC:
        settings.setdefault("oauth_pkce_enabled", True)
        settings.setdefault("scope", ["openid", "profile"])
        if required:
            settings.setdefault("auth_params", {"acr_values": required})
    else:
        advanced = dict(settings.get("advanced") or {})
        advanced.setdefault("strict", True)
        advanced.setdefault("want_assertion_signed", True)
        advanced.setdefault("reject_idp_initiated_sso", True)
        settings["advanced"] = advanced
        idp = settings.get("idp")
        if isinstance(idp, dict) and idp.get("metadata_file") and not idp.get("metadata_url"):
            from pathlib import Path

            settings["idp"] = {**idp, "metadata_url": Path(idp["metadata_file"]).resolve().as_uri()}
    app.settings = settings
    return app

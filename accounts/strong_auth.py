"""Strong authentication of the current session: the contract between login and what needs a strong login.

A session is *strong* when its user logged in

- through a region's identity provider at the assurance level that provider requires (SITHS, BankID or
  Freja eID+ at level 3: the IdP login is the second factor), or
- with a password and a verified TOTP code (allauth's MFA; a later TOTP re-authentication counts too).

The login adapters (`accounts.adapters`) call `mark_strong` when a login is strong; whatever requires a
strong login (the staff MFA requirement, re-authentication before signing) asks `is_strong(request)`
and nothing else. The session keys are part of the contract too, for code that only sees the session:

    bt_auth_method    "idp" | "mfa"           how the strong login was made
    bt_idp_provider   the provider id          (IdP logins)
    bt_idp_assurance  the level the IdP gave   (IdP logins; never set below the required level)
    bt_strong_user    the user's pk            the user the marks belong to

Django's login() and logout() start a new session for another user, so the marks never outlive the login
they describe; `bt_strong_user` guards against a mark read with the wrong user all the same.
"""

from __future__ import annotations

import time

from django.http import HttpRequest

METHOD_KEY = "bt_auth_method"
PROVIDER_KEY = "bt_idp_provider"
ASSURANCE_KEY = "bt_idp_assurance"
USER_KEY = "bt_strong_user"

IDP = "idp"
MFA = "mfa"


def mark_strong(request: HttpRequest, *, method: str, provider: str = "", assurance: str = "") -> None:
    """Record in the session that its (logged-in) user authenticated strongly.

    `method` is "idp" (with the `provider` id and the `assurance` level it asserted, which must be the
    level the provider requires or higher) or "mfa" (password and TOTP).
    """
    if method not in (IDP, MFA):
        raise ValueError(f"unknown strong authentication method {method!r}")
    if method == IDP and not (provider and assurance):
        raise ValueError("an IdP login is strong only with its provider and the assurance level it asserted")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise ValueError("mark_strong needs a logged-in user")
    request.session[METHOD_KEY] = method
    request.session[USER_KEY] = user.pk
    if method == IDP:
        request.session[PROVIDER_KEY] = provider
        request.session[ASSURANCE_KEY] = assurance
    else:
        request.session.pop(PROVIDER_KEY, None)
        request.session.pop(ASSURANCE_KEY, None)


def forget(request: HttpRequest) -> None:
    """Drop the marks (a new login is being recorded)."""
    for key in (METHOD_KEY, PROVIDER_KEY, ASSURANCE_KEY, USER_KEY):
        request.session.pop(key, None)


def is_strong(request: HttpRequest) -> bool:
    """Did the current session's user log in strongly (an IdP at the required level, or password + TOTP)?"""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    session = request.session
    if session.get(USER_KEY) == user.pk:
        method = session.get(METHOD_KEY)
        if method == IDP and session.get(ASSURANCE_KEY):
            return True
        if method == MFA:
            return True
    # A TOTP code given in this session (at login, or when re-authenticating later) is a second factor.
    return _verified_mfa_in_session(request, user)


def strong_method(request: HttpRequest) -> str:
    """ "idp", "mfa" or "" — for pages that say how the person logged in."""
    if not is_strong(request):
        return ""
    if request.session.get(USER_KEY) == request.user.pk and request.session.get(METHOD_KEY) in (IDP, MFA):
        return request.session[METHOD_KEY]
    return MFA


def last_authenticated_at(request: HttpRequest) -> float | None:
    """When the session's user last proved who they are (a login or a re-authentication), as a timestamp."""
    from allauth.account.authentication import get_authentication_records

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    times = [record.get("at") for record in get_authentication_records(request, user) if record.get("at")]
    return max(times) if times else None


def require_recent_authentication(request: HttpRequest) -> None:
    """Before signing (Bilaga 3, the final assessment) and issuing: the person proved who they are within the
    last settings.SIGNING_REAUTHENTICATION_SECONDS (0: not asked). Otherwise allauth's re-authentication
    (password, or the TOTP code when the account has one) is asked for, and the request resumes after it."""
    from allauth.core.exceptions import ReauthenticationRequired
    from django.conf import settings

    seconds = settings.SIGNING_REAUTHENTICATION_SECONDS
    if not seconds:
        return
    at = last_authenticated_at(request)
    if at is None or time.time() - at > seconds:
        raise ReauthenticationRequired()


def _verified_mfa_in_session(request: HttpRequest, user) -> bool:
    from allauth.account.authentication import get_authentication_records

    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))

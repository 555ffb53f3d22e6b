"""Authentication of API calls: the session (pages and the interactive docs) or a personal
token (`Authorization: Bearer btp_…`). A token's scopes narrow what the call may do; the
permissions of the token's owner still decide which objects."""

from __future__ import annotations

import datetime
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer, SessionAuth

from accounts.permissions import Permission
from api.models import ApiToken, hash_token

# Writing last_used_at on every call would turn reads into writes; once a minute is enough.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        row = ApiToken.objects.usable().select_related("user").filter(key_hash=hash_token(token)).first()
        if row is None or not row.user.is_active:
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row
        return row.user


class Session(SessionAuth):
    """The logged-in session; unsafe methods need the CSRF token as on the pages."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            request.api_token = None
        return user


AUTH = [TokenAuth(), Session()]


def endpoint(perm: Permission, scope: str | None):
    """Declare and enforce an endpoint's permission (its roles) and the token scope it needs.

    The object-level check is the endpoint's own: `perm.get_object(...)` or `perm.queryset(...)`,
    exactly as on the pages. `scope` None: the endpoint needs no token scope (public)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not perm.public:
                token = getattr(request, "api_token", None)
                if token is not None and scope not in token.scopes:
                    raise AuthorizationError(message=_("The token lacks the scope %(scope)s.") % {"scope": scope})
                if not perm.allows(getattr(request, "user", AnonymousUser())):
                    raise AuthorizationError(message=_("You do not have access to this."))
            return view(request, *args, **kwargs)

        wrapped.permission = perm
        wrapped.token_scope = scope
        return wrapped

    return decorator

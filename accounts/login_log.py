"""Writing the login log (`LoginEvent`): every login, and every refused or failed attempt with its reason."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied

from accounts.models import LoginEvent, LoginOutcome

logger = logging.getLogger(__name__)


def record_login(
    request,
    *,
    method: str,
    user=None,
    reason: str = "",
    identifier: str = "",
    provider: str = "",
    assurance: str = "",
    detail: str = "",
) -> LoginEvent:
    """Write one event: a success when `reason` is empty, else a refusal for that `LoginRefusal` reason."""
    event = LoginEvent.objects.create(
        user=user if user is not None and user.pk else None,
        identifier=(identifier or (user.email if user is not None and user.pk else ""))[:200],
        method=method,
        provider=provider[:200],
        assurance=assurance[:200],
        outcome=LoginOutcome.REFUSED if reason else LoginOutcome.SUCCESS,
        reason=reason,
        detail=detail[:500],
        ip_address=_client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
    if reason:
        logger.info("login refused (%s) method=%s provider=%s %s", reason, method, provider, detail)
    return event


def _client_ip(request) -> str | None:
    # The same address allauth's rate limits count (it honours the configured trusted proxies).
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request) or None
    except PermissionDenied:
        return None

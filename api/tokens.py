"""Personal API tokens: made (the secret shown once), listed, revoked. Only the SHA-256 is kept."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken, Scope, hash_token
from core.errors import DomainError

#: A person may hold this many usable tokens at once (a leaked account cannot mint without end).
MAX_TOKENS = 20


@transaction.atomic
def create_token(user, *, name: str, scopes: list[str], expires_at=None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the secret, which is not stored and never shown again."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name."))
    unknown = set(scopes) - set(Scope.values)
    if not scopes or unknown:
        raise DomainError(_("Choose at least one scope."))
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(_("The expiry must be in the future."))
    if ApiToken.objects.usable().filter(user=user).count() >= MAX_TOKENS:
        raise DomainError(_("You have too many tokens; revoke one first."))
    secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:12],
        key_hash=hash_token(secret),
        scopes=[s for s in Scope.values if s in scopes],
        expires_at=expires_at,
    )
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is not None:
        raise DomainError(_("The token is already revoked."))
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())

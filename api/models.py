"""Personal API tokens (hashed at rest, scoped, revocable) and the identity of records that
travelled between installations (the portable record, `api.record`)."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "btp_"


class Scope(models.TextChoices):
    """What a token may be used for. A token never gives more than its owner's own permissions:
    the scope narrows, the owner's roles and their scope decide which objects."""

    READ_TRAINEES = "read:trainees", _("Read BT doctors, plans and placements")
    WRITE_TRAINEES = "write:trainees", _("Change the status of BT doctors")
    READ_ASSESSMENTS = "read:assessments", _("Read signed assessments")
    READ_CERTIFICATES = "read:certificates", _("Read readiness and issued certificates")
    READ_UNITS = "read:units", _("Read regions and units")
    READ_STATISTICS = "read:statistics", _("Read statistics (small counts suppressed)")


def hash_token(token: str) -> str:
    # Tokens are 256-bit random strings: a plain SHA-256 cannot be reversed or guessed.
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once, when made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("begins with"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_secret() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def scope_labels(self) -> list[str]:
        return [Scope(s).label if s in Scope.values else s for s in self.scopes]


class Installation(models.Model):
    """This installation's identity (one row, made on first use): the first part of the key of
    every record made here, so records from two installations never collide."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("installation")
        verbose_name_plural = _("installations")

    def __str__(self):
        return str(self.uuid)


class RecordKey(models.Model):
    """The origin key of an imported row: "<installation uuid>:<app.model>:<pk there>".

    Exporting again carries the same key, and importing again finds the row instead of making a
    second one (idempotent re-import, round trips between installations)."""

    model = models.CharField(max_length=100)
    object_id = models.BigIntegerField()
    key = models.CharField(max_length=200)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("record key")
        verbose_name_plural = _("record keys")
        constraints = [
            models.UniqueConstraint(fields=["model", "key"], name="record_key_unique_key"),
            models.UniqueConstraint(fields=["model", "object_id"], name="record_key_unique_object"),
        ]

    def __str__(self):
        return self.key

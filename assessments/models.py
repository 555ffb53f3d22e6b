"""Workplace-based assessments (kompetensvärdering): requests by one-time link or QR code,
signed assessments that never change (corrections are addenda), and trainee comments.

The instruments and their forms are defined in `assessments.instruments`.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.immutable import SignedQuerySet, SignedRecord


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class RequestStatus(models.TextChoices):
    """open → signed | cancelled | locked (too many wrong PINs); open/locked → open by re-sending.

    "Expired" is not stored: an open request whose `expires_at` has passed (re-sending renews it).
    The transitions live in `assessments.services`, one function each.
    """

    OPEN = "open", _("Waiting for the assessor")
    SIGNED = "signed", _("Signed")
    CANCELLED = "cancelled", _("Cancelled")
    LOCKED = "locked", _("Locked after wrong PINs")


class AssessmentRequest(models.Model):
    """A trainee's request to a named assessor (with or without an account).

    The link carries a random token; only its SHA-256 is stored. The request expires
    (`expires_at`); re-sending issues a new token and a new expiry. Signing without a login
    needs the short PIN that was emailed to the assessor, so a trainee holding the link
    (e.g. showing the QR code) cannot sign for the assessor.
    """

    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.CASCADE, related_name="assessment_requests")
    instrument = models.CharField(_("instrument"), max_length=32)
    placement = models.ForeignKey(
        "trainees.Placement",
        verbose_name=_("placement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    goals = models.ManyToManyField("goals.Goal", verbose_name=_("goals (delmål)"), blank=True, related_name="+")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessment_requests",
    )
    assessor_name = models.CharField(_("assessor's name"), max_length=200)
    assessor_email = models.EmailField(_("assessor's email"))
    message = models.TextField(_("message to the assessor"), blank=True, default="")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    pin_hash = models.CharField(max_length=64, editable=False, default="")
    pin_failures = models.PositiveSmallIntegerField(default=0, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords(excluded_fields=["token_hash", "pin_hash"])

    class Meta:
        verbose_name = _("assessment request")
        verbose_name_plural = _("assessment requests")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.instrument} {self.trainee} → {self.assessor_name}"

    @property
    def expired(self) -> bool:
        return self.status == RequestStatus.OPEN and self.expires_at <= timezone.now()

    @property
    def resendable(self) -> bool:
        return self.status in (RequestStatus.OPEN, RequestStatus.LOCKED)

    @property
    def instrument_name(self) -> str:
        from assessments.instruments import name_of

        return name_of(self.instrument)

    def get_absolute_url(self):
        return reverse("assessments:request_detail", args=[self.pk])


class AssessmentQuerySet(SignedQuerySet):
    def evidence(self):
        """Signed assessments that count as evidence: by a known supervisor, or by an assessor
        the huvudhandledare or a studierektor has confirmed (`AssessorCheck`)."""
        return self.filter(signed_at__isnull=False).filter(EVIDENCE)


#: An assessment counts when nobody has to confirm its assessor, or someone has.
EVIDENCE = Q(assessor_check__isnull=True) | Q(assessor_check__confirmed_at__isnull=False)


class Assessment(SignedRecord, models.Model):
    """A completed assessment. Once `signed_at` is set, nothing about it may change (the guard
    also refuses bulk updates and deletes of signed rows)."""

    signed_rows = Q(signed_at__isnull=False)
    refuse_change = _("A signed assessment cannot be changed; add an addendum instead.")
    refuse_delete = _("A signed assessment cannot be deleted.")

    SIGN_LOGIN = "login"
    SIGN_PIN = "pin"

    # What a signed assessment points to is protected: deleting it would change the signed row
    # (the database refuses that too, see the triggers in the migrations).
    request = models.OneToOneField(
        AssessmentRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="assessment"
    )
    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.PROTECT, related_name="assessments")
    instrument = models.CharField(_("instrument"), max_length=32)
    placement = models.ForeignKey(
        "trainees.Placement",
        verbose_name=_("placement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    goals = models.ManyToManyField(
        "goals.Goal", verbose_name=_("goals (delmål)"), blank=True, related_name="assessments"
    )
    performed_on = models.DateField(_("date"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments_given",
    )
    assessor_name = models.CharField(_("assessor's name"), max_length=200)
    assessor_email = models.EmailField(_("assessor's email"), blank=True, default="")
    ratings = models.JSONField(_("ratings"), default=dict)  # {item key: level 1–4, or 0 = not observed}
    overall = models.PositiveSmallIntegerField(_("overall level of independence"), null=True, blank=True)
    strengths = models.TextField(_("strengths"), blank=True, default="")
    development = models.TextField(_("what to develop"), blank=True, default="")
    comments = models.TextField(_("comments"), blank=True, default="")
    # Short text answers particular to an instrument (e.g. the procedure of a DOPS, the panel of
    # a specialistkollegium): {field key: text}; see assessments.instruments.
    details = models.JSONField(_("details"), default=dict, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    sign_method = models.CharField(max_length=8, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-performed_on", "-pk"]
        # Lists in this order (the API's, 50 a page) read the newest first from the index and stop,
        # instead of sorting every assessment the reader may see (a region's: 46,000; PostgreSQL 87 → 5 ms).
        indexes = [models.Index(fields=["-performed_on", "-id"], name="assessment_newest_first")]

    def __str__(self):
        return f"{self.instrument} {self.trainee} {self.performed_on}"

    def get_absolute_url(self):
        return reverse("assessments:detail", args=[self.pk])

    @property
    def signed(self) -> bool:
        return self.signed_at is not None

    @property
    def instrument_name(self) -> str:
        from assessments.instruments import name_of

        return name_of(self.instrument)

    @property
    def assessor_unverified(self) -> bool:
        """Signed by an address not known as a supervisor's, and not yet confirmed."""
        try:
            return self.assessor_check.confirmed_at is None
        except AssessorCheck.DoesNotExist:
            return False

    @property
    def counts_as_evidence(self) -> bool:
        return self.signed and not self.assessor_unverified

    @property
    def overall_label(self) -> str:
        from assessments.instruments import LEVEL_LABELS

        return str(LEVEL_LABELS.get(self.overall, "")) if self.overall is not None else ""


class Addendum(models.Model):
    """A correction or addition to a signed assessment, by its assessor or a supervisor."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=200)
    text = models.TextField(_("addendum"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("addendum")
        verbose_name_plural = _("addenda")
        ordering = ["assessment", "created_at"]

    def __str__(self):
        return f"{self.assessment} – {self.author_name}"


class TraineeComment(models.Model):
    """The trainee's own comment on an assessment (it does not change the assessment)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="trainee_comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trainee comment")
        verbose_name_plural = _("trainee comments")
        ordering = ["assessment", "created_at"]

    def __str__(self):
        return f"{self.assessment} – {self.author}"


class AssessorCheck(models.Model):
    """A signature by an address that is not known as a supervisor's (no supervisor account, not
    in the register): the assessment is kept, marked "assessor not verified", and counts as
    evidence only once the huvudhandledare or a studierektor confirms who the assessor is. A
    separate row, so the signed assessment itself never changes; once confirmed it never changes
    either, and it is never deleted (the database refuses both)."""

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="assessor_check")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("assessor confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("how the assessor was confirmed"), blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessor check")
        verbose_name_plural = _("assessor checks")

    def __str__(self):
        return f"{self.assessment}: {'confirmed' if self.confirmed_at else 'not verified'}"

"""Certificates: readiness overrides, external assessors, the final assessment and issued
documents (intyg PDFs with a verification code and the SHA-256 of the stored file)."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.immutable import SignedQuerySet, SignedRecord


class ReadinessOverride(models.Model):
    """The kansli lets the final assessment start despite errors, with a recorded reason."""

    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.CASCADE, related_name="readiness_overrides")
    reason = models.TextField(_("reason"))
    errors = models.JSONField(default=list)  # the error codes overridden, as they were
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.trainee} ({self.created_at:%Y-%m-%d})"


class FinalAssessment(SignedRecord, models.Model):
    """Slutbedömning by the huvudhandledare and the extern bedömare (Bilaga 4). Signed by both,
    it never changes."""

    signed_rows = Q(main_signed_at__isnull=False, external_signed_at__isnull=False)
    refuse_change = refuse_delete = _("The final assessment is signed by both and cannot be changed.")

    trainee = models.OneToOneField("trainees.Trainee", on_delete=models.PROTECT, related_name="final_assessment")
    assignment = models.ForeignKey("trainees.AssessorAssignment", null=True, on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    main_supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    main_verdict = models.BooleanField(_("main supervisor: all goals attained"), null=True)
    main_comment = models.TextField(blank=True, default="")
    main_signed_at = models.DateTimeField(null=True, blank=True)
    main_place = models.CharField(_("place (ort)"), max_length=80, blank=True, default="")
    external = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    external_verdict = models.BooleanField(_("external assessor: all goals attained"), null=True)
    external_comment = models.TextField(blank=True, default="")
    external_signed_at = models.DateTimeField(null=True, blank=True)
    external_place = models.CharField(_("place (ort)"), max_length=80, blank=True, default="")
    history = HistoricalRecords()

    objects = SignedQuerySet.as_manager()

    def __str__(self):
        return str(self.trainee)

    @property
    def complete(self) -> bool:
        return bool(self.main_signed_at and self.external_signed_at)

    @property
    def approved(self) -> bool:
        return self.complete and bool(self.main_verdict) and bool(self.external_verdict)


class GoalJudgement(SignedRecord, models.Model):
    """One assessor's judgement of one delmål; signed with that assessor's part of the final
    assessment."""

    MAIN = "main"
    EXTERNAL = "external"
    signed_rows = Q(by_role=MAIN, final__main_signed_at__isnull=False) | Q(
        by_role=EXTERNAL, final__external_signed_at__isnull=False
    )
    refuse_change = refuse_delete = _("A signed judgement cannot be changed.")

    final = models.ForeignKey(FinalAssessment, on_delete=models.PROTECT, related_name="judgements")
    goal = models.ForeignKey("goals.Goal", on_delete=models.PROTECT, related_name="+")
    by_role = models.CharField(max_length=8, choices=[(MAIN, _("Main supervisor")), (EXTERNAL, _("External assessor"))])
    attained = models.BooleanField(_("attained"))
    comment = models.TextField(_("comment"), blank=True, default="")

    class Meta:
        ordering = ["goal__number", "by_role"]
        constraints = [models.UniqueConstraint(fields=["final", "goal", "by_role"], name="one_judgement_per_goal_role")]

    objects = SignedQuerySet.as_manager()

    def __str__(self):
        return f"{self.goal_id} {self.by_role}: {self.attained}"

    def signed_in_database(self) -> bool:
        # Also a new row: no judgement is added to a part of the final assessment already signed.
        signed_at = "main_signed_at" if self.by_role == self.MAIN else "external_signed_at"
        return (
            super().signed_in_database()
            or FinalAssessment.objects.filter(pk=self.final_id, **{f"{signed_at}__isnull": False}).exists()
        )


class DocumentKind(models.TextChoices):
    BILAGA1 = "bilaga1", _("Bilaga 1 – application")
    BILAGA2 = "bilaga2", _("Bilaga 2 – goals (delmål)")
    BILAGA3 = "bilaga3", _("Bilaga 3 – completed service")
    BILAGA4 = "bilaga4", _("Bilaga 4 – achieved basic competence")


def new_code() -> str:
    # 20 characters from an unambiguous alphabet (~100 bits).
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(20))


def document_path(instance, filename: str) -> str:
    return f"certificates/{uuid.uuid4().hex}.pdf"


class IssuedDocument(SignedRecord, models.Model):
    """An issued intyg PDF. Immutable; only revocation (with a reason) is recorded.

    `attested` is what the document attests as it was when issued (the content, who signed and
    when; `certificates.issuing.attestation`) with its SHA-256: verification recomputes it from
    the data, so a document whose content changed afterwards (placements edited) no longer
    verifies."""

    signed_rows = None  # every issued document
    updatable_when_signed = frozenset({"revoked_at", "revoked_reason", "revoked_by"})
    refuse_change = _("An issued document cannot be changed.")
    refuse_delete = _("An issued document cannot be deleted; revoke it instead.")

    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.PROTECT, related_name="issued_documents")
    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices)
    code = models.CharField(_("verification code"), max_length=32, unique=True, default=new_code, editable=False)
    file = models.FileField(upload_to=document_path)
    sha256 = models.CharField(max_length=64, editable=False)
    attested = models.JSONField(_("attested content"), default=dict, editable=False)
    attested_sha256 = models.CharField(max_length=64, blank=True, default="", editable=False)
    service_signature = models.ForeignKey(
        "certificates.ServiceSignature", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_name = models.CharField(max_length=200)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True, default="")
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = SignedQuerySet.as_manager()

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "kind"]
        # The API's list pages newest issued first (api.main.IssuedFirstPagination) from this index.
        indexes = [models.Index(fields=["-issued_at", "-id"], name="issued_document_newest_first")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.subject_name} {self.code}"

    @property
    def valid(self) -> bool:
        return self.revoked_at is None


class ServiceSignature(SignedRecord, models.Model):
    """The verksamhetschef's signature of Bilaga 3 (intyg om fullgjord bastjänstgöring).

    Immutable. It covers the content it was made on (`content`, with its SHA-256): when the
    placements change afterwards the signature no longer matches and a new one is needed; the
    old one stays as a record."""

    signed_rows = None  # every signature
    refuse_change = _("A signature cannot be changed; sign again instead.")
    refuse_delete = _("A signature cannot be deleted.")

    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.PROTECT, related_name="service_signatures")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    signer_name = models.CharField(_("name"), max_length=200)
    signer_title = models.CharField(_("title"), max_length=120)
    workplace = models.CharField(_("workplace"), max_length=300, blank=True, default="")
    place = models.CharField(_("place"), max_length=80, blank=True, default="")
    content = models.JSONField(_("content signed"))
    content_sha256 = models.CharField(max_length=64)

    objects = SignedQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature of completed service (Bilaga 3)")
        verbose_name_plural = _("signatures of completed service (Bilaga 3)")
        ordering = ["-signed_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(content_sha256=""), name="service_signature_has_hash")]

    def __str__(self):
        return f"{self.signer_name} {self.signed_at:%Y-%m-%d}"

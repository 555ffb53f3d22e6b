"""Exports made in the background: a file for its owner to download when the job is done."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (xlsx)")
    CSV = "csv", _("CSV")


class ExportKind(models.TextChoices):
    COHORT = "cohort", _("Cohort dashboard")
    REGION_PLANS = "region_plans", _("Plans of a region")


def export_path(instance, filename: str) -> str:
    # A random name: the file is served only through the owner's download view, never by URL.
    return f"exports/{instance.token}/{filename}"


class Export(models.Model):
    """A large export made by a background job (`reports.tasks.make_export`). The parameters are
    the dashboard's query; the job applies the owner's permissions as they are when it runs."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("export"), max_length=16, choices=ExportKind.choices)
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    file = models.FileField(upload_to=export_path, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True, default="")
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.format}, {self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("reports:export_download", args=[self.token])

    @property
    def ready(self) -> bool:
        return self.status == ExportStatus.DONE and bool(self.file)


class TraineeFacts(models.Model):
    """The cohort dashboard's computed facts of one BT-läkare, stored so that sorting and filtering
    a cohort by them is one query (`reports.facts`). Computed by `reports.cohort.cohort_rows`, the
    same rows the dashboard shows; fresh while `version` is the record version
    (`trainees.versions`) and `computed_for` is today (months and due dates move with the day)."""

    # The BT-läkare's id, no relation: derived data, not part of the record (the record archive of
    # `api.record` leaves it behind). Rows of deleted BT-läkare are removed by refresh_cohort_facts;
    # until then they are never read (a cohort is a query of existing BT-läkare).
    trainee_id = models.PositiveBigIntegerField(primary_key=True)
    version = models.PositiveBigIntegerField()
    computed_for = models.DateField()
    # The name as the dashboard sorts it (lower-cased in Python: SQLite lowers ASCII letters only).
    last_name_key = models.CharField(max_length=150)
    first_name_key = models.CharField(max_length=150)
    phase = models.CharField(max_length=16)
    phase_order = models.PositiveSmallIntegerField()
    start_key = models.DateField()  # started_on, else the planned start
    completion_key = models.DateField()  # the expected completion, else date.max
    months_done = models.FloatField()
    goals_evidenced = models.PositiveSmallIntegerField()
    assessments_overdue = models.PositiveIntegerField()
    assessments_due = models.PositiveIntegerField()
    errors = models.PositiveIntegerField()
    warnings = models.PositiveIntegerField()
    supervisor_missing = models.BooleanField()
    needs_attention = models.BooleanField()

    class Meta:
        verbose_name = _("cohort facts of a BT doctor")
        verbose_name_plural = _("cohort facts of BT doctors")

    def __str__(self):
        return f"{self.trainee_id} v{self.version} ({self.computed_for})"

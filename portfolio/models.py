"""The BT-läkare's portfolio: the IUP (individual training plan) per delmål with every
revision kept, activities with evidence files and reflections, and supervision meetings."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class IUPStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")


class IUP(models.Model):
    """Individuell utbildningsplan: drafted by the trainee, approved by the huvudhandledare.

    "IUP started" = at least one delmål has planned activities; "IUP approved" = status
    approved (the intake checklist asks both).
    """

    trainee = models.OneToOneField("trainees.Trainee", on_delete=models.CASCADE, related_name="iup")
    status = models.CharField(_("status"), max_length=16, choices=IUPStatus.choices, default=IUPStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_comment = models.TextField(_("review comment"), blank=True, default="")
    version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("IUP")
        verbose_name_plural = _("IUPs")

    def __str__(self):
        return f"IUP {self.trainee}"

    @property
    def started(self) -> bool:
        return self.goal_plans.exclude(activities="").exists()

    @property
    def approved(self) -> bool:
        return self.status == IUPStatus.APPROVED


class IUPGoalPlan(models.Model):
    """For one delmål: the planned learning activities and how attainment will be checked."""

    iup = models.ForeignKey(IUP, on_delete=models.CASCADE, related_name="goal_plans")
    goal = models.ForeignKey("goals.Goal", verbose_name=_("goal (delmål)"), on_delete=models.PROTECT)
    activities = models.TextField(_("planned learning activities"), blank=True, default="")
    assessment_methods = models.TextField(_("how attainment will be checked"), blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("IUP goal plan")
        verbose_name_plural = _("IUP goal plans")
        ordering = ["iup", "goal__number"]
        constraints = [models.UniqueConstraint(fields=["iup", "goal"], name="iup_one_plan_per_goal")]

    def __str__(self):
        return f"{self.iup} {self.goal.code}"


class IUPEvent(models.TextChoices):
    """What made a revision: one value per transition of the IUP state machine."""

    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")
    REOPENED = "reopened", _("Changed after approval")


class IUPRevision(models.Model):
    """A frozen copy of the whole IUP at a submit, approval, return or reopening; never changed."""

    iup = models.ForeignKey(IUP, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    status = models.CharField(_("status"), max_length=16, choices=IUPStatus.choices)
    event = models.CharField(_("event"), max_length=16, choices=IUPEvent.choices, blank=True, default="")
    snapshot = models.JSONField(_("content"))  # [{"goal": "BT1", "activities": "...", "assessment_methods": "..."}]
    comment = models.TextField(_("comment"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("IUP revision")
        verbose_name_plural = _("IUP revisions")
        ordering = ["iup", "-number"]
        constraints = [models.UniqueConstraint(fields=["iup", "number"], name="iup_revision_unique_number")]

    def __str__(self):
        return f"{self.iup} rev. {self.number}"


class ActivityKind(models.TextChoices):
    CLINICAL = "clinical", _("Clinical service")
    COURSE = "course", _("Course")
    SEMINAR = "seminar", _("Seminar")
    SELF_STUDY = "self_study", _("Self-study")
    OTHER = "other", _("Other")


class Activity(models.Model):
    """A learning activity, dated and linked to delmål, with a reflection and evidence."""

    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    start = models.DateField(_("date"))
    end = models.DateField(_("end date"), null=True, blank=True)
    goals = models.ManyToManyField("goals.Goal", verbose_name=_("goals (delmål)"), related_name="activities")
    placement = models.ForeignKey(
        "trainees.Placement",
        verbose_name=_("placement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    reflection = models.TextField(_("reflection"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[goals])

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["trainee", "-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__lte=F("end")), name="activity_start_before_end"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portfolio:activity", args=[self.trainee_id, self.pk])


def evidence_path(instance, filename: str) -> str:
    # Never trust the uploaded name on disk: a random name, the original kept in the row.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{instance.activity.trainee_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file attached to an activity; served only to those who may see the trainee."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()  # uploads and removals are audited like every change

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["activity", "pk"]

    def __str__(self):
        return self.original_name


class SupervisionMeeting(models.Model):
    """Handledarsamtal: notes private to the trainee and their supervisors."""

    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.CASCADE, related_name="supervision_meetings")
    date = models.DateField(_("date"))
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notes"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision meeting")
        verbose_name_plural = _("supervision meetings")
        ordering = ["trainee", "-date"]

    def __str__(self):
        return f"{self.trainee} {self.date}"

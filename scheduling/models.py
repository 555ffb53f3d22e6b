"""Planning runs: a studierektor or kansli asks the cohort planner for a proposal; a background
job (scheduling.tasks, run by `manage.py db_worker`) solves the run and stores the result; people
review it and accept it per trainee or for all."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the planner")
    RUNNING = "running", _("Planning")
    DONE = "done", _("Proposal ready")
    FAILED = "failed", _("Failed")


#: The planner's methods in words (the form's choices and the run pages say the same).
METHOD_LABELS = {"cpsat": _("Optimise (CP-SAT)"), "greedy": _("Quick first fit (greedy)")}
#: The optimiser's result in words.
RESULT_LABELS = {
    "optimal": _("the best possible plan"),
    "feasible": _("a good plan (the time limit stopped the search for a better one)"),
    "infeasible": _("no plan fits the rules and the capacity"),
    "unknown": _("no plan found within the time limit"),
    "invalid": _("the planner could not read the input"),
}
#: A queued run that has not started after this many seconds is explained to the person waiting.
START_EXPECTED_SECONDS = 60


class PlanningRun(models.Model):
    region = models.ForeignKey("organisations.Region", on_delete=models.CASCADE, related_name="planning_runs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    method = models.CharField(_("method"), max_length=8, default="cpsat")
    time_limit = models.PositiveIntegerField(_("time limit (seconds)"), default=60)
    horizon_start = models.DateField(_("first month"))
    horizon_months = models.PositiveSmallIntegerField(_("number of months"), default=24)
    trainees = models.ManyToManyField("trainees.Trainee", verbose_name=_("BT doctors"), related_name="planning_runs")
    cohort = models.JSONField(_("planner input"), default=dict)
    result = models.JSONField(_("proposal"), null=True, blank=True)
    progress = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("planning run")
        verbose_name_plural = _("planning runs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.region} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("scheduling:run", args=[self.pk])

    @property
    def method_label(self) -> str:
        return str(METHOD_LABELS.get(self.method, self.method))

    @property
    def result_label(self) -> str:
        status = (self.result or {}).get("status", "")
        return str(RESULT_LABELS.get(status, status))

    @property
    def waiting_too_long(self) -> bool:
        """Queued for more than a minute: no planner has taken it (the background worker may be stopped)."""
        from django.utils import timezone

        return (
            self.status == RunStatus.QUEUED
            and (timezone.now() - self.created_at).total_seconds() > START_EXPECTED_SECONDS
        )

    @property
    def weights(self) -> list[tuple[str, int]]:
        """(label, weight) of each soft goal this run used (the planner's defaults where unset)."""
        from scheduling.objective import Weights

        chosen = (self.cohort or {}).get("weights") or {}
        defaults = Weights()
        return [(label, chosen.get(name, getattr(defaults, name))) for name, label in WEIGHT_LABELS]


WEIGHT_LABELS = (
    ("preference", _("wishes")),
    ("moves", _("moves")),
    ("idle", _("idle months")),
    ("late", _("late finish")),
    ("fairness", _("fair spread")),
)


class AcceptedProposal(models.Model):
    """A trainee's proposed placements that became real placements."""

    run = models.ForeignKey(PlanningRun, on_delete=models.CASCADE, related_name="accepted")
    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.CASCADE, related_name="+")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "trainee"], name="proposal_accepted_once")]

    def __str__(self):
        return f"{self.run_id}: {self.trainee}"


class ProposalEdit(models.Model):
    """A person's changes to one trainee's proposal, kept beside the planner's result.

    `assignments` are in the planner's format (`[{"unit", "category", "start": "YYYY-MM",
    "months"}]`); None means "the planner's proposal" (after a reset). The planner's result on
    the run is never changed, so one can always compare with it or go back to it. `version`
    only grows (a reset bumps it too), which makes the optimistic lock safe against a form
    loaded before a reset.
    """

    run = models.ForeignKey(PlanningRun, on_delete=models.CASCADE, related_name="edits")
    trainee = models.ForeignKey("trainees.Trainee", on_delete=models.CASCADE, related_name="+")
    assignments = models.JSONField(_("edited placements"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    edited_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("edited proposal")
        verbose_name_plural = _("edited proposals")
        constraints = [models.UniqueConstraint(fields=["run", "trainee"], name="proposal_edited_once")]

    def __str__(self):
        return f"{self.run} {self.trainee_id} v{self.version}"

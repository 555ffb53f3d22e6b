"""BT-läkare: registration, lifecycle, and the plan (placements, leave, credited service).

The plan is judged by the rules module (`trainees.services.check_plan`); nothing here
re-implements a regulation rule.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import categories, programmes


class BtType(models.TextChoices):
    STANDALONE = "fristaende", _("Standalone/regional BT")
    INTEGRATED = "integrerad", _("BT integrated in ST")


class TraineeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    DISCONTINUED = "discontinued", _("Discontinued")


class Trainee(models.Model):
    """A BT-läkare (foundation-year doctor) registered in a region."""

    user = models.OneToOneField(
        "accounts.User", verbose_name=_("person"), on_delete=models.PROTECT, related_name="trainee"
    )
    region = models.ForeignKey(
        "organisations.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="trainees"
    )
    home_unit = models.ForeignKey(
        "organisations.Unit", verbose_name=_("home unit"), on_delete=models.PROTECT, related_name="home_trainees"
    )
    bt_type = models.CharField(_("BT type"), max_length=16, choices=BtType.choices)
    st_specialty = models.CharField(_("ST specialty"), max_length=120, blank=True, default="")
    programme = models.CharField(
        _("programme"), max_length=40, default=programmes.FALLBACK, choices=programmes.programme_choices
    )
    status = models.CharField(_("status"), max_length=16, choices=TraineeStatus.choices, default=TraineeStatus.PLANNED)
    planned_start = models.DateField(_("planned start"))
    licence_date = models.DateField(_("date of licence (legitimation)"), null=True, blank=True)
    st_start = models.DateField(
        _("start of the ST employment"),
        null=True,
        blank=True,
        help_text=_(
            "For BT integrated in ST: BT should be finished within the first two years of ST, counted from here."
        ),
    )
    degree_country = models.CharField(_("country of medical degree"), max_length=80, blank=True, default="")
    degree_date = models.DateField(_("date of medical degree"), null=True, blank=True)
    main_supervisor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("main supervisor (huvudhandledare)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="main_supervised_trainees",
    )
    bt_end = models.DateField(
        _("end of BT period"), null=True, blank=True, help_text=_("Leave empty when the BT period is open-ended.")
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    # Optimistic lock for the plan: every plan change bumps it; a form posted with an older
    # version is refused instead of silently overwriting someone else's change.
    plan_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()  # the plan version too: every change of the plan is a row

    class Meta:
        verbose_name = _("BT doctor")
        verbose_name_plural = _("BT doctors")
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(bt_type="integrerad") | ~models.Q(st_specialty=""),
                name="trainee_integrated_has_specialty",
            )
        ]

    def __str__(self):
        return str(self.user)

    @property
    def programme_rules(self):
        """The trainee's programme from the rules module (the national one if the id is unknown):
        the one way to get it, so an unknown or removed programme is handled the same everywhere."""
        return programmes.load_or_fallback(self.programme)

    def get_absolute_url(self):
        return reverse("trainees:detail", args=[self.pk])


class OtherLicence(models.Model):
    """A licence (legitimation or equivalent proof of competence) from another country. Bilaga 1
    lists the Swedish licence (`Trainee.licence_date`) and up to two of these."""

    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="other_licences")
    country = models.CharField(_("country"), max_length=80)
    date = models.DateField(_("date of licence"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("licence in another country")
        verbose_name_plural = _("licences in other countries")
        ordering = ["trainee", "date", "pk"]

    def __str__(self):
        return f"{self.country} {self.date:%Y-%m-%d}"


#: Placement categories (from the rules module's enumeration).
PlanCategory = categories.PlanCategory


class Placement(models.Model):
    """A period of service (placering) at a unit, at an extent in % of full time."""

    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="placements")
    category = models.CharField(_("category"), max_length=16, choices=PlanCategory.choices)
    unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    extent = models.PositiveSmallIntegerField(
        _("extent (%)"), default=100, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    supervisor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("supervisor (handledare)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_placements",
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["trainee", "start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lte=F("end")), name="placement_start_before_end"),
            models.CheckConstraint(condition=Q(extent__gte=1, extent__lte=100), name="placement_extent_1_100"),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"


class LeaveKind(models.TextChoices):
    PARENTAL = "parental", _("Parental leave")
    SICK = "sick", _("Sick leave")
    UNPAID = "unpaid", _("Unpaid leave")
    VACATION = "vacation", _("Vacation")


class Leave(models.Model):
    """Absence during BT. Parental, sick and unpaid leave must be made up; vacation need not."""

    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="leave")
    kind = models.CharField(_("kind"), max_length=16, choices=LeaveKind.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        ordering = ["trainee", "start", "pk"]
        constraints = [models.CheckConstraint(condition=Q(start__lte=F("end")), name="leave_start_before_end")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"


class CreditKind(models.TextChoices):
    FOREIGN = "foreign", _("Service abroad")
    BEFORE_LICENCE = "before_licence", _("Service before licence")


class Credit(models.Model):
    """Earlier service credited toward BT (tillgodoräknande) after individual assessment."""

    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="credits")
    category = models.CharField(_("category"), max_length=16, choices=PlanCategory.choices)
    months = models.DecimalField(
        _("full-time months"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0.01), MaxValueValidator(24)],
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CreditKind.choices)
    note = models.CharField(_("decision / note"), max_length=200, blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credited service")
        verbose_name_plural = _("credited service")
        ordering = ["trainee", "pk"]
        constraints = [models.CheckConstraint(condition=Q(months__gt=0), name="credit_months_positive")]

    def __str__(self):
        return f"{self.months} {self.get_category_display()} ({self.get_kind_display()})"


class StatusChange(models.Model):
    """One transition of a trainee's lifecycle, with its date and reason."""

    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=16, choices=TraineeStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=TraineeStatus.choices)
    on = models.DateField(_("date"))
    reason = models.TextField(_("reason"), blank=True, default="")
    changed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["trainee", "-created_at", "-pk"]

    def __str__(self):
        return f"{self.trainee}: {self.from_status} → {self.to_status} ({self.on})"


class WishStrength(models.IntegerChoices):
    STRONG_WISH = 3, _("Strongly wish")
    WISH = 1, _("Wish")
    AVOID = -2, _("Would rather avoid")


class UnitWish(models.Model):
    """A BT-läkare's wish to be placed at (or to avoid) a unit. The cohort planner weighs it
    (`scheduling.planning.build_cohort`); it is a wish, not a promise."""

    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="unit_wishes")
    unit = models.ForeignKey("organisations.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    strength = models.SmallIntegerField(_("wish"), choices=WishStrength.choices)
    updated_by = models.ForeignKey(
        "accounts.User", verbose_name=_("changed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("placement wish")
        verbose_name_plural = _("placement wishes")
        ordering = ["trainee", "-strength", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["trainee", "unit"], name="unit_wish_once")]

    def __str__(self):
        return f"{self.trainee}: {self.unit} ({self.get_strength_display()})"


class AssessorAssignment(models.Model):
    """An extern bedömare assigned to one trainee: read-only portfolio access while valid."""

    trainee = models.ForeignKey(Trainee, on_delete=models.CASCADE, related_name="assessor_assignments")
    assessor = models.ForeignKey(
        "accounts.ApprovedAssessor",
        verbose_name=_("external assessor"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    valid_from = models.DateField(_("access from"))
    valid_to = models.DateField(_("access until"))
    conflicts = models.JSONField(_("conflicts found"), default=list, blank=True)
    conflict_reason = models.TextField(_("reason for assigning despite conflicts"), blank=True, default="")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("external assessor assignment")
        verbose_name_plural = _("external assessor assignments")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_from__lte=F("valid_to")), name="assignment_from_before_to")
        ]

    def __str__(self):
        return f"{self.assessor} → {self.trainee} ({self.valid_from}–{self.valid_to})"

    def is_valid_on(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.valid_from <= day <= self.valid_to


class TraineeRecordVersion(models.Model):
    """The version of a BT-läkare's record (`trainees.versions`): bumped with every audited change
    of it. Not audited itself, and keyed by the BT-läkare's id without a relation: it is derived
    data, not part of the record (the record archive of `api.record` leaves it behind), and it
    outlives a deleted BT-läkare on purpose (see `trainees.versions`)."""

    trainee_id = models.PositiveBigIntegerField(primary_key=True)
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.trainee_id} v{self.version}"

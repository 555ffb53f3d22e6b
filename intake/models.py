"""Intake: a region's rounds (April, November), positions for standalone BT, applications and
the admission checklist (Bilaga 1 in seed 004).

The workflow lives in `intake.services` (one function per transition); the checklist is
computed by `intake.checklist`. Every change to an application is audited (simple-history).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.personnummer import validate_personnummer
from trainees.models import BtType


class Round(models.Model):
    """One intake round of a region (by default in April and November)."""

    region = models.ForeignKey(
        "organisations.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="intake_rounds"
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("For example “April 2027”."))
    opens_on = models.DateField(_("applications open"))
    closes_on = models.DateField(_("applications close"))
    bt_start = models.DateField(_("BT starts"), help_text=_("Planned start of BT for those admitted in this round."))
    places = models.PositiveSmallIntegerField(_("number of places"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic locking (core.forms.VersionedModelForm): every edit through a form claims the next version.
    version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("intake round")
        verbose_name_plural = _("intake rounds")
        ordering = ["-opens_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(opens_on__lte=F("closes_on")), name="intake_round_opens_before_closes"),
            models.UniqueConstraint(fields=["region", "name"], name="intake_round_unique_name"),
        ]

    def __str__(self):
        return f"{self.name} ({self.region})"

    def get_absolute_url(self):
        return reverse("intake:round", args=[self.pk])


class Position(models.Model):
    """A post for standalone BT in a round (e.g. VGR's regional posts with their hospital)."""

    round = models.ForeignKey(Round, verbose_name=_("intake round"), on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(_("title"), max_length=160)
    unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("hospital or unit"),
        on_delete=models.PROTECT,
        related_name="intake_positions",
    )
    places = models.PositiveSmallIntegerField(_("number of places"), default=1, validators=[MinValueValidator(1)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["round", "title", "pk"]

    def __str__(self):
        return f"{self.title} – {self.unit}"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHECKLIST_COMPLETE = "checklist_complete", _("Checklist complete")
    ADMITTED = "admitted", _("Admitted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Application(models.Model):
    """An application to a round. The applicant may have no account yet: their person data is
    kept here until admission registers them (`intake.services.admit`)."""

    round = models.ForeignKey(
        Round, verbose_name=_("intake round"), on_delete=models.PROTECT, related_name="applications"
    )
    bt_type = models.CharField(_("BT type"), max_length=16, choices=BtType.choices)
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("home unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intake_applications",
        help_text=_("For BT integrated in ST: the ST doctor's unit. For standalone BT: the hospital of the position."),
    )
    st_specialty = models.CharField(_("ST specialty"), max_length=120, blank=True, default="")
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("email"))
    personnummer = models.CharField(_("personnummer"), max_length=12, validators=[validate_personnummer])
    phone = models.CharField(_("telephone"), max_length=40, blank=True, default="")
    # An ST doctor who already has a BT record (e.g. with assessments and an IUP): the
    # computed checklist items are read from it, and admission updates it instead of
    # registering a new person.
    trainee = models.ForeignKey(
        "trainees.Trainee",
        verbose_name=_("existing BT record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intake_applications",
    )
    credited_st_months = models.DecimalField(
        _("ST service credited before BT (months)"),
        max_digits=4,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(12)],
        help_text=_("An ST doctor may have up to a year of ST credited before BT."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True, default="")
    # Admitted with checklist items missing: each item with the reason recorded in the decision
    # ([{"item", "label", "reason"}]); empty when the checklist was complete.
    admitted_without = models.JSONField(_("checklist items missing at admission"), default=list, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    admitted_trainee = models.ForeignKey(
        "trainees.Trainee",
        verbose_name=_("registered BT record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=20, blank=True, default="")
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic locking (core.forms.VersionedModelForm): every edit through a form claims the next version.
    version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["round", "last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "personnummer"], name="intake_application_unique_person"),
            models.CheckConstraint(
                condition=Q(credited_st_months__gte=0, credited_st_months__lte=12), name="intake_credit_at_most_a_year"
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self):
        return reverse("intake:application", args=[self.pk])

    def matching_users(self):
        """Registered people with the same personnummer or email (flagged as possible duplicates)."""
        from accounts.models import User

        people = User.objects.filter(Q(personnummer=self.personnummer) | Q(email__iexact=self.email))
        if self.trainee_id:
            people = people.exclude(pk=self.trainee.user_id)
        return people


class ChecklistItem(models.TextChoices):
    """Bilaga 1 (seed 004) and what recruitment records. Computed items are never ticked by hand."""

    LANGUAGE = "language", _("Language test and any supplementary language training done")
    CONTRACT = "contract", _("ST/BT contract drawn up")
    ASSESSMENTS = (
        "assessments",
        _("Four documented assessments (Mini-CEX, DOPS, CBD, specialistkollegium), at least one specialistkollegium"),
    )
    IUP = "iup", _("Individual training plan (IUP) started")
    STATEMENT = "statement", _("Supervisor's statement (handledarutlåtande) covering the eight areas")
    MEDICAL_LEVEL = "medical_level", _("Assessment of medical level")
    REFERENCES = "references", _("References taken")
    CRIMINAL_RECORD = "criminal_record", _("Check against the criminal-records register done")


COMPUTED_ITEMS = (ChecklistItem.ASSESSMENTS, ChecklistItem.IUP, ChecklistItem.STATEMENT)
MANUAL_ITEMS = tuple(i for i in ChecklistItem if i not in COMPUTED_ITEMS)


class Confirmation(models.Model):
    """A checklist item confirmed by hand: who and when. For the criminal-records check only the
    fact and the date are recorded — never its content (there is deliberately no free text)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="confirmations")
    item = models.CharField(_("item"), max_length=20, choices=[(i.value, i.label) for i in MANUAL_ITEMS])
    done_on = models.DateField(_("done on"))
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    confirmed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("confirmed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist confirmation")
        verbose_name_plural = _("checklist confirmations")
        ordering = ["application", "item"]
        constraints = [
            models.UniqueConstraint(fields=["application", "item"], name="intake_one_confirmation_per_item"),
            models.CheckConstraint(
                condition=~Q(item="criminal_record") | Q(note=""), name="intake_criminal_record_without_content"
            ),
        ]

    def __str__(self):
        return f"{self.application}: {self.item}"


STATEMENT_AREAS = (
    ("medical_knowledge", _("Medical knowledge (theory and practical application)")),
    (
        "independence",
        _("Independence (history, examination, investigation and treatment plan, dictation, prescriptions)"),
    ),
    ("communication", _("Communication (patients, colleagues, language)")),
    ("quality_safety", _("Quality and safety (guidelines, hygiene, infection control)")),
    ("scientific_approach", _("Scientific approach (appraising medical information)")),
    ("ethics", _("Ethics and attitude to patients")),
    ("leadership", _("Leadership and collaboration")),
    ("laws", _("Laws and regulations (records, certificates, confidentiality)")),
)


class SupervisorStatement(models.Model):
    """Handledarutlåtande: the supervisor's statement on the eight areas of Bilaga 1."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="statement")
    supervisor_name = models.CharField(_("supervisor"), max_length=200)
    given_on = models.DateField(_("date of the statement"))
    medical_knowledge = models.TextField(STATEMENT_AREAS[0][1], blank=True, default="")
    independence = models.TextField(STATEMENT_AREAS[1][1], blank=True, default="")
    communication = models.TextField(STATEMENT_AREAS[2][1], blank=True, default="")
    quality_safety = models.TextField(STATEMENT_AREAS[3][1], blank=True, default="")
    scientific_approach = models.TextField(STATEMENT_AREAS[4][1], blank=True, default="")
    ethics = models.TextField(STATEMENT_AREAS[5][1], blank=True, default="")
    leadership = models.TextField(STATEMENT_AREAS[6][1], blank=True, default="")
    laws = models.TextField(STATEMENT_AREAS[7][1], blank=True, default="")
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervisor's statement")
        verbose_name_plural = _("supervisor's statements")

    def __str__(self):
        return f"{self.application}: {self.supervisor_name}"

    def missing_areas(self) -> list:
        return [label for key, label in STATEMENT_AREAS if not getattr(self, key).strip()]

    @property
    def complete(self) -> bool:
        return not self.missing_areas()

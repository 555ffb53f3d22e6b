"""Quality reviews of BT units (SPUR for BT) and the BT-läkare's evaluations of their placements.

The criteria are data: a `Catalogue` (versioned) of areas A–H with statements, each binding
(föreskrift) or advice (allmänt råd) with its source. A review keeps the catalogue it started with.

Anonymity: a `PlacementEvaluation` and a `SurveyResponse` carry no link to the person who answered,
no timestamp and a random primary key (no insertion order to line up with anything), and no history
(a history row would record who saved it and when). What *is* audited is the invitation: that a link
was issued and used (`EvaluationInvitation.answered_at`, the "has answered" marker the reminder needs).
Results are read only through `quality.anonymity`.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Catalogue(models.Model):
    """One version of the criteria catalogue. A catalogue in use by a review is never changed:
    a new version is made (`services.copy_catalogue`)."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    is_current = models.BooleanField(_("current"), default=False, help_text=_("New reviews start with it."))
    note = models.TextField(_("note"), blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criteria catalogue")
        verbose_name_plural = _("criteria catalogues")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_catalogue")
        ]

    def __str__(self):
        return f"{self.title} ({self.version})"

    @property
    def in_use(self) -> bool:
        return self.reviews.exists()


class Area(models.Model):
    """An area of review (A Verksamheten … H Ledarskap och kommunikation)."""

    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=2)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review area")
        verbose_name_plural = _("review areas")
        ordering = ["catalogue", "code"]
        constraints = [models.UniqueConstraint(fields=["catalogue", "code"], name="area_code_unique_in_catalogue")]

    def __str__(self):
        return f"{self.code} {self.title}"


class StatementKind(models.TextChoices):
    BINDING = "binding", _("Binding (föreskrift)")
    ADVICE = "advice", _("Advice (allmänt råd)")


class SurveyRole(models.TextChoices):
    VERKSAMHETSCHEF = "verksamhetschef", _("Head of unit")
    STUDIEREKTOR = "studierektor", _("Director of studies")
    HANDLEDARE = "handledare", _("Supervisor")
    BT_LAKARE = "bt_lakare", _("BT doctor")


class Statement(models.Model):
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="statements")
    code = models.CharField(_("code"), max_length=8)
    text = models.TextField(_("statement"))
    kind = models.CharField(_("kind"), max_length=8, choices=StatementKind.choices)
    source = models.CharField(_("source"), max_length=200)
    roles = models.JSONField(
        _("asked of"), default=list, blank=True, help_text=_("Survey roles that answer this statement.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["area__code", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="statement_code_unique_in_area")]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"


class ReviewState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SURVEYS_OPEN = "surveys_open", _("Surveys open")
    DOCUMENTS_IN = "documents_in", _("Documents in")
    VISIT = "visit", _("Visit")
    PRELIMINARY = "preliminary", _("Preliminary report")
    CALIBRATED = "calibrated", _("Calibrated")
    PUBLISHED = "published", _("Published")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


#: The order of the cycle: each state's only successor.
NEXT_STATE = dict(zip(ReviewState.values[:-1], ReviewState.values[1:], strict=True))
#: States in which the report is published (listed nationally, seen by the unit).
PUBLISHED_STATES = (ReviewState.PUBLISHED, ReviewState.FOLLOW_UP, ReviewState.CLOSED)


class Review(models.Model):
    """A SPUR-style review of one unit's BT."""

    unit = models.ForeignKey(
        "organisations.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reviews"
    )
    catalogue = models.ForeignKey(
        Catalogue, verbose_name=_("criteria catalogue"), on_delete=models.PROTECT, related_name="reviews"
    )
    state = models.CharField(_("state"), max_length=16, choices=ReviewState.choices, default=ReviewState.PLANNED)
    period_start = models.DateField(_("period reviewed from"))
    period_end = models.DateField(_("period reviewed to"))
    visit_date = models.DateField(_("visit"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True, default="")
    calibration_note = models.TextField(_("calibration note"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    report_pdf = models.FileField(_("report"), upload_to="quality/reports/", blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(period_start__lte=models.F("period_end")), name="review_period_order")
        ]

    def __str__(self):
        return f"{self.unit} {self.period_start:%Y}–{self.period_end:%Y}"

    @property
    def is_published(self) -> bool:
        return self.state in PUBLISHED_STATES


class ReviewerAssignment(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reviewers")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    conflicts = models.JSONField(_("conflicts found"), default=list, blank=True)
    conflict_reason = models.TextField(_("reason for assigning despite conflicts"), blank=True, default="")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reviewer assignment")
        verbose_name_plural = _("reviewer assignments")
        constraints = [models.UniqueConstraint(fields=["review", "reviewer"], name="reviewer_once_per_review")]

    def __str__(self):
        return f"{self.reviewer} – {self.review}"


class SurveyLink(models.Model):
    """A single-use link to a review's survey for one role; only the token's SHA-256 is stored."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="survey_links")
    role = models.CharField(_("role"), max_length=16, choices=SurveyRole.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    used = models.BooleanField(_("answered"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")

    def __str__(self):
        return f"{self.review} – {self.get_role_display()}"


class SurveyResponse(models.Model):
    """One anonymous answer to a review's survey: no person, no time, a random key, no history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="survey_responses")
    role = models.CharField(_("role"), max_length=16, choices=SurveyRole.choices)
    comment = models.TextField(_("comment"), blank=True, default="")

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self):
        return f"{self.review} – {self.get_role_display()}"


class Agreement(models.IntegerChoices):
    DISAGREE = 1, _("Disagree")
    PARTLY_DISAGREE = 2, _("Partly disagree")
    PARTLY_AGREE = 3, _("Partly agree")
    AGREE = 4, _("Agree")


class SurveyAnswer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(choices=Agreement.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "statement"], name="one_answer_per_statement"),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=4), name="answer_value_1_4"),
        ]

    def __str__(self):
        return f"{self.statement.code}: {self.value}"


class SteeringDocument(models.Model):
    """A steering document the studierektor sends in before the visit."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="quality/documents/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("steering document")
        verbose_name_plural = _("steering documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title


class NoteKind(models.TextChoices):
    VISIT = "visit", _("Visit note")
    INTERVIEW = "interview", _("Interview note")


class VisitNote(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("kind"), max_length=16, choices=NoteKind.choices)
    interviewed_role = models.CharField(
        _("interviewed"), max_length=16, choices=SurveyRole.choices, blank=True, default=""
    )
    text = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("visit note")
        verbose_name_plural = _("visit notes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class Grade(models.TextChoices):
    A = "A", _("A – really good (riktigt bra)")
    B = "B", _("B – good (bra)")
    C = "C", _("C – needs improvement (behöver förbättras)")
    D = "D", _("D – not approved (underkänt)")


class AreaFinding(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="area_findings")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    text = models.TextField(_("assessment"), blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("area finding")
        verbose_name_plural = _("area findings")
        ordering = ["area__code"]
        constraints = [models.UniqueConstraint(fields=["review", "area"], name="one_finding_per_area")]

    def __str__(self):
        return f"{self.area.code}: {self.grade}"


class Fulfilment(models.TextChoices):
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")


class ActionKind(models.TextChoices):
    NONE = "", _("None")
    REQUIREMENT = "requirement", _("Requirement")
    RECOMMENDATION = "recommendation", _("Recommendation")


class StatementFinding(models.Model):
    """A statement judged: met / partly / not met, with a requirement or a recommendation; a
    requirement is followed up until its remedy is accepted."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="statement_findings")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="+")
    fulfilment = models.CharField(_("fulfilment"), max_length=8, choices=Fulfilment.choices)
    action = models.CharField(_("action"), max_length=16, choices=ActionKind.choices, blank=True, default="")
    action_text = models.TextField(_("requirement or recommendation"), blank=True, default="")
    due_date = models.DateField(_("remedy due"), null=True, blank=True)
    evidence = models.TextField(_("evidence of the remedy"), blank=True, default="")
    evidence_file = models.FileField(_("evidence file"), upload_to="quality/evidence/", blank=True, default="")
    evidence_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    remedied_at = models.DateTimeField(_("remedy accepted"), null=True, blank=True)
    remedy_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("statement finding")
        verbose_name_plural = _("statement findings")
        ordering = ["statement__area__code", "statement__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "statement"], name="one_finding_per_statement"),
            models.CheckConstraint(
                condition=~Q(action="requirement") | Q(due_date__isnull=False), name="requirement_has_due_date"
            ),
        ]

    @property
    def is_open_requirement(self) -> bool:
        return self.action == ActionKind.REQUIREMENT and self.remedied_at is None

    def __str__(self):
        return f"{self.statement.code}: {self.get_fulfilment_display()}"


class EvaluationInvitation(models.Model):
    """The BT-läkare's invitation to evaluate one placement: single use, bound to the placement,
    only the token's hash stored. `answered_at` is the "has answered" marker (for the home page and
    the reminder); it is never joined to the evaluation itself."""

    placement = models.OneToOneField(
        "trainees.Placement", on_delete=models.CASCADE, related_name="evaluation_invitation"
    )
    token_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    issued_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = _("evaluation invitation")
        verbose_name_plural = _("evaluation invitations")
        constraints = [
            models.UniqueConstraint(fields=["token_hash"], condition=~Q(token_hash=""), name="evaluation_token_unique")
        ]

    def __str__(self):
        return str(self.placement)


def _score(label):
    return models.PositiveSmallIntegerField(label, validators=[MinValueValidator(1), MaxValueValidator(5)])


class PlacementEvaluation(models.Model):
    """A BT-läkare's anonymous evaluation of a placement: the unit and the year it ended, nothing more
    about who or when (see the module's docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    unit = models.ForeignKey("organisations.Unit", on_delete=models.PROTECT, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("year the placement ended"))
    supervision = _score(_("supervision"))
    learning_climate = _score(_("learning climate"))
    patient_responsibility = _score(_("own patient responsibility"))
    workload = _score(_("reasonable workload"))
    # Codes of the delmål (BT1…BT18), not a many-to-many: the rows of a join table would be numbered in the
    # order they were written, an order that could be lined up with the invitations' answer times.
    goals = models.JSONField(_("delmål reachable"), default=list, blank=True)
    free_text = models.TextField(_("free text"), blank=True, default="")

    SCORES = ("supervision", "learning_climate", "patient_responsibility", "workload")

    class Meta:
        verbose_name = _("placement evaluation")
        verbose_name_plural = _("placement evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(supervision__gte=1, supervision__lte=5)
                & Q(learning_climate__gte=1, learning_climate__lte=5)
                & Q(patient_responsibility__gte=1, patient_responsibility__lte=5)
                & Q(workload__gte=1, workload__lte=5),
                name="evaluation_scores_1_5",
            )
        ]

    def __str__(self):
        return f"{self.unit} {self.year}"

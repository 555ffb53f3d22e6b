"""People: the user account, role assignments with scope and validity, supervisor profiles."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts import personnummer as pnr


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


#: An HSA-id: the country code, the issuing organisation's number, a dash and the serial (SE2321000131-P000000123456).
validate_hsa_id = RegexValidator(
    r"^[A-Z]{2}[0-9]{10}-[0-9A-Za-z]+$", _("Enter an HSA-id such as SE2321000131-P000000123456.")
)


class User(AbstractUser):
    """A person who logs in with their email address."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    personnummer = models.CharField(
        _("personnummer"),
        max_length=12,
        blank=True,
        default="",
        help_text=_("Swedish personnummer or samordningsnummer, stored as 12 digits."),
    )
    # The person's HSA-id in the national directory (e.g. SE2321000131-P000000123456): the region's identity
    # provider may give it instead of, or beside, the personnummer.
    hsa_id = models.CharField(
        _("HSA-id"),
        max_length=64,
        blank=True,
        default="",
        validators=[validate_hsa_id],
        help_text=_(
            "The person's HSA-id, e.g. SE2321000131-P000000123456. Used to match a login through the region's identity provider."
        ),
    )
    phone = models.CharField(_("telephone"), max_length=40, blank=True, default="")
    work_phone = models.CharField(_("telephone at work"), max_length=40, blank=True, default="")
    # Postal address: asked for by the application to Socialstyrelsen (Bilaga 1).
    street_address = models.CharField(_("street address"), max_length=200, blank=True, default="")
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True, default="")
    city = models.CharField(_("city"), max_length=100, blank=True, default="")

    objects = UserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["personnummer"], condition=~Q(personnummer=""), name="user_personnummer_unique"
            ),
            models.UniqueConstraint(fields=["hsa_id"], condition=~Q(hsa_id=""), name="user_hsa_id_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def personnummer_masked(self) -> str:
        return pnr.masked(self.personnummer)

    @property
    def personnummer_display(self) -> str:
        return pnr.formatted(self.personnummer)


class Role(models.TextChoices):
    BT_LAKARE = "bt_lakare", _("BT doctor")
    HANDLEDARE = "handledare", _("Supervisor")
    HUVUDHANDLEDARE = "huvudhandledare", _("Main supervisor")
    STUDIEREKTOR = "studierektor", _("Director of studies")
    VERKSAMHETSCHEF = "verksamhetschef", _("Head of unit")
    KANSLI = "kansli", _("BT office")
    EXTERN_BEDOMARE = "extern_bedomare", _("External assessor")
    GRANSKARE = "granskare", _("Quality reviewer")
    KOORDINATOR = "koordinator", _("National quality coordinator")
    ADMIN = "admin", _("Administrator")


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class RoleAssignment(models.Model):
    """A role held by a user, limited to a scope (a region or a unit subtree) and a period.

    Scope by role: kansli → region; studierektor, verksamhetschef → unit (and the units below);
    granskare → unit or region under review; handledare, huvudhandledare, extern_bedomare → the
    trainees they are assigned to (a unit may be given as their workplace); bt_lakare → self;
    admin → everything.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "organisations.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        "organisations.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="role_valid_from_before_to",
            )
        ]

    def __str__(self):
        scope = self.unit or self.region or ""
        return f"{self.user} – {self.get_role_display()} {scope}".strip()

    def is_active(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)


class SupervisorProfile(models.Model):
    """A handledare's qualifications: the rules module judges whether they may supervise."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="supervisor_profile")
    specialty = models.CharField(_("specialty"), max_length=120, blank=True, default="")
    specialist_since = models.DateField(_("specialist since"), null=True, blank=True)
    supervisor_training_date = models.DateField(_("supervisor training (handledarutbildning)"), null=True, blank=True)
    bt_supervisor_training_date = models.DateField(
        _("BT supervisor training (BT-handledarutbildning)"), null=True, blank=True
    )
    workplace = models.ForeignKey(
        "organisations.Unit", verbose_name=_("workplace"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # Optimistic locking (core.forms.VersionedModelForm): every edit through a form claims the next version.
    version = models.PositiveIntegerField(default=0, editable=False)
    # A personal signing PIN the supervisor sets once (a password hash): they sign an assessment
    # face to face on any device with it, without opening the email with the request's PIN.
    signing_pin = models.CharField(max_length=128, blank=True, default="", editable=False)
    history = HistoricalRecords(excluded_fields=["signing_pin"])

    class Meta:
        verbose_name = _("supervisor profile")
        verbose_name_plural = _("supervisor profiles")

    def __str__(self):
        return f"{self.user} ({self.specialty})" if self.specialty else str(self.user)

    @property
    def is_specialist(self) -> bool:
        return self.specialist_since is not None

    @property
    def has_supervisor_training(self) -> bool:
        return self.supervisor_training_date is not None

    @property
    def has_bt_supervisor_training(self) -> bool:
        return self.bt_supervisor_training_date is not None


class ApprovedAssessor(models.Model):
    """The region's register of approved external assessors (extern bedömare)."""

    user = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="assessor_registrations",
    )
    region = models.ForeignKey(
        "organisations.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="approved_assessors"
    )
    specialty = models.CharField(_("specialty"), max_length=120)
    training_date = models.DateField(_("date of assessor training"))
    workplace = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("workplace"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)
    # Optimistic locking (core.forms.VersionedModelForm): every edit through a form claims the next version.
    version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approved external assessor")
        verbose_name_plural = _("approved external assessors")
        ordering = ["user__last_name", "user__first_name"]
        constraints = [models.UniqueConstraint(fields=["user", "region"], name="assessor_once_per_region")]

    def __str__(self):
        return f"{self.user} ({self.specialty})"


# ---------------------------------------------------------------------------
# A person's choices about the email they get (reminders, language)
# ---------------------------------------------------------------------------

DEFAULT_LEAD_DAYS = 7


class NotificationSetting(models.Model):
    """A person's choices; people without a row get the defaults (reminders on, 7 days ahead)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="notification_setting")
    email_reminders = models.BooleanField(
        _("email reminders"),
        default=True,
        help_text=_("Emails about assessments that are due soon or overdue."),
    )
    lead_days = models.PositiveSmallIntegerField(
        _("days of notice"),
        default=DEFAULT_LEAD_DAYS,
        validators=[MaxValueValidator(60)],
        help_text=_("How many days before an assessment is due you want a reminder."),
    )
    language = models.CharField(
        _("language of emails"),
        max_length=8,
        blank=True,
        default="",
        choices=settings.LANGUAGES,
        help_text=_("Empty: Swedish."),
    )

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return str(self.user)


def settings_for(user) -> NotificationSetting:
    """The stored setting, or an unsaved one with the defaults."""
    try:
        return user.notification_setting
    except NotificationSetting.DoesNotExist:
        return NotificationSetting(user=user)


def language_for(user) -> str:
    """The language of emails to this person (the site default when they chose none)."""
    if user is None or not getattr(user, "pk", None):
        return settings.LANGUAGE_CODE
    return settings_for(user).language or settings.LANGUAGE_CODE


# ---------------------------------------------------------------------------
# The login log: every login and every refused or failed attempt
# ---------------------------------------------------------------------------


class LoginMethod(models.TextChoices):
    PASSWORD = "password", _("Password")
    PASSWORD_MFA = "password_mfa", _("Password and two-factor code")
    IDP = "idp", _("Identity provider")


class LoginOutcome(models.TextChoices):
    SUCCESS = "success", _("Logged in")
    REFUSED = "refused", _("Refused")


class LoginRefusal(models.TextChoices):
    """Why a login was refused (the reason is stored; the person saw a message saying as much as is safe)."""

    WRONG_CREDENTIALS = "wrong_credentials", _("Wrong email address or password")
    RATE_LIMITED = "rate_limited", _("Too many failed attempts")
    INACTIVE = "inactive", _("Account inactive")
    PASSWORD_LOGIN_OFF = "password_login_off", _("Password login is switched off for staff")
    UNKNOWN_PERSON = "unknown_person", _("No account with this personnummer or HSA-id")
    AMBIGUOUS_PERSON = "ambiguous_person", _("Personnummer and HSA-id belong to different accounts")
    NO_IDENTITY = "no_identity", _("The identity provider gave neither personnummer nor HSA-id")
    ASSURANCE_TOO_LOW = "assurance_too_low", _("Assurance level too low")
    IDP_ERROR = "idp_error", _("Invalid or refused answer from the identity provider")
    CANCELLED = "cancelled", _("Cancelled at the identity provider")


class LoginEvent(models.Model):
    """One login or attempt. Written by the login adapters (accounts/adapters.py), read in the Django admin."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL, related_name="login_events"
    )
    # Who tried: the email typed, or what the identity provider said (personnummer masked, HSA-id).
    identifier = models.CharField(_("identifier"), max_length=200, blank=True, default="")
    method = models.CharField(_("method"), max_length=20, choices=LoginMethod.choices)
    provider = models.CharField(_("identity provider"), max_length=200, blank=True, default="")
    assurance = models.CharField(_("assurance level"), max_length=200, blank=True, default="")
    outcome = models.CharField(_("outcome"), max_length=10, choices=LoginOutcome.choices)
    reason = models.CharField(_("reason"), max_length=30, blank=True, default="", choices=LoginRefusal.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True, default="")
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("login event")
        verbose_name_plural = _("login events")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="success", reason="") | (Q(outcome="refused") & ~Q(reason="")),
                name="login_event_reason_iff_refused",
            )
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_method_display()} {self.get_outcome_display()}"

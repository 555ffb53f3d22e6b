"""BT-läkare: registration data and lifecycle. Plans and placements build on this."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
    programme = models.CharField(_("programme"), max_length=40, default="national")
    status = models.CharField(_("status"), max_length=16, choices=TraineeStatus.choices, default=TraineeStatus.PLANNED)
    planned_start = models.DateField(_("planned start"))
    licence_date = models.DateField(_("date of licence (legitimation)"), null=True, blank=True)
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
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

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

    def get_absolute_url(self):
        return reverse("trainees:detail", args=[self.pk])

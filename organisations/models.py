"""Regions and their units (förvaltning/sjukhus → klinik/vårdcentral) with BT capacity."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import programmes
from core.categories import UnitCategory


class Region(models.Model):
    """One of Sweden's 21 regions."""

    code = models.CharField(_("code"), max_length=8, unique=True, help_text=_("Two-digit county code, e.g. 14."))
    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    programme = models.CharField(
        _("BT programme"),
        max_length=40,
        default=programmes.FALLBACK,
        choices=programmes.programme_choices,
        help_text=_("The region's programme template in the rules module."),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisations:region", args=[self.slug])


class UnitKind(models.TextChoices):
    ADMINISTRATION = "forvaltning", _("Administration (förvaltning)")
    HOSPITAL = "sjukhus", _("Hospital")
    CLINIC = "klinik", _("Clinic")
    HEALTH_CENTRE = "vardcentral", _("Health centre (vårdcentral)")
    OTHER = "annan", _("Other")


#: The category of BT service a unit provides (from the rules module's enumeration).
PlacementCategory = UnitCategory


class UnitQuerySet(models.QuerySet):
    def subtree(self, unit: "Unit"):
        """The unit and every unit below it (one query thanks to the materialised path)."""
        return self.filter(path__startswith=unit.path)


class Unit(models.Model):
    """A place in the care organisation. Units form a tree; `path` materialises it."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices, default=UnitKind.CLINIC)
    category = models.CharField(
        _("placement category"), max_length=16, choices=PlacementCategory.choices, blank=True, default=""
    )
    bt_capacity = models.PositiveSmallIntegerField(
        _("BT capacity per month"), default=0, help_text=_("How many BT doctors the unit can take each month.")
    )
    hsa_id = models.CharField(_("HSA-id"), max_length=64, blank=True, default="")
    active = models.BooleanField(_("active"), default=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    history = HistoricalRecords(excluded_fields=["path"])

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["region__name", "path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "parent", "name"], name="unit_unique_name_in_parent"),
            models.UniqueConstraint(fields=["hsa_id"], condition=~Q(hsa_id=""), name="unit_hsa_id_unique"),
        ]

    def __str__(self):
        return f"{self.parent.name} – {self.name}" if self.parent_id and self.parent else self.name

    def get_absolute_url(self):
        return reverse("organisations:unit", args=[self.pk])

    def clean(self):
        if self.parent_id:
            if self.parent.region_id != self.region_id:
                raise ValidationError({"parent": _("A unit must be in the same region as the unit it belongs to.")})
            if self.pk and self.parent.path.startswith(self.path or "\0"):
                raise ValidationError({"parent": _("A unit cannot belong to itself or to a unit below it.")})

    def save(self, *args, **kwargs):
        old_path = self.path
        super().save(*args, **kwargs)
        new_path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        if new_path != self.path:
            self.path = new_path
            Unit.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:
                # Moved: re-root the subtree below it.
                for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    Unit.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old_path) :])

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)

    def capacity_in(self, month: datetime.date) -> int:
        override = self.capacities.filter(month=month.replace(day=1)).first()
        return override.capacity if override else self.bt_capacity


class UnitCapacity(models.Model):
    """An exception to a unit's monthly BT capacity for one month (e.g. summer)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="capacities")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    capacity = models.PositiveSmallIntegerField(_("capacity"))

    class Meta:
        verbose_name = _("monthly capacity")
        verbose_name_plural = _("monthly capacities")
        ordering = ["unit", "month"]
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="unit_capacity_one_per_month")]

    def __str__(self):
        return f"{self.unit} {self.month:%Y-%m}: {self.capacity}"

"""The national BT delmål (goals), versioned by regulation. Source data: rules/data."""

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Goal(models.Model):
    """A delmål of the BT målbeskrivning, e.g. BT1, in the version of one regulation."""

    regulation = models.CharField(_("regulation"), max_length=32, default="HSLF-FS 2021:8")
    code = models.CharField(_("id"), max_length=8)
    number = models.PositiveSmallIntegerField(_("number"))
    title_sv = models.CharField(_("title (Swedish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    # [{"sv": "...", "en": "..."}] — the kompetenskrav of the delmål.
    requirements = models.JSONField(_("competence requirements"), default=list)

    class Meta:
        verbose_name = _("goal (delmål)")
        verbose_name_plural = _("goals (delmål)")
        ordering = ["regulation", "number"]
        constraints = [models.UniqueConstraint(fields=["regulation", "code"], name="goal_unique_per_regulation")]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("goals:detail", args=[self.code])

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "sv").startswith("en") else self.title_sv

    @property
    def requirement_texts(self) -> list[str]:
        key = "en" if (get_language() or "sv").startswith("en") else "sv"
        return [item.get(key) or item.get("sv", "") for item in self.requirements]


def sync_goals_from_rules(goal_model, regulation: str) -> int:
    """Create or update the goals of `regulation` from the rules module's data.

    Used by the data migration (with the historical model) and safe to call again.
    """
    import rules

    count = 0
    for number, goal in enumerate(rules.goals(regulation), start=1):
        goal_model.objects.update_or_create(
            regulation=regulation,
            code=goal.id,
            defaults={
                "number": number,
                "title_sv": goal.title_sv,
                "title_en": goal.title_en,
                "requirements": [{"sv": r.sv, "en": r.en} for r in goal.requirements],
            },
        )
        count += 1
    return count

"""Placement wishes: where a BT-läkare would like to serve (or would rather not). The cohort
planner weighs them as soft preferences; the whole set is saved at once (all or nothing) and a
form posted over someone else's newer change is refused."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.locking import check_version
from organisations.models import PlacementCategory, Unit
from trainees.models import Trainee, UnitWish, WishStrength

MAX_WISHES = 6  # wishes (strength > 0); more would say nothing
MAX_AVOID = 3


def wishable_categories(trainee: Trainee) -> list[str]:
    """The unit categories the trainee's programme lets a plan use (asked of the rules module)."""
    allowed = trainee.programme_rules.allowed_categories
    return [c for c in PlacementCategory.values if c in allowed]


def wishable_units(trainee: Trainee):
    """Active units of the trainee's region of a category their programme uses, in tree order."""
    return (
        Unit.objects.filter(region_id=trainee.region_id, active=True, category__in=wishable_categories(trainee))
        .select_related("parent")
        .order_by("category", "path")
    )


def current(trainee: Trainee) -> dict[int, int]:
    return dict(UnitWish.objects.filter(trainee=trainee).values_list("unit_id", "strength"))


def stale_message() -> str:
    return _("Someone else changed these wishes while you were editing them. Reload the page and try again.")


def version(wishes: dict[int, int]) -> int:
    """The version of the saved wishes, for optimistic locking (`core.locking`): a fingerprint of
    the set (there is no version column; the set is small and read anyway)."""
    text = ",".join(f"{unit}:{strength}" for unit, strength in sorted(wishes.items()))
    return int(hashlib.sha256(text.encode()).hexdigest()[:15], 16)


@transaction.atomic
def save_wishes(trainee: Trainee, wishes: dict[int, int], *, by, expected_version: int | None) -> None:
    """Replace the trainee's wishes with `wishes` {unit id: strength}; 0 or missing = none.
    A stale `expected_version` (see `version`) raises StaleEdit and changes nothing."""
    # The trainee row is the lock: the check holds until the new set is saved.
    Trainee.objects.select_for_update().only("pk").get(pk=trainee.pk)
    check_version(version(current(trainee)), expected_version, message=stale_message())
    wishes = {unit: strength for unit, strength in wishes.items() if strength}
    if any(strength not in WishStrength.values for strength in wishes.values()):
        raise DomainError(_("Choose one of the offered wishes for each unit."))
    allowed = set(wishable_units(trainee).filter(pk__in=wishes).values_list("pk", flat=True))
    if set(wishes) - allowed:
        raise DomainError(_("Wishes can only be given for active units of your region that take BT placements."))
    if sum(1 for s in wishes.values() if s > 0) > MAX_WISHES:
        raise DomainError(_("Give at most %(count)s wishes.") % {"count": MAX_WISHES})
    if sum(1 for s in wishes.values() if s < 0) > MAX_AVOID:
        raise DomainError(_("Name at most %(count)s units to avoid.") % {"count": MAX_AVOID})
    existing = {w.unit_id: w for w in UnitWish.objects.filter(trainee=trainee)}
    for unit_id, wish in existing.items():
        if unit_id not in wishes:
            wish.delete()
    for unit_id, strength in wishes.items():
        wish = existing.get(unit_id)
        if wish is None:
            UnitWish.objects.create(trainee=trainee, unit_id=unit_id, strength=strength, updated_by=by)
        elif wish.strength != strength:
            wish.strength, wish.updated_by = strength, by
            wish.save(update_fields=["strength", "updated_by", "updated_at"])


def planner_preferences(trainees, unit_ids) -> dict[int, list[dict]]:
    """{trainee id: [{"unit": "<unit id>", "weight": strength}]} for the cohort planner: the
    wishes for units in the planner's input (`unit_ids`) of a category the programme uses."""
    by_trainee = {t.pk: t for t in trainees}
    categories = {t.pk: set(wishable_categories(t)) for t in trainees}
    out: dict[int, list[dict]] = {}
    for trainee_id, unit_id, category, strength in (
        UnitWish.objects.filter(trainee_id__in=by_trainee, unit_id__in=unit_ids)
        .values_list("trainee_id", "unit_id", "unit__category", "strength")
        .order_by("trainee_id", "unit_id")
    ):
        if category in categories[trainee_id]:
            out.setdefault(trainee_id, []).append({"unit": str(unit_id), "weight": strength})
    return out

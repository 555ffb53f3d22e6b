"""The placement categories as Django choices, made from the rules module's one enumeration.

`rules.CATEGORIES` (and `rules.UNIT_CATEGORIES`, those a unit provides) are the ids; their names are
`rules.messages.CATEGORY_NAMES`, translated here. Model fields use these choices; code compares with
the members (`PlanCategory.PRIMARY_CARE == "primarvard"`).
"""

from django.db import models
from django.utils.translation import gettext_lazy

import rules
from rules.messages import CATEGORY_NAMES

_MEMBER_NAMES = {
    rules.model.INTRODUCTION: "INTRODUCTION",
    rules.model.EMERGENCY_CARE: "EMERGENCY_CARE",
    rules.model.PRIMARY_CARE: "PRIMARY_CARE",
    rules.model.PSYCHIATRY: "PSYCHIATRY",
    rules.model.ELECTIVE: "ELECTIVE",
    rules.model.OTHER: "OTHER",
}


def _choices(name: str, ids: tuple[str, ...]) -> type[models.TextChoices]:
    members = [(_MEMBER_NAMES[c], (c, gettext_lazy(CATEGORY_NAMES[c]))) for c in ids]
    choices = models.TextChoices(name, members)
    choices.__module__ = __name__
    return choices


#: Every placement category of a plan.
PlanCategory = _choices("PlanCategory", rules.CATEGORIES)
#: The category of BT service a unit provides.
UnitCategory = _choices("UnitCategory", rules.UNIT_CATEGORIES)

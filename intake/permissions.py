"""Who runs intake rounds and who applies for integrated BT at their unit."""

from django.db.models import Q, QuerySet

from accounts.models import Role
from accounts.permissions import Permission
from intake.models import Application, BtType, Round
from organisations.permissions import manageable_units, regions_covered

INTAKE_MANAGER_ROLES = frozenset({Role.KANSLI, Role.STUDIEREKTOR})
APPLICANT_ROLES = frozenset(INTAKE_MANAGER_ROLES | {Role.VERKSAMHETSCHEF, Role.ADMIN})


def intake_regions(user) -> QuerySet:
    """Regions whose intake rounds the user runs (kansli, studierektor; admin everywhere)."""
    return regions_covered(user, INTAKE_MANAGER_ROLES)


def managed_rounds(user) -> QuerySet:
    return Round.objects.filter(region__in=MANAGE.queryset(user))


def managed_applications(user) -> QuerySet:
    return Application.objects.filter(round__region__in=MANAGE.queryset(user))


def editable_applications(user) -> QuerySet:
    """Applications of the rounds the user runs, and applications for integrated BT at units the
    user manages (a head of unit registers their own ST doctors)."""
    at_units = Q(unit__in=APPLY.queryset(user), bt_type=BtType.INTEGRATED)
    return Application.objects.filter(Q(round__region__in=MANAGE.queryset(user)) | at_units)


def rounds_open_to(user) -> QuerySet:
    """Rounds the user may register applications to: those they run, and those of the regions where
    they manage a unit (a head of unit applies for integrated BT at their unit)."""
    units = APPLY.queryset(user)
    return Round.objects.filter(Q(region__in=MANAGE.queryset(user)) | Q(region__in=units.values("region_id")))


#: The object is the Region of a round.
MANAGE = Permission("intake.manage", roles=INTAKE_MANAGER_ROLES | {Role.ADMIN}, scope=intake_regions)
#: A round of those regions (the object is the Round).
MANAGE_ROUND = Permission("intake.manage_round", roles=MANAGE.roles, scope=managed_rounds)
#: An application in those rounds (the object is the Application).
MANAGE_APPLICATION = Permission("intake.manage_application", roles=MANAGE.roles, scope=managed_applications)
#: Applications for integrated BT at one's own unit (the object is the Unit).
APPLY = Permission("intake.apply", roles=APPLICANT_ROLES, scope=manageable_units)
#: An application the user may open and edit: as its round's manager or its unit's head.
EDIT_APPLICATION = Permission("intake.edit_application", roles=APPLICANT_ROLES, scope=editable_applications)
#: A round the user may register an application to (the object is the Round).
APPLY_TO_ROUND = Permission("intake.apply_to_round", roles=APPLICANT_ROLES, scope=rounds_open_to)

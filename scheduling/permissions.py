"""Who may plan a cohort (the object is the Region of the planning run)."""

from accounts.models import Role
from accounts.permissions import Permission
from organisations.permissions import regions_covered

PLANNER_ROLES = frozenset({Role.KANSLI, Role.STUDIEREKTOR, Role.ADMIN})


def planning_regions(user):
    """Regions where the user plans, by their planner roles only (a granskare role elsewhere adds nothing)."""
    return regions_covered(user, PLANNER_ROLES)


PLAN = Permission("scheduling.plan", roles=PLANNER_ROLES, scope=planning_regions)

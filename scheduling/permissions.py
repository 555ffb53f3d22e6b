"""Who may plan a cohort, and whom.

Two objects: the Region of a planning run (PLAN: the run list, a run's page) and each BT-läkare in it
(PLAN_TRAINEE: start a run for them, see their name and proposal, edit, reset or accept it). Both are
scoped by the planner roles only — a granskare or verksamhetschef role elsewhere adds nothing — and a
trainee is the user's to plan when their home unit is in the scope of one of those roles: a studierektor
whose scope is one hospital sees the region's runs, but acts only on (and sees the names of) the BT-läkare
of that hospital.
"""

from accounts.models import Role
from accounts.permissions import Permission, is_admin, is_authenticated, unit_scope
from organisations.permissions import in_units, regions_covered
from trainees.models import Trainee

PLANNER_ROLES = frozenset({Role.KANSLI, Role.STUDIEREKTOR, Role.ADMIN})


def planning_regions(user):
    """Regions where the user plans, by their planner roles only (a granskare role elsewhere adds nothing)."""
    return regions_covered(user, PLANNER_ROLES)


def planning_trainees(user):
    """BT-läkare whose placements the user may plan: home unit within a planner role's own scope."""
    if not is_authenticated(user):
        return Trainee.objects.none()
    if is_admin(user):
        return Trainee.objects.all()
    return Trainee.objects.filter(in_units("home_unit", *unit_scope(user, PLANNER_ROLES)))


PLAN = Permission("scheduling.plan", roles=PLANNER_ROLES, scope=planning_regions)
PLAN_TRAINEE = Permission("scheduling.plan_trainee", roles=PLANNER_ROLES, scope=planning_trainees)

"""Who may see and manage which BT-läkare.

A trainee is followed by: themself (bt_lakare), their huvudhandledare (`Trainee.main_supervisor`),
the handledare of their placements (`Placement.supervisor`), an extern bedömare while assigned
(`AssessorAssignment`), and the staff whose units (home unit or a placement's unit) are in scope.
"""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import (
    ALL_ROLES,
    MANAGER_ROLES,
    QUALITY_ROLES,
    STAFF_ROLES,
    SUPERVISOR_ROLES,
    Permission,
    is_admin,
    is_authenticated,
    roles_of,
    unit_scope,
)
from organisations.models import Region
from organisations.permissions import in_units, manageable_units
from trainees.models import AssessorAssignment, Placement, Trainee


def assigned_as_external(user, on: datetime.date | None = None) -> QuerySet:
    """Trainee ids assigned to the user as extern bedömare, within the assignment's validity."""
    on = on or timezone.localdate()
    return AssessorAssignment.objects.filter(assessor__user=user, valid_from__lte=on, valid_to__gte=on).values(
        "trainee_id"
    )


def manageable_trainees(user) -> QuerySet:
    """Trainees whose record and plan the user may change: home unit in their scope."""
    if not is_authenticated(user):
        return Trainee.objects.none()
    if is_admin(user):
        return Trainee.objects.all()
    return Trainee.objects.filter(in_units("home_unit", *unit_scope(user, MANAGER_ROLES)))


def visible_trainees(user) -> QuerySet:
    """Trainees the user may see: their own record, those they supervise (as huvudhandledare
    or in a placement) or assess, and those whose home unit or a placement unit is in their scope.

    Asked as one IN over a UNION of the ways in, each a plain indexed lookup, rather than an OR of them:
    PostgreSQL answers an OR holding IN-subqueries by reading every BT-läkare and every placement (a
    region office at national scale: ~50 ms per query), the UNION from the indexes (~4 ms)."""
    if not is_authenticated(user):
        return Trainee.objects.none()
    if is_admin(user):
        return Trainee.objects.all()
    region_ids, unit_paths = unit_scope(user, MANAGER_ROLES)
    ways = [
        Trainee.objects.filter(user=user).order_by().values("pk"),
        Trainee.objects.filter(main_supervisor=user).order_by().values("pk"),
        Placement.objects.filter(supervisor=user).order_by().values("trainee_id"),
        assigned_as_external(user).order_by(),
    ]
    if region_ids or unit_paths:
        ways += [
            Trainee.objects.filter(in_units("home_unit", region_ids, unit_paths)).order_by().values("pk"),
            Placement.objects.filter(in_units("unit", region_ids, unit_paths)).order_by().values("trainee_id"),
        ]
    return Trainee.objects.filter(pk__in=ways[0].union(*ways[1:]))


def own_trainee(user) -> QuerySet:
    """The user's own BT record (a BT-läkare edits their own portfolio)."""
    return Trainee.objects.filter(user=user) if is_authenticated(user) else Trainee.objects.none()


def wish_trainees(user) -> QuerySet:
    """Whose placement wishes the user may set: their own, or those whose plan they manage."""
    own = own_trainee(user) if Role.BT_LAKARE in roles_of(user) else own_trainee(user).none()
    return (own | manageable_trainees(user)).distinct()


def main_supervised_trainees(user) -> QuerySet:
    if is_admin(user):
        return Trainee.objects.all()
    if not is_authenticated(user):
        return Trainee.objects.none()
    return Trainee.objects.filter(main_supervisor=user)


VIEW_TRAINEE = Permission("trainees.view_trainee", roles=ALL_ROLES - QUALITY_ROLES, scope=visible_trainees)
LIST_TRAINEES = Permission("trainees.list_trainees", roles=STAFF_ROLES | SUPERVISOR_ROLES, scope=visible_trainees)
REGISTER = Permission("trainees.register", roles=MANAGER_ROLES | {Role.ADMIN}, scope=manageable_units)
HISTORY_ROLES = frozenset({Role.STUDIEREKTOR, Role.KANSLI, Role.ADMIN})


def history_trainees(user) -> QuerySet:
    """Whose history (who changed what) the user may read: the BT-läkare whose home unit is in
    their studierektor or kansli scope; the admin every one."""
    if not is_authenticated(user):
        return Trainee.objects.none()
    if is_admin(user):
        return Trainee.objects.all()
    return Trainee.objects.filter(in_units("home_unit", *unit_scope(user, {Role.STUDIEREKTOR, Role.KANSLI})))


#: A BT-läkare's history page (reports.history reads it from every app).
HISTORY = Permission("trainees.history", roles=HISTORY_ROLES, scope=history_trainees)
EDIT_PLAN = Permission("trainees.edit_plan", roles=MANAGER_ROLES | {Role.ADMIN}, scope=manageable_trainees)
EDIT_WISHES = Permission(
    "trainees.edit_wishes", roles=MANAGER_ROLES | {Role.BT_LAKARE, Role.ADMIN}, scope=wish_trainees
)
IMPORT = Permission("trainees.import", roles={Role.KANSLI, Role.STUDIEREKTOR, Role.ADMIN}, scope=manageable_units)


def all_regions(user) -> QuerySet:
    return Region.objects.all()


#: Statistics without personal data (small counts suppressed, `trainees.statistics`): every staff role and
#: the quality reviewers read every region's figures and the national ones (the object is the Region). The
#: pages (reports) and the API serve the same figures under this one permission.
STATISTICS = Permission("trainees.statistics", roles=STAFF_ROLES | QUALITY_ROLES, scope=all_regions)

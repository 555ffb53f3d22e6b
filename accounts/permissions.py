"""The one object-level permission layer.

Every view declares a permission with `@permission("name")` (or `@public`). A permission has
two parts:
- *who may ask at all*: a set of roles (checked by the decorator, before the view runs);
- *which objects*: a scoped queryset. An object is allowed exactly when it is in the user's
  scoped queryset, so list pages (which filter by the same queryset) and detail pages agree.

Views fetch objects through `get_object_for(user, perm, queryset, **lookup)`, which answers 404
for a missing object and 403 for one outside the user's scope.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role, RoleAssignment

PUBLIC = "public"
AUTHENTICATED = "authenticated"

STAFF_ROLES = {Role.KANSLI, Role.STUDIEREKTOR, Role.VERKSAMHETSCHEF, Role.ADMIN}
SUPERVISOR_ROLES = {Role.HANDLEDARE, Role.HUVUDHANDLEDARE}


# ---------------------------------------------------------------------------
# Role look-ups (cached on the user object for the duration of a request)
# ---------------------------------------------------------------------------


def active_assignments(user, on: datetime.date | None = None) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False):
        return []
    on = on or timezone.localdate()
    cache = getattr(user, "_bt_assignments", None)
    if cache is None or cache[0] != on:
        rows = list(RoleAssignment.objects.active(on).filter(user=user).select_related("region", "unit"))
        cache = (on, rows)
        user._bt_assignments = cache
    return cache[1]


def roles_of(user) -> set[str]:
    roles = {a.role for a in active_assignments(user)}
    if getattr(user, "is_superuser", False):
        roles.add(Role.ADMIN)
    return roles


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def _scopes(user, roles: Iterable[str]) -> tuple[set[int], list[str]]:
    """Region ids and unit paths the user's assignments of `roles` cover."""
    region_ids: set[int] = set()
    unit_paths: list[str] = []
    for a in active_assignments(user):
        if a.role not in roles:
            continue
        if a.unit_id:
            unit_paths.append(a.unit.path)
        elif a.region_id:
            region_ids.add(a.region_id)
    return region_ids, unit_paths


def _unit_q(prefix: str, region_ids: set[int], unit_paths: list[str]) -> Q:
    q = Q(pk__in=[])
    if region_ids:
        q |= Q(**{f"{prefix}region_id__in": region_ids})
    for path in unit_paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


# ---------------------------------------------------------------------------
# Scoped querysets: the single definition of "which objects may this user see"
# ---------------------------------------------------------------------------


def visible_regions(user) -> QuerySet:
    from organisations.models import Region, Unit

    if is_admin(user):
        return Region.objects.all()
    region_ids, unit_paths = _scopes(user, {Role.KANSLI, Role.STUDIEREKTOR, Role.VERKSAMHETSCHEF, Role.GRANSKARE})
    q = Q(pk__in=region_ids)
    if unit_paths:
        unit_q = Q(pk__in=[])
        for path in unit_paths:
            unit_q |= Q(path__startswith=path)
        q |= Q(pk__in=Unit.objects.filter(unit_q).values("region_id"))
    return Region.objects.filter(q)


def visible_units(user) -> QuerySet:
    from organisations.models import Unit

    if is_admin(user):
        return Unit.objects.all()
    region_ids, unit_paths = _scopes(user, {Role.KANSLI, Role.STUDIEREKTOR, Role.VERKSAMHETSCHEF, Role.GRANSKARE})
    return Unit.objects.filter(_unit_q("", region_ids, unit_paths))


MANAGER_ROLES = {Role.KANSLI, Role.STUDIEREKTOR, Role.VERKSAMHETSCHEF}


def manageable_units(user) -> QuerySet:
    """Units where the user may register BT-läkare and manage their plans."""
    from organisations.models import Unit

    if is_admin(user):
        return Unit.objects.all()
    region_ids, unit_paths = _scopes(user, MANAGER_ROLES)
    return Unit.objects.filter(_unit_q("", region_ids, unit_paths))


def manageable_trainees(user) -> QuerySet:
    """Trainees whose record and plan the user may change: home unit in their scope."""
    from trainees.models import Trainee

    if not getattr(user, "is_authenticated", False):
        return Trainee.objects.none()
    if is_admin(user):
        return Trainee.objects.all()
    region_ids, unit_paths = _scopes(user, MANAGER_ROLES)
    return Trainee.objects.filter(_unit_q("home_unit__", region_ids, unit_paths))


def visible_trainees(user) -> QuerySet:
    """Trainees the user may see: their own record, those they supervise (as huvudhandledare
    or in a placement), and those whose home unit or a placement unit is in their scope."""
    from trainees.models import Placement, Trainee

    if not getattr(user, "is_authenticated", False):
        return Trainee.objects.none()
    if is_admin(user):
        return Trainee.objects.all()
    region_ids, unit_paths = _scopes(user, MANAGER_ROLES)
    hosted = Placement.objects.filter(Q(supervisor=user) | _unit_q("unit__", region_ids, unit_paths))
    q = (
        Q(user=user)
        | Q(main_supervisor=user)
        | _unit_q("home_unit__", region_ids, unit_paths)
        | Q(pk__in=hosted.values("trainee_id"))
        | Q(pk__in=_assigned_as_external(user))
    )
    return Trainee.objects.filter(q)


def own_trainee(user) -> QuerySet:
    """The user's own BT record (a BT-läkare edits their own portfolio)."""
    from trainees.models import Trainee

    return Trainee.objects.filter(user=user) if getattr(user, "is_authenticated", False) else Trainee.objects.none()


def wish_trainees(user) -> QuerySet:
    """Whose placement wishes the user may set: their own, or those whose plan they manage."""
    own = own_trainee(user) if Role.BT_LAKARE in roles_of(user) else own_trainee(user).none()
    return (own | manageable_trainees(user)).distinct()


def main_supervised_trainees(user) -> QuerySet:
    from trainees.models import Trainee

    if is_admin(user):
        return Trainee.objects.all()
    return Trainee.objects.filter(main_supervisor=user)


def supervision_circle(user) -> QuerySet:
    """Trainees whose private supervision notes the user may read: their own, or as
    huvudhandledare or handledare of one of their placements."""
    from trainees.models import Placement, Trainee

    if not getattr(user, "is_authenticated", False):
        return Trainee.objects.none()
    if is_admin(user):
        return Trainee.objects.all()
    supervised = Placement.objects.filter(supervisor=user).values("trainee_id")
    return Trainee.objects.filter(Q(user=user) | Q(main_supervisor=user) | Q(pk__in=supervised))


def visible_supervisors(user) -> QuerySet:
    from accounts.models import SupervisorProfile

    if not getattr(user, "is_authenticated", False):
        return SupervisorProfile.objects.none()
    if is_admin(user):
        return SupervisorProfile.objects.all()
    region_ids, unit_paths = _scopes(user, {Role.KANSLI, Role.STUDIEREKTOR, Role.VERKSAMHETSCHEF})
    return SupervisorProfile.objects.filter(Q(user=user) | _unit_q("workplace__", region_ids, unit_paths))


# ---------------------------------------------------------------------------
# Certificates (issue 5): external assessors, readiness, final assessment, issuing
# ---------------------------------------------------------------------------


def _assigned_as_external(user, on: datetime.date | None = None):
    """Trainee ids assigned to the user as extern bedömare, within the assignment's validity."""
    from trainees.models import AssessorAssignment

    on = on or timezone.localdate()
    return AssessorAssignment.objects.filter(assessor__user=user, valid_from__lte=on, valid_to__gte=on).values(
        "trainee_id"
    )


def certificate_trainees(user) -> QuerySet:
    """Readiness and certificates: the trainee, their huvudhandledare, managers of their units,
    and an extern bedömare during the assignment (exactly the visible trainees)."""
    return visible_trainees(user)


def kansli_trainees(user) -> QuerySet:
    """Trainees whose certificates the BT office (kansli) of their region handles."""
    from trainees.models import Trainee

    if not getattr(user, "is_authenticated", False):
        return Trainee.objects.none()
    if is_admin(user):
        return Trainee.objects.all()
    region_ids, _paths = _scopes(user, {Role.KANSLI})
    return Trainee.objects.filter(region_id__in=region_ids)


def final_assessors_trainees(user) -> QuerySet:
    """Trainees whose final assessment the user takes part in (huvudhandledare or assigned extern)."""
    from trainees.models import Trainee

    if not getattr(user, "is_authenticated", False):
        return Trainee.objects.none()
    return Trainee.objects.filter(Q(main_supervisor=user) | Q(pk__in=_assigned_as_external(user)))


def assessor_register(user) -> QuerySet:
    from accounts.models import ApprovedAssessor

    if is_admin(user):
        return ApprovedAssessor.objects.all()
    region_ids, _paths = _scopes(user, {Role.KANSLI})
    return ApprovedAssessor.objects.filter(region_id__in=region_ids)


def kansli_regions(user) -> QuerySet:
    """Regions whose register of approved external assessors the user keeps (kansli; admin all)."""
    from organisations.models import Region

    if not getattr(user, "is_authenticated", False):
        return Region.objects.none()
    if is_admin(user):
        return Region.objects.all()
    region_ids, _paths = _scopes(user, {Role.KANSLI})
    return Region.objects.filter(pk__in=region_ids)


def service_signing_trainees(user) -> QuerySet:
    """Trainees whose Bilaga 3 the user signs as verksamhetschef: those whose *home unit* (the
    employing unit responsible for the BT) is in the user's verksamhetschef scope. A head of a
    unit that only hosts a placement does not sign the whole certificate."""
    from trainees.models import Trainee

    if not getattr(user, "is_authenticated", False):
        return Trainee.objects.none()
    region_ids, unit_paths = _scopes(user, {Role.VERKSAMHETSCHEF})
    return Trainee.objects.filter(_unit_q("home_unit__", region_ids, unit_paths))


_CERT_VIEW_ROLES = {
    Role.BT_LAKARE,
    Role.HUVUDHANDLEDARE,
    Role.HANDLEDARE,
    Role.EXTERN_BEDOMARE,
    Role.STUDIEREKTOR,
    Role.VERKSAMHETSCHEF,
    Role.KANSLI,
    Role.ADMIN,
}
CERTIFICATE_PERMISSIONS = {
    "certificates.view_readiness": {"roles": _CERT_VIEW_ROLES, "scope": certificate_trainees},
    "certificates.manage": {"roles": {Role.KANSLI, Role.ADMIN}, "scope": kansli_trainees},
    "certificates.final_assessment": {
        "roles": {Role.HUVUDHANDLEDARE, Role.EXTERN_BEDOMARE, Role.KANSLI, Role.ADMIN},
        "scope": certificate_trainees,
    },
    "certificates.sign_final": {
        "roles": {Role.HUVUDHANDLEDARE, Role.EXTERN_BEDOMARE},
        "scope": final_assessors_trainees,
    },
    "certificates.bundle": {"roles": {Role.BT_LAKARE, Role.KANSLI, Role.ADMIN}, "scope": certificate_trainees},
    "certificates.assessor_register": {"roles": {Role.KANSLI, Role.ADMIN}, "scope": assessor_register},
    # The register page: list and add entries in one's regions (the object is the Region).
    "certificates.manage_assessors": {"roles": {Role.KANSLI, Role.ADMIN}, "scope": kansli_regions},
    # Bilaga 3: only a verksamhetschef of the trainee's home unit signs (the object is the Trainee).
    "certificates.sign_service": {"roles": {Role.VERKSAMHETSCHEF}, "scope": service_signing_trainees},
}


# ---------------------------------------------------------------------------
# The permission table
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Permission:
    roles: frozenset[str] | None  # None: any logged-in user
    scope: Callable[[object], QuerySet] | None = None  # which objects, for object checks


_ALL_ROLES = frozenset(Role.values)

PERMISSIONS: dict[str, Permission] = {
    AUTHENTICATED: Permission(roles=None),
    "goals.view": Permission(roles=None),
    "organisations.view_region": Permission(
        roles=frozenset({Role.ADMIN, Role.KANSLI, Role.STUDIEREKTOR, Role.VERKSAMHETSCHEF, Role.GRANSKARE}),
        scope=visible_regions,
    ),
    "organisations.view_unit": Permission(
        roles=frozenset({Role.ADMIN, Role.KANSLI, Role.STUDIEREKTOR, Role.VERKSAMHETSCHEF, Role.GRANSKARE}),
        scope=visible_units,
    ),
    "trainees.view_trainee": Permission(roles=_ALL_ROLES - {Role.GRANSKARE}, scope=visible_trainees),
    "trainees.list_trainees": Permission(
        roles=frozenset(STAFF_ROLES | SUPERVISOR_ROLES),
        scope=visible_trainees,
    ),
    "trainees.register": Permission(roles=frozenset(MANAGER_ROLES | {Role.ADMIN}), scope=manageable_units),
    "trainees.edit_plan": Permission(roles=frozenset(MANAGER_ROLES | {Role.ADMIN}), scope=manageable_trainees),
    "trainees.edit_wishes": Permission(
        roles=frozenset(MANAGER_ROLES | {Role.BT_LAKARE, Role.ADMIN}), scope=wish_trainees
    ),
    "trainees.import": Permission(
        roles=frozenset({Role.KANSLI, Role.STUDIEREKTOR, Role.ADMIN}), scope=manageable_units
    ),
    "organisations.export_region": Permission(roles=frozenset(MANAGER_ROLES | {Role.ADMIN}), scope=visible_regions),
    # Portfolio and assessments; the object is the Trainee.
    "portfolio.view": Permission(roles=_ALL_ROLES - {Role.GRANSKARE}, scope=visible_trainees),
    "portfolio.edit": Permission(roles=frozenset({Role.BT_LAKARE}), scope=own_trainee),
    "portfolio.review_iup": Permission(
        roles=frozenset({Role.HUVUDHANDLEDARE, Role.ADMIN}), scope=main_supervised_trainees
    ),
    "portfolio.supervision_notes": Permission(
        roles=frozenset({Role.BT_LAKARE, Role.HANDLEDARE, Role.HUVUDHANDLEDARE, Role.ADMIN}), scope=supervision_circle
    ),
    "assessments.request": Permission(roles=frozenset({Role.BT_LAKARE}), scope=own_trainee),
    "assessments.view": Permission(roles=_ALL_ROLES - {Role.GRANSKARE}, scope=visible_trainees),
    # A logged-in assessor working through the requests addressed to them.
    "assessments.assess": Permission(roles=None),
    "scheduling.plan": Permission(roles=frozenset({Role.KANSLI, Role.STUDIEREKTOR, Role.ADMIN}), scope=visible_regions),
    "accounts.view_supervisor": Permission(roles=frozenset(STAFF_ROLES | SUPERVISOR_ROLES), scope=visible_supervisors),
    "accounts.list_supervisors": Permission(roles=frozenset(STAFF_ROLES), scope=visible_supervisors),
    "audit.view_history": Permission(roles=frozenset({Role.ADMIN})),
}
PERMISSIONS.update(
    {name: Permission(roles=frozenset(p["roles"]), scope=p["scope"]) for name, p in CERTIFICATE_PERMISSIONS.items()}
)


# --- Intake (issue 6) -------------------------------------------------------

INTAKE_MANAGER_ROLES = {Role.KANSLI, Role.STUDIEREKTOR}


def intake_regions(user) -> QuerySet:
    """Regions whose intake rounds the user runs (kansli, studierektor; admin everywhere)."""
    from organisations.models import Region, Unit

    if not getattr(user, "is_authenticated", False):
        return Region.objects.none()
    if is_admin(user):
        return Region.objects.all()
    region_ids, unit_paths = _scopes(user, INTAKE_MANAGER_ROLES)
    q = Q(pk__in=region_ids)
    if unit_paths:
        unit_q = Q(pk__in=[])
        for path in unit_paths:
            unit_q |= Q(path__startswith=path)
        q |= Q(pk__in=Unit.objects.filter(unit_q).values("region_id"))
    return Region.objects.filter(q)


PERMISSIONS.update(
    {
        # The object is the Region of the round.
        "intake.manage": Permission(roles=frozenset(INTAKE_MANAGER_ROLES | {Role.ADMIN}), scope=intake_regions),
        # Applications for integrated BT at one's own unit; the object is the Unit.
        "intake.apply": Permission(
            roles=frozenset(INTAKE_MANAGER_ROLES | {Role.VERKSAMHETSCHEF, Role.ADMIN}), scope=manageable_units
        ),
    }
)

# --- end intake ---------------------------------------------------------------


def can(user, perm: str, obj=None) -> bool:
    if perm == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    rule = PERMISSIONS[perm]
    if rule.roles is not None and not (roles_of(user) & rule.roles):
        return False
    if obj is None or rule.scope is None:
        return True
    return rule.scope(user).filter(pk=obj.pk).exists()


def authorize(user, perm: str, obj=None) -> None:
    if not can(user, perm, obj):
        raise PermissionDenied


def get_object_for(user, perm: str, queryset, **lookup):
    """Fetch an object (404 when missing) and check the user may act on it (403 otherwise)."""
    obj = get_object_or_404(queryset, **lookup)
    authorize(user, perm, obj)
    return obj


def scoped(user, perm: str) -> QuerySet:
    rule = PERMISSIONS[perm]
    assert rule.scope is not None, f"{perm} has no scope"
    return rule.scope(user)


# ---------------------------------------------------------------------------
# View decorators
# ---------------------------------------------------------------------------


def permission(perm: str):
    """Declare and enforce the permission of a view (anonymous users go to the login page)."""
    if perm not in PERMISSIONS and perm != PUBLIC:
        raise KeyError(f"Unknown permission {perm!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if perm != PUBLIC:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                authorize(request.user, perm)
            return view(request, *args, **kwargs)

        wrapped.permission = perm
        return wrapped

    return decorator


public = permission(PUBLIC)

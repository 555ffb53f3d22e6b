"""The permission machinery: who may act, and on which objects.

A `Permission` has two parts:
- *who may ask at all*: a set of roles (checked by the `@permission` decorator, before the view runs);
- *which objects*: a scope, a function giving the queryset of objects the user may act on. An object is
  allowed exactly when it is in the user's scoped queryset, so list pages (which filter by the same
  queryset) and detail pages agree.

Permissions are objects defined in each app's `permissions.py`, next to what they protect
(`trainees.permissions.EDIT_PLAN`, `certificates.permissions.SIGN_SERVICE`, …): a misspelt permission
is an `ImportError` or `AttributeError` when the module loads, not a surprise at request time.

Every view declares one with `@permission(PERM)` (or `@public`), and fetches the object it acts on with
`PERM.get_object(user, queryset, **lookup)`: 404 for a missing object, 403 for one outside the user's
scope. An object reached through another one (a placement of a trainee, a request for a trainee) is
fetched with `via="trainee"`: the permission is checked on the object it belongs to.

This module knows roles and their scopes (regions and unit subtrees); the scope functions of the apps
build their querysets from `unit_scope()` and `unit_q()`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from functools import wraps
from operator import attrgetter

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db import connections
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import ApprovedAssessor, Role, RoleAssignment, SupervisorProfile

ALL_ROLES = frozenset(Role.values)
STAFF_ROLES = frozenset({Role.KANSLI, Role.STUDIEREKTOR, Role.VERKSAMHETSCHEF, Role.ADMIN})
SUPERVISOR_ROLES = frozenset({Role.HANDLEDARE, Role.HUVUDHANDLEDARE})
#: Roles that register BT-läkare and manage their plans, each within their units.
MANAGER_ROLES = frozenset({Role.KANSLI, Role.STUDIEREKTOR, Role.VERKSAMHETSCHEF})
#: Roles whose scope is a region or a unit subtree (the others are scoped by assignment to a trainee).
UNIT_ROLES = frozenset(MANAGER_ROLES | {Role.GRANSKARE})
#: Roles of quality review (granskare; the national coordinator): they see aggregates, never a BT-läkare's record.
QUALITY_ROLES = frozenset({Role.GRANSKARE, Role.KOORDINATOR})


# ---------------------------------------------------------------------------
# Role look-ups (cached on the user object for the duration of a request)
# ---------------------------------------------------------------------------


def is_authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def active_assignments(user, on: datetime.date | None = None) -> list[RoleAssignment]:
    if not is_authenticated(user):
        return []
    on = on or timezone.localdate()
    cache = getattr(user, "_bt_assignments", None)
    if cache is None or cache[0] != on:
        cache = (on, _assignments_of(user.pk, on))
        user._bt_assignments = cache
    return cache[1]


# The statement of `_assignments_of`, per database: read on every request, where compiling the ORM's query
# took longer than running it (0.76 → 0.20 ms a request). It is the ORM's own SQL for
# `RoleAssignment.objects.active(on)` of one user (the rule of an active assignment stays in one place),
# compiled once with stand-in values whose places among the parameters are then known.
_STAND_IN_DAY, _STAND_IN_USER = datetime.date(1901, 2, 3), -987654321
_ASSIGNMENT_STATEMENTS: dict[str, tuple[str, list[str]] | None] = {}


def _assignments_of(user_id: int, on: datetime.date) -> list[RoleAssignment]:
    """The user's assignments active on `on`, each with `unit_path` (the path of its unit, or None)."""
    queryset = RoleAssignment.objects.active(on).filter(user_id=user_id).annotate(unit_path=F("unit__path"))
    alias = queryset.db
    if alias not in _ASSIGNMENT_STATEMENTS:
        _ASSIGNMENT_STATEMENTS[alias] = _assignment_statement(alias)
    statement = _ASSIGNMENT_STATEMENTS[alias]
    if statement is None:  # the stand-ins could not be placed: the ORM as usual
        return list(queryset)
    sql, slots = statement
    day = connections[alias].ops.adapt_datefield_value(on)
    return list(RoleAssignment.objects.using(alias).raw(sql, [day if s == "day" else user_id for s in slots]))


def _assignment_statement(alias: str) -> tuple[str, list[str]] | None:
    stand_in = RoleAssignment.objects.active(_STAND_IN_DAY).filter(user_id=_STAND_IN_USER)
    sql, params = stand_in.annotate(unit_path=F("unit__path")).query.get_compiler(using=alias).as_sql()
    day = connections[alias].ops.adapt_datefield_value(_STAND_IN_DAY)
    slots = ["day" if p in (day, _STAND_IN_DAY) else "user" if p == _STAND_IN_USER else "" for p in params]
    return (sql, slots) if all(slots) and "day" in slots and "user" in slots else None


def roles_of(user) -> set[str]:
    roles = {a.role for a in active_assignments(user)}
    if getattr(user, "is_superuser", False):
        roles.add(Role.ADMIN)
    return roles


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def unit_scope(user, roles: Iterable[str]) -> tuple[set[int], list[str]]:
    """Region ids and unit paths that the user's assignments of `roles` cover."""
    roles = set(roles)
    region_ids: set[int] = set()
    unit_paths: list[str] = []
    for a in active_assignments(user):
        if a.role not in roles:
            continue
        if a.unit_id:
            unit_paths.append(a.unit_path)
        elif a.region_id:
            region_ids.add(a.region_id)
    return region_ids, unit_paths


def unit_q(prefix: str, region_ids: set[int], unit_paths: list[str]) -> Q:
    """Rows whose unit (reached through `prefix`, e.g. "home_unit__") is in the regions or subtrees."""
    q = Q(pk__in=[])
    if region_ids:
        q |= Q(**{f"{prefix}region_id__in": region_ids})
    for path in unit_paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def region_ids_of(user, roles: Iterable[str]) -> set[int]:
    """Regions the user holds one of `roles` in as a whole region (not a unit of it)."""
    return unit_scope(user, roles)[0]


# ---------------------------------------------------------------------------
# Permission objects
# ---------------------------------------------------------------------------


class Permission:
    """Who may act (`roles`; None: any logged-in user) and on which objects (`scope(user)`)."""

    def __init__(
        self,
        name: str,
        *,
        roles: Iterable[str] | None,
        scope: Callable[[object], QuerySet] | None = None,
        public: bool = False,
    ):
        self.name = name
        self.roles = frozenset(roles) if roles is not None else None
        self.scope = scope
        self.public = public

    def __repr__(self):
        return f"<Permission {self.name}>"

    def __str__(self):
        return self.name

    def allows(self, user, obj=None) -> bool:
        """May `user` act under this permission (on `obj`, when given)?"""
        if self.public:
            return True
        if not is_authenticated(user) or not user.is_active:
            return False
        if self.roles is not None and not (roles_of(user) & self.roles):
            return False
        if obj is None or self.scope is None:
            return True
        return self._within(user, obj.pk).exists()

    def _within(self, user, pk) -> QuerySet:
        """The scope's test of one object: its row in the user's scope (`pk` a value or an OuterRef)."""
        return self.scope(user).filter(pk=pk)

    def check(self, user, obj=None) -> None:
        """Raise PermissionDenied unless `allows(user, obj)`."""
        if not self.allows(user, obj):
            raise PermissionDenied

    def queryset(self, user) -> QuerySet:
        """The objects the user may act on (for list pages and choices)."""
        assert self.scope is not None, f"{self.name} has no scope"
        if not is_authenticated(user) or (self.roles is not None and not (roles_of(user) & self.roles)):
            return self.scope(user).none()
        return self.scope(user)

    def get_object(self, user, queryset, *, via: str | None = None, **lookup):
        """Fetch one object (404 when missing) that the user may act on (403 otherwise).

        `via` names the attribute whose object the permission is about, e.g. `via="trainee"` for a
        placement, a request or an assessment of a trainee.

        One query when the user may: the object read together with the scope's test (a correlated
        EXISTS, the same test as `allows`). Only when nothing comes back is it asked whether the object
        exists at all, to answer 403 rather than 404.
        """
        scoped = self.scope is not None and not self.public and self.allows(user)
        try:
            if scoped:
                may = Exists(self._within(user, OuterRef(via.replace(".", "__") if via else "pk")))
                rows = queryset if hasattr(queryset, "filter") else queryset._default_manager  # a model
                found = list(rows.filter(may, **lookup)[:2])
                if len(found) == 1:
                    return found[0]
                if found:
                    raise rows.model.MultipleObjectsReturned
            obj = get_object_or_404(queryset, **lookup)
        except (ValueError, TypeError, OverflowError, ValidationError):
            # An id from a form or the query string that is no id at all ("abc", 10**30): the request is
            # malformed (400), not a fault of ours (500).
            raise BadRequest("malformed object id") from None
        if scoped:
            raise PermissionDenied  # it exists, and the scope's test above said no
        self.check(user, attrgetter(via)(obj) if via else obj)
        return obj


PUBLIC = Permission("public", roles=None, public=True)
AUTHENTICATED = Permission("authenticated", roles=None)


def permission(perm: Permission):
    """Declare and enforce the permission of a view (anonymous users go to the login page)."""
    if not isinstance(perm, Permission):
        raise TypeError(f"@permission takes a Permission object, not {perm!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not perm.public:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                perm.check(request.user)
            return view(request, *args, **kwargs)

        wrapped.permission = perm
        return wrapped

    return decorator


public = permission(PUBLIC)


# ---------------------------------------------------------------------------
# People: supervisor profiles and the register of approved external assessors
# ---------------------------------------------------------------------------


def visible_supervisors(user) -> QuerySet:
    """The user's own profile, and those whose workplace is in the user's staff scope."""
    if not is_authenticated(user):
        return SupervisorProfile.objects.none()
    if is_admin(user):
        return SupervisorProfile.objects.all()
    region_ids, unit_paths = unit_scope(user, MANAGER_ROLES)
    return SupervisorProfile.objects.filter(Q(user=user) | unit_q("workplace__", region_ids, unit_paths))


def assessor_register(user) -> QuerySet:
    """Entries of the register of approved external assessors that the user keeps (kansli; admin all)."""
    if is_admin(user):
        return ApprovedAssessor.objects.all()
    return ApprovedAssessor.objects.filter(region_id__in=region_ids_of(user, {Role.KANSLI}))


VIEW_SUPERVISOR = Permission(
    "accounts.view_supervisor", roles=STAFF_ROLES | SUPERVISOR_ROLES, scope=visible_supervisors
)
LIST_SUPERVISORS = Permission("accounts.list_supervisors", roles=STAFF_ROLES, scope=visible_supervisors)

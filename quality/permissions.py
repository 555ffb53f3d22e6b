"""Who may see and conduct quality reviews, answer evaluations and read their results.

- a granskare sees and conducts only the reviews they are assigned to;
- the national coordinator (koordinator) and admin see and coordinate every review and keep the catalogue;
- a unit (studierektor, verksamhetschef, kansli over their scope) sees the reviews of its units, sends in
  documents and the evidence of remedies;
- everyone logged in sees the national list of published reports;
- a BT-läkare evaluates only their own placements.
Results of evaluations and surveys are read only through `quality.anonymity`.
"""

from django.db.models import Q, QuerySet

from accounts.models import Role
from accounts.permissions import (
    MANAGER_ROLES,
    Permission,
    has_role,
    is_authenticated,
    unit_q,
    unit_scope,
)
from organisations.models import Unit
from trainees.models import Placement

from .models import PUBLISHED_STATES, Catalogue, Review, StatementFinding

REVIEWER_ROLES = frozenset({Role.GRANSKARE, Role.KOORDINATOR, Role.ADMIN})
COORDINATOR_ROLES = frozenset({Role.KOORDINATOR, Role.ADMIN})
UNIT_PARTICIPANT_ROLES = frozenset({Role.STUDIEREKTOR, Role.VERKSAMHETSCHEF})
VIEWER_ROLES = REVIEWER_ROLES | MANAGER_ROLES


def is_coordinator(user) -> bool:
    return has_role(user, *COORDINATOR_ROLES)


def conducted_reviews(user) -> QuerySet:
    """Reviews the user conducts: assigned as granskare; the coordinator and admin: all."""
    if not is_authenticated(user):
        return Review.objects.none()
    if is_coordinator(user):
        return Review.objects.all()
    if not has_role(user, Role.GRANSKARE):
        return Review.objects.none()
    return Review.objects.filter(reviewers__reviewer=user).distinct()


def unit_reviews(user, roles=UNIT_PARTICIPANT_ROLES) -> QuerySet:
    """Reviews of units in the user's unit scope (by `roles`)."""
    if not is_authenticated(user):
        return Review.objects.none()
    return Review.objects.filter(unit_q("unit__", *unit_scope(user, roles)))


def visible_reviews(user) -> QuerySet:
    if not is_authenticated(user):
        return Review.objects.none()
    if is_coordinator(user):
        return Review.objects.all()
    q = Q(pk__in=unit_reviews(user, MANAGER_ROLES).values("pk"))
    if has_role(user, Role.GRANSKARE):
        q |= Q(reviewers__reviewer=user)
    return Review.objects.filter(q).distinct()


def published_reviews(user) -> QuerySet:
    return Review.objects.filter(state__in=PUBLISHED_STATES)


def unit_findings(user) -> QuerySet:
    """Findings whose remedy the user's unit reports (published reviews of their units)."""
    return StatementFinding.objects.filter(review__in=unit_reviews(user).filter(state__in=PUBLISHED_STATES))


def conducted_findings(user) -> QuerySet:
    return StatementFinding.objects.filter(review__in=conducted_reviews(user))


def own_placements(user) -> QuerySet:
    if not is_authenticated(user):
        return Placement.objects.none()
    return Placement.objects.filter(trainee__user=user)


def evaluation_units(user) -> QuerySet:
    """Units whose aggregated evaluations the user may read: their own units (managers), the units
    under their review (granskare), every unit (coordinator, admin)."""
    if not is_authenticated(user):
        return Unit.objects.none()
    if is_coordinator(user):
        return Unit.objects.all()
    q = unit_q("", *unit_scope(user, MANAGER_ROLES))
    if has_role(user, Role.GRANSKARE):
        q |= Q(reviews__reviewers__reviewer=user)
    return Unit.objects.filter(q).distinct()


def all_catalogues(user) -> QuerySet:
    return Catalogue.objects.all()


VIEW_REVIEW = Permission("quality.view_review", roles=VIEWER_ROLES, scope=visible_reviews)
CONDUCT_REVIEW = Permission("quality.conduct_review", roles=REVIEWER_ROLES, scope=conducted_reviews)
COORDINATE = Permission("quality.coordinate", roles=COORDINATOR_ROLES, scope=lambda user: Review.objects.all())
PARTICIPATE = Permission("quality.participate", roles=UNIT_PARTICIPANT_ROLES, scope=unit_reviews)
REPORT_REMEDY = Permission("quality.report_remedy", roles=UNIT_PARTICIPANT_ROLES, scope=unit_findings)
ACCEPT_REMEDY = Permission("quality.accept_remedy", roles=REVIEWER_ROLES, scope=conducted_findings)
NATIONAL_LIST = Permission("quality.national_list", roles=None, scope=published_reviews)
CATALOGUE = Permission("quality.catalogue", roles=COORDINATOR_ROLES, scope=all_catalogues)
EVALUATE = Permission("quality.evaluate", roles={Role.BT_LAKARE}, scope=own_placements)
EVALUATION_RESULTS = Permission("quality.evaluation_results", roles=VIEWER_ROLES, scope=evaluation_units)

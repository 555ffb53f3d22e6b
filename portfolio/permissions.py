"""Who may see and edit a BT-läkare's portfolio (the object is always the Trainee)."""

from django.db.models import Q, QuerySet

from accounts.models import Role
from accounts.permissions import ALL_ROLES, QUALITY_ROLES, Permission, is_admin, is_authenticated
from trainees.models import Placement, Trainee
from trainees.permissions import main_supervised_trainees, own_trainee, visible_trainees


def supervision_circle(user) -> QuerySet:
    """Trainees whose private supervision notes the user may read: their own, or as
    huvudhandledare or handledare of one of their placements."""
    if not is_authenticated(user):
        return Trainee.objects.none()
    if is_admin(user):
        return Trainee.objects.all()
    supervised = Placement.objects.filter(supervisor=user).values("trainee_id")
    return Trainee.objects.filter(Q(user=user) | Q(main_supervisor=user) | Q(pk__in=supervised))


VIEW = Permission("portfolio.view", roles=ALL_ROLES - QUALITY_ROLES, scope=visible_trainees)
EDIT = Permission("portfolio.edit", roles={Role.BT_LAKARE}, scope=own_trainee)
REVIEW_IUP = Permission(
    "portfolio.review_iup", roles={Role.HUVUDHANDLEDARE, Role.ADMIN}, scope=main_supervised_trainees
)
SUPERVISION_NOTES = Permission(
    "portfolio.supervision_notes",
    roles={Role.BT_LAKARE, Role.HANDLEDARE, Role.HUVUDHANDLEDARE, Role.ADMIN},
    scope=supervision_circle,
)

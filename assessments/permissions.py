"""Who may request, see and sign assessments."""

from django.db.models import Q, QuerySet

from accounts.models import Role
from accounts.permissions import ALL_ROLES, QUALITY_ROLES, Permission, is_authenticated
from assessments.models import Assessment, AssessmentRequest
from organisations.permissions import in_units
from trainees.permissions import own_trainee, visible_trainees

#: A trainee's assessments and requests (the object is the Trainee).
VIEW = Permission("assessments.view", roles=ALL_ROLES - QUALITY_ROLES, scope=visible_trainees)
#: A BT-läkare asks for assessments of their own (the object is the Trainee).
REQUEST = Permission("assessments.request", roles={Role.BT_LAKARE}, scope=own_trainee)


def addressed_requests(user) -> QuerySet:
    """Requests addressed to the user: to their account, or to their address without an account."""
    if not is_authenticated(user):
        return AssessmentRequest.objects.none()
    return AssessmentRequest.objects.filter(
        Q(assessor=user) | Q(assessor__isnull=True, assessor_email__iexact=user.email)
    )


def visible_assessments(user) -> QuerySet:
    """Signed assessments of the trainees the user may see, and those the user signed."""
    if not is_authenticated(user):
        return Assessment.objects.none()
    return Assessment.objects.filter(signed_at__isnull=False).filter(
        Q(trainee__in=VIEW.queryset(user)) | Q(assessor=user)
    )


#: A logged-in assessor works through the requests addressed to them (the object is the request).
ASSESS = Permission("assessments.assess", roles=None, scope=addressed_requests)
#: One signed assessment (the object is the Assessment).
VIEW_ASSESSMENT = Permission("assessments.view_assessment", roles=None, scope=visible_assessments)


def confirmable_trainees(user) -> QuerySet:
    """Whose assessors the user may confirm: as huvudhandledare their own trainees, as studierektor
    those whose home unit is in their scope; the admin every one."""
    from accounts.permissions import is_admin, unit_scope
    from trainees.models import Trainee

    if not is_authenticated(user):
        return Trainee.objects.none()
    if is_admin(user):
        return Trainee.objects.all()
    return Trainee.objects.filter(
        Q(main_supervisor=user) | in_units("home_unit", *unit_scope(user, {Role.STUDIEREKTOR}))
    )


#: Confirm the assessor of an assessment signed from an address not known as a supervisor's
#: (the object is the Trainee).
CONFIRM_ASSESSOR = Permission(
    "assessments.confirm_assessor",
    roles={Role.HUVUDHANDLEDARE, Role.STUDIEREKTOR, Role.ADMIN},
    scope=confirmable_trainees,
)

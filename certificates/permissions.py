"""Who may see readiness, take part in the final assessment, sign, issue and keep the assessor register."""

from django.db.models import Q, QuerySet

from accounts.models import Role
from accounts.permissions import Permission, assessor_register, is_admin, is_authenticated, unit_scope
from organisations.models import Region
from organisations.permissions import in_units
from trainees.models import Trainee
from trainees.permissions import assigned_as_external, visible_trainees


def kansli_trainees(user) -> QuerySet:
    """Trainees whose certificates the BT office (kansli) of their region handles."""
    if not is_authenticated(user):
        return Trainee.objects.none()
    if is_admin(user):
        return Trainee.objects.all()
    region_ids, _paths = unit_scope(user, {Role.KANSLI})
    return Trainee.objects.filter(region_id__in=region_ids)


def final_assessors_trainees(user) -> QuerySet:
    """Trainees whose final assessment the user takes part in (huvudhandledare or assigned extern)."""
    if not is_authenticated(user):
        return Trainee.objects.none()
    return Trainee.objects.filter(Q(main_supervisor=user) | Q(pk__in=assigned_as_external(user)))


def kansli_regions(user) -> QuerySet:
    """Regions whose register of approved external assessors the user keeps (kansli; admin all)."""
    if not is_authenticated(user):
        return Region.objects.none()
    if is_admin(user):
        return Region.objects.all()
    region_ids, _paths = unit_scope(user, {Role.KANSLI})
    return Region.objects.filter(pk__in=region_ids)


def service_signing_trainees(user) -> QuerySet:
    """Trainees whose Bilaga 3 the user signs as verksamhetschef: those whose *home unit* (the
    employing unit responsible for the BT) is in the user's verksamhetschef scope. A head of a
    unit that only hosts a placement does not sign the whole certificate."""
    if not is_authenticated(user):
        return Trainee.objects.none()
    return Trainee.objects.filter(in_units("home_unit", *unit_scope(user, {Role.VERKSAMHETSCHEF})))


_VIEWERS = {
    Role.BT_LAKARE,
    Role.HUVUDHANDLEDARE,
    Role.HANDLEDARE,
    Role.EXTERN_BEDOMARE,
    Role.STUDIEREKTOR,
    Role.VERKSAMHETSCHEF,
    Role.KANSLI,
    Role.ADMIN,
}
#: Readiness and certificates: the trainee, their huvudhandledare, managers of their units, and an
#: extern bedömare during the assignment — exactly the visible trainees (the object is the Trainee).
VIEW_READINESS = Permission("certificates.view_readiness", roles=_VIEWERS, scope=visible_trainees)
MANAGE = Permission("certificates.manage", roles={Role.KANSLI, Role.ADMIN}, scope=kansli_trainees)
FINAL_ASSESSMENT = Permission(
    "certificates.final_assessment",
    roles={Role.HUVUDHANDLEDARE, Role.EXTERN_BEDOMARE, Role.KANSLI, Role.ADMIN},
    scope=visible_trainees,
)
SIGN_FINAL = Permission(
    "certificates.sign_final", roles={Role.HUVUDHANDLEDARE, Role.EXTERN_BEDOMARE}, scope=final_assessors_trainees
)
BUNDLE = Permission("certificates.bundle", roles={Role.BT_LAKARE, Role.KANSLI, Role.ADMIN}, scope=visible_trainees)
#: One entry of the register of approved external assessors (the object is the ApprovedAssessor).
ASSESSOR_REGISTER = Permission(
    "certificates.assessor_register", roles={Role.KANSLI, Role.ADMIN}, scope=assessor_register
)
#: The register page: list and add entries in one's regions (the object is the Region).
MANAGE_ASSESSORS = Permission("certificates.manage_assessors", roles={Role.KANSLI, Role.ADMIN}, scope=kansli_regions)
#: Bilaga 3: only a verksamhetschef of the trainee's home unit signs (the object is the Trainee).
SIGN_SERVICE = Permission("certificates.sign_service", roles={Role.VERKSAMHETSCHEF}, scope=service_signing_trainees)

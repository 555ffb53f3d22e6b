"""Readiness and issued certificates (`read:certificates`), and the public verification of a code."""

from ninja import Path, Query, Router
from ninja.pagination import paginate

from accounts.permissions import PUBLIC, is_admin
from api.auth import endpoint
from api.endpoints import choice, object_id
from api.main import MAX_ID, IssuedFirstPagination
from api.models import Scope
from api.schemas import ERRORS, OBJECT_ERRORS, IssuedDocumentOut, ReadinessOut, VerificationOut
from certificates import services
from certificates.models import DocumentKind, IssuedDocument
from certificates.permissions import VIEW_READINESS
from trainees.models import Trainee

router = Router(tags=["Certificates"])
#: The columns IssuedDocumentOut reads (`valid` is `revoked_at` is null).
LISTED = ("trainee_id", "kind", "code", "sha256", "subject_name", "issued_at", "revoked_at", "revoked_reason")


@router.get(
    "",
    response={200: list[IssuedDocumentOut]} | ERRORS,
    summary="Issued certificates you may see",
    description="Newest issued first, a page at a time without a count: follow `next` until it is null.",
)
@paginate(IssuedFirstPagination)
@endpoint(VIEW_READINESS, Scope.READ_CERTIFICATES)
def list_certificates(
    request,
    trainee: int | None = Query(None, ge=1, le=MAX_ID),
    kind: choice(DocumentKind.values) | None = None,
    valid: bool | None = Query(None, description="true: not revoked; false: revoked."),
):
    # The BT-läkare the caller may see, read first (a few ms from the indexes) and handed over as ids: as a
    # subquery, PostgreSQL cannot tell how few they are and joins them to every issued document (national
    # scale, a region office: p50 47–59 ms, with the ids 21). The admin sees every one: no ids to hand over.
    if is_admin(request.user):
        qs = IssuedDocument.objects.all()
    else:
        visible = VIEW_READINESS.queryset(request.user).order_by().values_list("pk", flat=True)
        qs = IssuedDocument.objects.filter(trainee_id__in=list(visible))
    if trainee:
        qs = qs.filter(trainee_id=trainee)
    if kind:
        qs = qs.filter(kind=kind)
    if valid is not None:
        qs = qs.filter(revoked_at__isnull=valid)
    # Only what the list shows: the attested content (a large JSON document per row) is left in the database.
    # Newest issued first, a page at a time (IssuedFirstPagination orders by the moment of issue and id).
    return qs.only(*LISTED)


@router.get(
    "/verify/{code}",
    response={200: VerificationOut, 422: ERRORS[422]},
    auth=None,
    summary="Verify a certificate's code (public)",
)
@endpoint(PUBLIC, None)
def verify(request, code: str = Path(..., max_length=40)):
    """As the public page /verify/<code>/: the state, and for a known code what was issued to whom.
    The stored file's SHA-256 is checked against the one recorded at issue."""
    state, doc = services.verify(code)
    if doc is None:
        return {"state": state}
    return {"state": state, "kind": doc.kind, "subject_name": doc.subject_name, "issued_at": doc.issued_at}


@router.get(
    "/readiness/{trainee_id}",
    response={200: ReadinessOut} | OBJECT_ERRORS,
    summary="A BT doctor's readiness for the final assessment",
)
@endpoint(VIEW_READINESS, Scope.READ_CERTIFICATES)
def readiness(request, trainee_id: int = object_id()):
    trainee = VIEW_READINESS.get_object(request.user, Trainee.objects.select_related("user"), pk=trainee_id)
    r = services.readiness(trainee)
    final = getattr(trainee, "final_assessment", None) if hasattr(trainee, "final_assessment") else None
    return {
        "trainee_id": trainee.pk,
        "ready": r.ready,
        "may_start": r.may_start,
        "error_count": r.error_count,
        "requirements": [row.__dict__ for row in r.requirements],
        "goals": [{"code": g.goal.code, "state": g.state} for g in r.goals],
        "final_assessment": final,
    }

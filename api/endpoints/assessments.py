"""Signed assessments (`read:assessments`): those of the BT doctors the user may see, and those
the user signed, exactly as on the pages."""

from django.db.models import Prefetch
from ninja import Query, Router
from ninja.pagination import paginate

from api.auth import endpoint
from api.endpoints import object_id
from api.main import MAX_ID, NewestFirstPagination
from api.models import Scope
from api.schemas import ERRORS, OBJECT_ERRORS, AssessmentOut, IsoDate
from assessments.models import Addendum, Assessment
from assessments.permissions import VIEW_ASSESSMENT

router = Router(tags=["Assessments"])


def _with_details(qs):
    addenda = Prefetch("addenda", queryset=Addendum.objects.order_by("created_at", "pk"))
    return qs.prefetch_related("goals", addenda).order_by("-performed_on", "-pk")


@router.get(
    "",
    response={200: list[AssessmentOut]} | ERRORS,
    summary="Signed assessments you may see",
    description=(
        "Newest first (by the day performed, then id). A page holds up to `limit` items and no total: "
        "`next` is the address of the next (older) page and `previous` of the page before, null at the ends. "
        "Follow them as they are; a changed or made-up `cursor` is refused with 400."
    ),
)
@paginate(NewestFirstPagination)
@endpoint(VIEW_ASSESSMENT, Scope.READ_ASSESSMENTS)
def list_assessments(
    request,
    trainee: int | None = Query(None, ge=1, le=MAX_ID),
    instrument: str | None = Query(None, pattern=r"^[a-z0-9_]{1,32}$", description="e.g. mini_cex, dops, cbd."),
    goal: str | None = Query(None, pattern=r"^[A-Z]{1,4}[0-9]{1,3}$", description="A delmål code, e.g. BT7."),
    performed_from: IsoDate | None = None,
    performed_to: IsoDate | None = None,
):
    qs = _with_details(VIEW_ASSESSMENT.queryset(request.user))
    if trainee:
        qs = qs.filter(trainee_id=trainee)
    if instrument:
        qs = qs.filter(instrument=instrument)
    if goal:
        qs = qs.filter(goals__code=goal).distinct()
    if performed_from:
        qs = qs.filter(performed_on__gte=performed_from)
    if performed_to:
        qs = qs.filter(performed_on__lte=performed_to)
    return qs


@router.get("/{assessment_id}", response={200: AssessmentOut} | OBJECT_ERRORS, summary="One signed assessment")
@endpoint(VIEW_ASSESSMENT, Scope.READ_ASSESSMENTS)
def get_assessment(request, assessment_id: int = object_id()):
    return VIEW_ASSESSMENT.get_object(request.user, _with_details(Assessment.objects.all()), pk=assessment_id)

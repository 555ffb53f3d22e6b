"""BT doctors, their plans and placements (`read:trainees`), and status changes (`write:trainees`)."""

from ninja import Query, Router
from ninja.pagination import paginate

from api.auth import endpoint
from api.endpoints import choice, object_id
from api.main import MAX_ID, Pagination
from api.models import Scope
from api.schemas import (
    BODY_ERRORS,
    ERRORS,
    OBJECT_ERRORS,
    Error,
    IsoDate,
    PlacementOut,
    PlanOut,
    StatusChangeIn,
    TraineeDetail,
    TraineeOut,
)
from trainees import services
from trainees.models import BtType, Placement, PlanCategory, Trainee, TraineeStatus
from trainees.permissions import EDIT_PLAN, LIST_TRAINEES, VIEW_TRAINEE

router = Router(tags=["BT doctors"])
placements = Router(tags=["BT doctors"])

Slug = Query(None, pattern=r"^[a-z0-9-]{1,40}$", description="A region's short name, e.g. vgr.")
Id = Query(None, ge=1, le=MAX_ID)


def _trainees(qs):
    return qs.select_related("user", "region", "home_unit", "main_supervisor").order_by(
        "user__last_name", "user__first_name", "pk"
    )


@router.get("", response={200: list[TraineeOut]} | ERRORS, summary="BT doctors you may list")
@paginate(Pagination)
@endpoint(LIST_TRAINEES, Scope.READ_TRAINEES)
def list_trainees(
    request,
    status: choice(TraineeStatus.values) | None = None,
    bt_type: choice(BtType.values) | None = None,
    region: str | None = Slug,
    home_unit: int | None = Id,
    planned_start_from: IsoDate | None = None,
    planned_start_to: IsoDate | None = None,
):
    """The BT doctors of the list page (the same scope): filter by status, BT type, region, home unit
    and planned start."""
    qs = LIST_TRAINEES.queryset(request.user)
    if status:
        qs = qs.filter(status=status)
    if bt_type:
        qs = qs.filter(bt_type=bt_type)
    if region:
        qs = qs.filter(region__slug=region)
    if home_unit:
        qs = qs.filter(home_unit_id=home_unit)
    if planned_start_from:
        qs = qs.filter(planned_start__gte=planned_start_from)
    if planned_start_to:
        qs = qs.filter(planned_start__lte=planned_start_to)
    return _trainees(qs)


def _trainee(request, pk, perm=VIEW_TRAINEE) -> Trainee:
    return perm.get_object(request.user, _trainees(Trainee.objects.all()), pk=pk)


@router.get("/{trainee_id}", response={200: TraineeDetail} | OBJECT_ERRORS, summary="One BT doctor")
@endpoint(VIEW_TRAINEE, Scope.READ_TRAINEES)
def get_trainee(request, trainee_id: int = object_id()):
    return _trainee(request, trainee_id)


@router.get("/{trainee_id}/plan", response={200: PlanOut} | OBJECT_ERRORS, summary="A BT doctor's plan and its check")
@endpoint(VIEW_TRAINEE, Scope.READ_TRAINEES)
def get_plan(request, trainee_id: int = object_id()):
    """Placements, leave and credited service, judged by the rules module as on the plan page."""
    trainee = _trainee(request, trainee_id)
    rows = list(trainee.placements.select_related("unit", "supervisor__supervisor_profile"))
    check = services.check_plan(trainee, placements=rows)
    return {
        "trainee_id": trainee.pk,
        "plan_version": trainee.plan_version,
        "placements": rows,
        "leave": list(trainee.leave.all()),
        "credits": list(trainee.credits.all()),
        "check": {
            "valid": check.valid,
            "full_time_months": float(check.result.fte_months),
            "findings": [f.__dict__ for f in check.findings],
        },
    }


@router.post(
    "/{trainee_id}/status",
    response={200: TraineeDetail, 409: Error} | BODY_ERRORS,
    summary="Change a BT doctor's status",
)
@endpoint(EDIT_PLAN, Scope.WRITE_TRAINEES)
def change_status(request, payload: StatusChangeIn, trainee_id: int = object_id()):
    """The same transition as on the BT doctor's page (409 when the current status does not allow it)."""
    trainee = _trainee(request, trainee_id, EDIT_PLAN)
    services.change_status(trainee, to=payload.to, on=payload.on, reason=payload.reason, by=request.user)
    return _trainee(request, trainee_id, EDIT_PLAN)


@placements.get("", response={200: list[PlacementOut]} | ERRORS, summary="Placements of the BT doctors you may see")
@paginate(Pagination)
@endpoint(VIEW_TRAINEE, Scope.READ_TRAINEES)
def list_placements(
    request,
    trainee: int | None = Id,
    unit: int | None = Id,
    category: choice(PlanCategory.values) | None = None,
    on: IsoDate | None = Query(None, description="Only placements running on this day."),
):
    qs = Placement.objects.filter(trainee__in=VIEW_TRAINEE.queryset(request.user).values("pk"))
    if trainee:
        qs = qs.filter(trainee_id=trainee)
    if unit:
        qs = qs.filter(unit_id=unit)
    if category:
        qs = qs.filter(category=category)
    if on:
        qs = qs.filter(start__lte=on, end__gte=on)
    return qs.select_related("unit", "supervisor").order_by("start", "pk")

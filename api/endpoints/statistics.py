"""Statistics over the BT doctors in the user's scope (`read:statistics`); counts below 5 are
suppressed (`core.suppression`, applied by `trainees.statistics`)."""

from ninja import Query, Router

from api.auth import endpoint
from api.endpoints import choice
from api.models import Scope
from api.permissions import STATISTICS
from api.schemas import ERRORS, IsoDate, StatisticsOut
from trainees import statistics
from trainees.models import TraineeStatus

router = Router(tags=["Statistics"])


def _out(dimension, table) -> dict:
    return {
        "dimension": dimension,
        "threshold": table.threshold,
        "total": table.total,
        "rows": [c.__dict__ for c in table.cells],
    }


@router.get("/trainees", response={200: StatisticsOut} | ERRORS, summary="BT doctors counted by a dimension")
@endpoint(STATISTICS, Scope.READ_STATISTICS)
def trainees(
    request,
    by: choice(statistics.TRAINEE_DIMENSIONS) = "status",
    status: choice(TraineeStatus.values) | None = None,
    region: str | None = Query(None, pattern=r"^[a-z0-9-]{1,40}$"),
):
    qs = STATISTICS.queryset(request.user)
    if status:
        qs = qs.filter(status=status)
    if region:
        qs = qs.filter(region__slug=region)
    return _out(by, statistics.trainee_counts(qs, by=by))


@router.get("/placements", response={200: StatisticsOut} | ERRORS, summary="Placements counted by a dimension")
@endpoint(STATISTICS, Scope.READ_STATISTICS)
def placements(
    request,
    by: choice(statistics.PLACEMENT_DIMENSIONS) = "category",
    on: IsoDate | None = Query(None, description="Only placements running on this day."),
    region: str | None = Query(None, pattern=r"^[a-z0-9-]{1,40}$"),
):
    qs = STATISTICS.queryset(request.user)
    if region:
        qs = qs.filter(region__slug=region)
    return _out(by, statistics.placement_counts(qs, by=by, on=on))

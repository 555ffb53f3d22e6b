"""Statistics without personal data (`read:statistics`): the same figures as the statistics pages,
computed and suppressed once for the whole country (`trainees.statistics`), so no call can hide a count
differently from another and let a reader subtract one from the other."""

from ninja import Path, Router

from api.auth import endpoint
from api.models import Scope
from api.schemas import ERRORS, OBJECT_ERRORS, FiguresOut, NationalStatisticsOut
from organisations.models import Region
from trainees.permissions import STATISTICS
from trainees.statistics import national_statistics

router = Router(tags=["Statistics"])


@router.get("", response={200: NationalStatisticsOut} | ERRORS, summary="National and regional figures")
@endpoint(STATISTICS, Scope.READ_STATISTICS)
def national(request):
    return national_statistics().as_dict()


@router.get("/regions/{slug}", response={200: FiguresOut} | OBJECT_ERRORS, summary="One region's figures")
@endpoint(STATISTICS, Scope.READ_STATISTICS)
def region(request, slug: str = Path(..., pattern=r"^[a-z0-9-]{1,40}$")):
    found = STATISTICS.get_object(request.user, Region.objects.all(), slug=slug)
    return national_statistics().region(found).as_dict()

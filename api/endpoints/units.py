"""Regions and units (`read:units`), as the organisation pages show them."""

from ninja import Query, Router
from ninja.pagination import paginate

from api.auth import endpoint
from api.endpoints import choice, object_id
from api.main import MAX_ID, Pagination
from api.models import Scope
from api.schemas import ERRORS, OBJECT_ERRORS, RegionOut, UnitOut
from organisations.models import PlacementCategory, Unit, UnitKind
from organisations.permissions import VIEW_REGION, VIEW_UNIT

regions = Router(tags=["Units"])
router = Router(tags=["Units"])


@regions.get("", response={200: list[RegionOut]} | ERRORS, summary="Regions you may see")
@paginate(Pagination)
@endpoint(VIEW_REGION, Scope.READ_UNITS)
def list_regions(request):
    return VIEW_REGION.queryset(request.user).order_by("name", "pk")


@router.get("", response={200: list[UnitOut]} | ERRORS, summary="Units you may see")
@paginate(Pagination)
@endpoint(VIEW_UNIT, Scope.READ_UNITS)
def list_units(
    request,
    region: str | None = Query(None, pattern=r"^[a-z0-9-]{1,40}$", description="A region's short name."),
    parent: int | None = Query(None, ge=1, le=MAX_ID, description="Units directly below this one."),
    kind: choice(UnitKind.values) | None = None,
    category: choice(PlacementCategory.values) | None = None,
    active: bool | None = None,
    hsa_id: str | None = Query(None, pattern=r"^[A-Za-z0-9-]{1,64}$"),
):
    qs = VIEW_UNIT.queryset(request.user).select_related("region")
    if region:
        qs = qs.filter(region__slug=region)
    if parent:
        qs = qs.filter(parent_id=parent)
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(category=category)
    if active is not None:
        qs = qs.filter(active=active)
    if hsa_id:
        qs = qs.filter(hsa_id=hsa_id)
    return qs.order_by("region__name", "path", "pk")


@router.get("/{unit_id}", response={200: UnitOut} | OBJECT_ERRORS, summary="One unit")
@endpoint(VIEW_UNIT, Scope.READ_UNITS)
def get_unit(request, unit_id: int = object_id()):
    return VIEW_UNIT.get_object(request.user, Unit.objects.select_related("region"), pk=unit_id)

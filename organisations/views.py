from django.db.models import Count, Q
from django.shortcuts import render

from accounts.permissions import permission
from organisations.models import Region, Unit
from organisations.permissions import VIEW_REGION, VIEW_UNIT


@permission(VIEW_REGION)
def region_list(request):
    regions = VIEW_REGION.queryset(request.user).annotate(
        unit_count=Count("units", distinct=True),
        trainee_count=Count("trainees", distinct=True),
    )
    return render(request, "organisations/region_list.html", {"regions": regions})


@permission(VIEW_REGION)
def region_detail(request, slug):
    region = VIEW_REGION.get_object(request.user, Region.objects.all(), slug=slug)
    units = (
        VIEW_UNIT.queryset(request.user)
        .filter(region=region)
        .annotate(home_trainees_count=Count("home_trainees", filter=~Q(home_trainees__status="discontinued")))
        .order_by("path")
    )
    # The tree in path order; depth drives indentation in the template.
    return render(request, "organisations/region_detail.html", {"region": region, "units": units})


@permission(VIEW_UNIT)
def unit_detail(request, pk):
    unit = VIEW_UNIT.get_object(request.user, Unit.objects.select_related("region", "parent"), pk=pk)
    children = VIEW_UNIT.queryset(request.user).filter(parent=unit)
    capacities = unit.capacities.all()[:24]
    return render(
        request,
        "organisations/unit_detail.html",
        {"unit": unit, "children": children, "capacities": capacities},
    )

from django.db.models import Count, Q
from django.shortcuts import render

from accounts.permissions import get_object_for, permission, scoped
from organisations.models import Region, Unit


@permission("organisations.view_region")
def region_list(request):
    regions = scoped(request.user, "organisations.view_region").annotate(
        unit_count=Count("units", distinct=True),
        trainee_count=Count("trainees", distinct=True),
    )
    return render(request, "organisations/region_list.html", {"regions": regions})


@permission("organisations.view_region")
def region_detail(request, slug):
    region = get_object_for(request.user, "organisations.view_region", Region.objects.all(), slug=slug)
    units = (
        scoped(request.user, "organisations.view_unit")
        .filter(region=region)
        .annotate(home_trainees_count=Count("home_trainees", filter=~Q(home_trainees__status="discontinued")))
        .order_by("path")
    )
    # The tree in path order; depth drives indentation in the template.
    return render(request, "organisations/region_detail.html", {"region": region, "units": units})


@permission("organisations.view_unit")
def unit_detail(request, pk):
    unit = get_object_for(
        request.user, "organisations.view_unit", Unit.objects.select_related("region", "parent"), pk=pk
    )
    children = scoped(request.user, "organisations.view_unit").filter(parent=unit)
    capacities = unit.capacities.all()[:24]
    return render(
        request,
        "organisations/unit_detail.html",
        {"unit": unit, "children": children, "capacities": capacities},
    )

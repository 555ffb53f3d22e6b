from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from organisations.models import Region, Unit, UnitCapacity


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "programme"]
    search_fields = ["name", "slug"]


class CapacityInline(admin.TabularInline):
    model = UnitCapacity
    extra = 0


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "region", "parent", "kind", "category", "bt_capacity"]
    list_filter = ["region", "kind", "category"]
    search_fields = ["name", "hsa_id"]
    autocomplete_fields = ["parent"]
    inlines = [CapacityInline]

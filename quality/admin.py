"""The criteria catalogue and reviews in the admin (with their history). Evaluations and survey
answers are not listed here: they are read only as aggregates (quality/anonymity.py)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Area, Catalogue, Review, ReviewerAssignment, Statement, StatementFinding


class AreaInline(admin.TabularInline):
    model = Area
    extra = 0


class StatementInline(admin.TabularInline):
    model = Statement
    extra = 0


@admin.register(Catalogue)
class CatalogueAdmin(SimpleHistoryAdmin):
    list_display = ["version", "title", "valid_from", "is_current"]
    inlines = [AreaInline]

    def has_change_permission(self, request, obj=None):
        # A catalogue a review started with is kept as it was; copy it to a new version instead.
        if obj is not None and obj.in_use:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "catalogue"]
    list_filter = ["catalogue"]
    inlines = [StatementInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.catalogue.in_use:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Statement)
class StatementAdmin(SimpleHistoryAdmin):
    list_display = ["code", "text", "kind", "source", "area"]
    list_filter = ["area__catalogue", "kind"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.area.catalogue.in_use:
            return False
        return super().has_change_permission(request, obj)


class ReviewerInline(admin.TabularInline):
    model = ReviewerAssignment
    extra = 0
    fields = ["reviewer", "conflicts", "conflict_reason"]
    readonly_fields = ["conflicts"]


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "state", "period_start", "period_end", "catalogue"]
    list_filter = ["state"]
    readonly_fields = ["state", "catalogue", "published_at"]
    inlines = [ReviewerInline]


@admin.register(StatementFinding)
class StatementFindingAdmin(SimpleHistoryAdmin):
    list_display = ["review", "statement", "fulfilment", "action", "due_date", "remedied_at"]
    list_filter = ["action", "fulfilment"]

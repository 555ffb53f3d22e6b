from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assessments.models import Addendum, Assessment, AssessmentRequest, RequestStatus, TraineeComment


class AddendumInline(admin.TabularInline):
    model = Addendum
    extra = 0
    can_delete = False
    readonly_fields = ["author", "author_name", "text", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class TraineeCommentInline(admin.TabularInline):
    model = TraineeComment
    extra = 0
    can_delete = False
    readonly_fields = ["author", "text", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Signed assessments are shown read-only: no change, no delete (corrections are addenda)."""

    list_display = ["trainee", "instrument", "performed_on", "assessor_name", "signed_at"]
    list_filter = ["instrument", "sign_method"]
    search_fields = ["trainee__user__last_name", "trainee__user__email", "assessor_name", "assessor_email"]
    date_hierarchy = "performed_on"
    inlines = [AddendumInline, TraineeCommentInline]
    raw_id_fields = ["trainee", "placement", "assessor", "request"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.signed:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.signed:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # The bulk "delete selected" would bypass the per-object check.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(AssessmentRequest)
class AssessmentRequestAdmin(SimpleHistoryAdmin):
    list_display = ["trainee", "instrument", "assessor_name", "status", "expires_at", "send_count"]
    list_filter = ["status", "instrument"]
    search_fields = ["trainee__user__last_name", "assessor_name", "assessor_email"]
    readonly_fields = ["token_hash", "pin_hash", "pin_failures", "sent_at", "send_count", "created_by", "created_at"]
    raw_id_fields = ["trainee", "placement", "assessor"]

    # A signed request is part of the signed record: setting it back to "open" would make the old
    # link work again. Shown read-only (the database refuses the change as well).
    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == RequestStatus.SIGNED:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == RequestStatus.SIGNED:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

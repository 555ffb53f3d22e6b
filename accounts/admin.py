from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import LoginEvent, RoleAssignment, SupervisorProfile, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["region", "unit"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name", "hsa_id"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "phone", "personnummer", "hsa_id")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [RoleInline]
    history_list_display = ["first_name", "last_name", "email"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "region", "unit", "valid_from", "valid_to"]
    list_filter = ["role", "region"]
    search_fields = ["user__email", "user__last_name"]
    autocomplete_fields = ["user", "region", "unit"]


@admin.register(SupervisorProfile)
class SupervisorProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "specialty", "specialist_since", "supervisor_training_date", "bt_supervisor_training_date"]
    search_fields = ["user__email", "user__last_name", "specialty"]
    autocomplete_fields = ["user", "workplace"]


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):
    """The login log: read-only (written by the login adapters)."""

    list_display = ["at", "outcome", "reason", "method", "provider", "identifier", "user", "ip_address"]
    list_filter = ["outcome", "reason", "method", "provider", "at"]
    search_fields = ["identifier", "user__email", "user__last_name", "ip_address", "provider"]
    date_hierarchy = "at"
    list_select_related = ["user"]
    readonly_fields = [f.name for f in LoginEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

"""Signed certificate records in the admin: shown, never added, changed or deleted here (the
services make them; the database refuses changes to signed rows as well)."""

from django.contrib import admin

from certificates.models import FinalAssessment, GoalJudgement, IssuedDocument, ServiceSignature


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GoalJudgementInline(ReadOnly, admin.TabularInline):
    model = GoalJudgement
    extra = 0
    fields = ["goal", "by_role", "attained", "comment"]
    readonly_fields = fields


@admin.register(FinalAssessment)
class FinalAssessmentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["trainee", "main_supervisor", "main_signed_at", "external", "external_signed_at"]
    search_fields = ["trainee__user__last_name", "trainee__user__email"]
    inlines = [GoalJudgementInline]


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["subject_name", "kind", "code", "issued_at", "revoked_at"]
    list_filter = ["kind"]
    search_fields = ["subject_name", "code"]


@admin.register(ServiceSignature)
class ServiceSignatureAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["trainee", "signer_name", "signer_title", "signed_at"]
    search_fields = ["trainee__user__last_name", "signer_name"]

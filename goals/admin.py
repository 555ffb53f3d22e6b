from django.contrib import admin

from goals.models import Goal


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["code", "title_sv", "title_en", "regulation"]
    list_filter = ["regulation"]

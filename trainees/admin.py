from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from trainees.models import Trainee


@admin.register(Trainee)
class TraineeAdmin(SimpleHistoryAdmin):
    list_display = ["user", "region", "home_unit", "bt_type", "status", "planned_start"]
    list_filter = ["region", "bt_type", "status"]
    search_fields = ["user__email", "user__last_name", "user__first_name"]
    autocomplete_fields = ["user", "home_unit", "main_supervisor"]

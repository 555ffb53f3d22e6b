from django.contrib import admin

from accounts.models import NotificationSetting
from notifications.models import CalendarFeed, NotificationLog


@admin.register(NotificationSetting)
class NotificationSettingAdmin(admin.ModelAdmin):
    list_display = ["user", "email_reminders", "lead_days", "language"]
    raw_id_fields = ["user"]


@admin.register(NotificationLog)
class NotificationLogAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "item_key", "sent_at"]
    list_filter = ["kind"]
    readonly_fields = ["user", "kind", "item_key", "sent_at"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["trainee", "created_at"]
    readonly_fields = ["trainee", "token", "created_at"]

"""Reminders by email, the log that keeps them from being sent twice, and iCal feeds.

A person's choices (reminders on/off, notice, language of emails) are `accounts.NotificationSetting`:
other apps send email too and ask the same setting for its language.

Reminders are a background job (`notifications.tasks.send_reminders`, queued daily by
`manage.py send_reminders` from cron and run by `manage.py db_worker`); a `NotificationLog` row
per person, item and kind is claimed before an email goes out, so a second run — or two runs at
once — sends nothing new.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class NotificationLog(models.Model):
    """One reminder about one item to one person: the idempotency guard of send_reminders."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_log")
    item_key = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sent notification")
        verbose_name_plural = _("sent notifications")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "item_key", "kind"], name="notification_once_per_item"),
        ]

    def __str__(self):
        return f"{self.user} {self.kind} {self.item_key}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of a trainee's iCal feed; regenerating it retires the old address."""

    trainee = models.OneToOneField("trainees.Trainee", on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.trainee)

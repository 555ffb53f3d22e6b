"""Reminders by email, the log that keeps them from being sent twice, and iCal feeds.

Reminders are a background job (`notifications.tasks.send_reminders`, queued daily by
`manage.py send_reminders` from cron and run by `manage.py db_worker`); a `NotificationLog` row
per person, item and kind is claimed before an email goes out, so a second run — or two runs at
once — sends nothing new.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_LEAD_DAYS = 7


class NotificationSetting(models.Model):
    """A person's choices; people without a row get the defaults (reminders on, 7 days ahead)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_setting")
    email_reminders = models.BooleanField(
        _("email reminders"),
        default=True,
        help_text=_("Emails about assessments that are due soon or overdue."),
    )
    lead_days = models.PositiveSmallIntegerField(
        _("days of notice"),
        default=DEFAULT_LEAD_DAYS,
        validators=[MaxValueValidator(60)],
        help_text=_("How many days before an assessment is due you want a reminder."),
    )
    language = models.CharField(
        _("language of emails"),
        max_length=8,
        blank=True,
        default="",
        choices=settings.LANGUAGES,
        help_text=_("Empty: Swedish."),
    )

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return str(self.user)


def settings_for(user) -> NotificationSetting:
    """The stored setting, or an unsaved one with the defaults."""
    try:
        return user.notification_setting
    except NotificationSetting.DoesNotExist:
        return NotificationSetting(user=user)


def language_for(user) -> str:
    """The language of emails to this person (the site default when they chose none)."""
    if user is None or not getattr(user, "pk", None):
        return settings.LANGUAGE_CODE
    return settings_for(user).language or settings.LANGUAGE_CODE


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

from django import forms

from core.forms import BootstrapFormMixin
from notifications.models import NotificationSetting


class NotificationSettingForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = NotificationSetting
        fields = ["email_reminders", "lead_days", "language"]

from django import forms

from accounts.models import NotificationSetting
from core.forms import BootstrapFormMixin


class NotificationSettingForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = NotificationSetting
        fields = ["email_reminders", "lead_days", "language"]

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import Scope
from core.forms import BootstrapFormMixin, DateInput


class TokenForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. the region's report script.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, initial=[Scope.READ_TRAINEES]
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: until you revoke it."),
    )

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError(_("The expiry must be in the future."))
        return day

    @property
    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        # Valid through the whole day chosen.
        return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))

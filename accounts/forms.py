from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import personnummer as pnr
from accounts.models import SupervisorProfile, User
from accounts.permissions import UNIT_ROLES, is_admin, unit_q, unit_scope
from core.forms import BootstrapFormMixin, DateInput, VersionedModelForm


class PersonnummerField(forms.CharField):
    """Accepts the usual written forms; cleans to the 12-digit normalised form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 13)
        kwargs.setdefault("label", _("Personnummer"))
        kwargs.setdefault("help_text", _("YYYYMMDD-NNNN. A samordningsnummer is accepted too."))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        return pnr.normalise(value)


class ProfileForm(BootstrapFormMixin, forms.ModelForm):
    personnummer = PersonnummerField(required=False)

    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "phone",
            "work_phone",
            "personnummer",
            "street_address",
            "postal_code",
            "city",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.personnummer:
            self.initial["personnummer"] = self.instance.personnummer_display
        self.fields["personnummer"].widget.attrs["autocomplete"] = "off"

    def clean_personnummer(self):
        value = self.cleaned_data["personnummer"]
        if value and User.objects.filter(personnummer=value).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another person is already registered with this personnummer."))
        return value


class SupervisorProfileForm(BootstrapFormMixin, VersionedModelForm):
    class Meta:
        model = SupervisorProfile
        fields = [
            "specialty",
            "specialist_since",
            "supervisor_training_date",
            "bt_supervisor_training_date",
            "workplace",
        ]
        widgets = {
            "specialist_since": DateInput,
            "supervisor_training_date": DateInput,
            "bt_supervisor_training_date": DateInput,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not is_admin(user):
            # The units in the user's own staff scope, and the workplace already recorded.
            in_scope = unit_q("", *unit_scope(user, UNIT_ROLES)) | Q(pk=self.instance.workplace_id or 0)
            self.fields["workplace"].queryset = self.fields["workplace"].queryset.filter(in_scope)


class LoginForm(BootstrapFormMixin, AllauthLoginForm):
    """allauth's login form with Bootstrap classes; the field labels are shown (not placeholders only)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Email")
        self.fields["login"].widget.attrs.update({"autocomplete": "email"})
        self.fields["password"].help_text = ""

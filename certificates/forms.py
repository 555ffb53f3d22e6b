"""Forms of the certificates app: the region's register of approved external assessors and the
verksamhetschef's signature of Bilaga 3."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ApprovedAssessor, User
from core.forms import BootstrapFormMixin, VersionedModelForm
from organisations.models import Unit


class ApprovedAssessorForm(BootstrapFormMixin, VersionedModelForm):
    """An entry of the register. The person is found by the email of their account (they log in
    to make the final assessment); regions and workplaces are limited to the user's regions."""

    email = forms.EmailField(
        label=_("Email of the person"),
        help_text=_("The person needs an account in BT-portalen (they log in to make the final assessment)."),
    )

    class Meta:
        model = ApprovedAssessor
        fields = ["region", "specialty", "training_date", "workplace", "active"]
        widgets = {"training_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "workplace": _("Used for the conflict check: an assessor must not work at the trainee's units."),
        }

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["workplace"].queryset = (
            Unit.objects.filter(region__in=regions).select_related("region").order_by("region__name", "path")
        )
        if regions.count() == 1 and not self.instance.pk:
            self.fields["region"].initial = regions.first()
        if self.instance.pk:
            # The person and the region of an entry are fixed; make a new entry for another.
            del self.fields["email"]
            self.fields["region"].disabled = True
        else:
            del self.fields["active"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                _("No account has this email address. Ask the administrator to create one first.")
            )
        if not user.is_active:
            raise forms.ValidationError(_("This account is deactivated."))
        self.person = user
        return email

    def clean_specialty(self):
        value = self.cleaned_data["specialty"].strip()
        if not value:
            raise forms.ValidationError(_("Give the specialty."))
        return value

    def clean_training_date(self):
        value = self.cleaned_data["training_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The training date cannot be in the future."))
        if value < datetime.date(1970, 1, 1):
            raise forms.ValidationError(_("Check the training date."))
        return value

    def clean(self):
        data = super().clean()
        region, workplace = data.get("region"), data.get("workplace")
        if region and workplace and workplace.region_id != region.pk:
            self.add_error("workplace", _("The workplace must be a unit in the region of the register."))
        person = getattr(self, "person", None)
        if region and person and not self.instance.pk:
            existing = ApprovedAssessor.objects.filter(user=person, region=region).first()
            if existing:
                self.add_error(
                    "email",
                    _("This person is already in the register of %(region)s%(inactive)s.")
                    % {
                        "region": region.name,
                        "inactive": _(" (inactive: edit the entry to make it active again)")
                        if not existing.active
                        else "",
                    },
                )
        return data

    def save(self, commit=True):
        if not self.instance.pk:
            self.instance.user = self.person
        return super().save(commit=commit)


class ServiceSignatureForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Your title"), max_length=120, initial="verksamhetschef")
    place = forms.CharField(label=_("Place (ort)"), max_length=80)
    sha256 = forms.CharField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I certify that the BT doctor has completed the service listed above."), required=True
    )

"""Forms of the certificates app: the region's register of approved external assessors and the
verksamhetschef's signature of Bilaga 3."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ApprovedAssessor, Role, User
from core.forms import BootstrapFormMixin, VersionedModelForm
from organisations.models import Unit


def is_bt_doctor(user) -> bool:
    """A BT-läkare (a BT record, or the role) is assessed, never an assessor."""
    from accounts.models import RoleAssignment
    from trainees.models import Trainee

    return (
        Trainee.objects.filter(user=user).exists()
        or RoleAssignment.objects.filter(user=user, role=Role.BT_LAKARE).exists()
    )


class ApprovedAssessorForm(BootstrapFormMixin, VersionedModelForm):
    """An entry of the register. The person is found by the email of their account (they log in
    to make the final assessment); regions and workplaces are limited to the user's regions."""

    email = forms.EmailField(
        label=_("Email of the person"),
        help_text=_(
            "The person needs an account in BT-portalen with a role or a supervisor profile in the region "
            "(they log in to make the final assessment)."
        ),
    )

    class Meta:
        model = ApprovedAssessor
        fields = ["region", "specialty", "training_date", "workplace", "active"]
        widgets = {"training_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "workplace": _("Used for the conflict check: an assessor must not work at the trainee's units."),
        }

    def __init__(self, *args, regions, anyone=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.anyone = anyone
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
        return self.cleaned_data["email"].strip().lower()

    def _person_in_region(self, email, region):
        """The active account of `email` when the person works in `region` (a role there, or a supervisor
        profile with a workplace there), else None — whether or not the address has an account elsewhere,
        which the kansli of this region has no business learning."""
        from accounts.models import RoleAssignment, SupervisorProfile
        from trainees.models import Trainee

        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            return None
        if self.anyone:
            return user  # the administrator keeps every region's register
        units = Unit.objects.filter(region=region)
        in_region = (
            RoleAssignment.objects.active().filter(user=user).filter(Q(region=region) | Q(unit__in=units)).exists()
            or SupervisorProfile.objects.filter(user=user, workplace__in=units).exists()
            or ApprovedAssessor.objects.filter(user=user, region=region).exists()
            or Trainee.objects.filter(user=user, home_unit__region=region).exists()  # refused below, by name
        )
        return user if in_region else None

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
        email = data.get("email")
        person = None
        if region and email and not self.instance.pk:
            person = self._person_in_region(email, region)
            if person is None:
                # One message for every address that cannot be used — no account, an account of another
                # region, a deactivated one — so the form reveals nothing about accounts elsewhere.
                self.add_error(
                    "email",
                    _(
                        "No one who works in %(region)s can be added with this address. The person needs an "
                        "account with a role or a supervisor profile in the region; ask the administrator."
                    )
                    % {"region": region.name},
                )
            elif is_bt_doctor(person):
                self.add_error("email", _("A BT doctor cannot be an external assessor."))
                person = None
            self.person = person
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

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PersonnummerField
from core.forms import BootstrapFormMixin, DateInput, LongSelect, TableFileField, VersionedModelForm
from intake.models import STATEMENT_AREAS, Application, Position, Round, SupervisorStatement
from trainees.models import BtType


class RoundForm(BootstrapFormMixin, VersionedModelForm):
    class Meta:
        model = Round
        fields = ["region", "name", "opens_on", "closes_on", "bt_start", "places"]
        widgets = {"opens_on": DateInput, "closes_on": DateInput, "bt_start": DateInput}

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions.order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["opens_on"] > data["closes_on"]:
            self.add_error("closes_on", _("A round cannot close before it opens."))
        return data


class PositionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Position
        fields = ["title", "unit", "places"]
        widgets = {"unit": LongSelect}  # the region's units

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = round.region.units.select_related("parent").order_by(
            "path"
        )  # its name shows the parent


class ApplicationForm(BootstrapFormMixin, VersionedModelForm):
    """Person data and BT of an applicant. A verksamhetschef may only register integrated BT
    at their own units (`integrated_only`)."""

    personnummer = PersonnummerField()

    class Meta:
        model = Application
        fields = [
            "bt_type",
            "position",
            "unit",
            "st_specialty",
            "first_name",
            "last_name",
            "email",
            "personnummer",
            "phone",
            "trainee",
            "credited_st_months",
        ]

    def __init__(self, *args, round, units, trainees, integrated_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        self.fields["position"].queryset = round.positions.select_related("unit")
        self.fields["unit"].queryset = units.filter(region=round.region).order_by("path")
        self.fields["trainee"].queryset = trainees.filter(region=round.region).select_related("user")
        self.fields["trainee"].help_text = _(
            "An ST doctor who already has a BT record: assessments and IUP are read from it."
        )
        if integrated_only:
            self.fields["bt_type"].choices = [(BtType.INTEGRATED.value, BtType.INTEGRATED.label)]
            self.fields["bt_type"].initial = BtType.INTEGRATED
            del self.fields["position"]
            self.fields["unit"].required = True

    def clean_personnummer(self):
        value = self.cleaned_data["personnummer"]
        others = Application.objects.filter(round=self.round, personnummer=value)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This round already has an application for this personnummer."))
        return value

    def clean(self):
        data = super().clean()
        bt_type = data.get("bt_type")
        if bt_type == BtType.INTEGRATED and not data.get("st_specialty"):
            self.add_error("st_specialty", _("Give the ST specialty for BT integrated in ST."))
        if bt_type == BtType.INTEGRATED and data.get("position"):
            self.add_error("position", _("Positions are for standalone BT."))
        if data.get("position") and not data.get("unit"):
            data["unit"] = data["position"].unit
        trainee = data.get("trainee")
        if (
            trainee
            and data.get("personnummer")
            and trainee.user.personnummer
            and trainee.user.personnummer != data["personnummer"]
        ):
            self.add_error("trainee", _("The BT record belongs to a person with another personnummer."))
        return data


class ConfirmForm(BootstrapFormMixin, forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DateInput)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DecisionForm(BootstrapFormMixin, forms.Form):
    """The decision with its reason; to admit with checklist items missing, a reason for each
    (one field per missing item, `missing_<item>`)."""

    decision = forms.ChoiceField(label=_("Decision"), choices=[("admit", _("Admit")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, missing=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.missing = list(missing)
        for row in self.missing:
            self.fields[f"missing_{row.item}"] = forms.CharField(
                label=_("Reason to admit without: %(item)s") % {"item": row.label},
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),  # added after styling
                required=False,
                max_length=1000,
                help_text=_("Needed only to admit: the item is missing from the checklist."),
            )

    def missing_reasons(self) -> dict[str, str]:
        return {row.item: self.cleaned_data.get(f"missing_{row.item}", "") for row in self.missing}


class StatementForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = SupervisorStatement
        fields = ["supervisor_name", "given_on", *[key for key, _label in STATEMENT_AREAS]]
        widgets = {"given_on": DateInput, **{key: forms.Textarea(attrs={"rows": 2}) for key, _label in STATEMENT_AREAS}}


class ImportForm(BootstrapFormMixin, forms.Form):
    file = TableFileField(label=_("Varbi export (CSV or xlsx)"))
    bt_type = forms.ChoiceField(label=_("BT type"), choices=BtType.choices, initial=BtType.STANDALONE)
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.none(), required=False)

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = round.positions.all()

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments import instruments
from core.forms import BootstrapFormMixin, DateInput, harden
from goals.models import Goal
from rules.regulations import regulation_versions


def trainee_goals(trainee):
    """The delmål of the regulation in force for the trainee."""
    import rules

    try:
        regulation = rules.regulation_for(trainee.planned_start).id
    except LookupError:
        regulation = rules.DEFAULT_REGULATION
    return Goal.objects.filter(regulation=regulation).order_by("number")


class AssessorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.email} ({obj.email})"


class RequestForm(BootstrapFormMixin, forms.Form):
    instrument = forms.ChoiceField(label=_("Instrument"), choices=())
    assessor = AssessorChoiceField(
        label=_("Assessor"),
        queryset=None,
        required=False,
        empty_label=_("Someone else (give name and email)"),
        help_text=_("Your main supervisor and the supervisors of your placements."),
    )
    assessor_name = forms.CharField(label=_("Assessor's name"), max_length=200, required=False)
    assessor_email = forms.EmailField(
        label=_("Assessor's email"),
        required=False,
        help_text=_("The link and a PIN for signing are sent to this address."),
    )
    placement = forms.ModelChoiceField(label=_("Placement"), queryset=None, required=False)
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals (delmål)"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a placement final assessment, leave empty to use the goals of the placement."),
    )
    message = forms.CharField(
        label=_("Message to the assessor"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, trainee, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import User

        self.fields["instrument"].choices = instruments.choices()
        self.fields["assessor"].queryset = User.objects.filter(pk__in=[u.pk for u in assessors])
        placements = trainee.placements.select_related("unit").order_by("start")
        self.fields["placement"].queryset = placements
        today = timezone.localdate()
        current = next((p for p in placements if p.start <= today <= p.end), None)
        if current and not self.is_bound:
            self.initial.setdefault("placement", current.pk)
        self.fields["goals"].queryset = trainee_goals(trainee)

    def clean(self):
        data = super().clean()
        if not data.get("assessor") and not (data.get("assessor_name") and data.get("assessor_email")):
            raise forms.ValidationError(_("Choose an assessor, or give the assessor's name and email address."))
        return data


def _item_choices():
    return (
        [("", "—")]
        + [(str(n), label) for n, label in instruments.LEVELS]
        + [(str(instruments.NOT_OBSERVED), instruments.LEVEL_LABELS[instruments.NOT_OBSERVED])]
    )


#: No BT assessment is older than the first regulation of BT (HSLF-FS 2021:8, in force 2021-07-01).
BT_BEGAN = min(r.in_force_from for r in regulation_versions())


class AssessForm(forms.Form):
    """The assessor's form: one required choice (the overall level), everything else optional."""

    overall = forms.TypedChoiceField(
        label=_("Overall level of independence"),
        choices=instruments.LEVELS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the overall level of independence.")},
    )
    strengths = forms.CharField(label=_("Strengths"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    development = forms.CharField(label=_("What to develop"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    comments = forms.CharField(label=_("Other comments"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    performed_on = forms.DateField(label=_("Date of the assessment"), required=False, widget=DateInput)

    def __init__(self, *args, request_obj, need_pin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_obj = request_obj
        goals = list(request_obj.goals.order_by("number")) if request_obj.pk else []
        self.items = instruments.items_for(request_obj.instrument, goals)
        self.text_items = instruments.get(request_obj.instrument).text_fields
        for item in self.items:
            self.fields[f"item_{item.key}"] = forms.TypedChoiceField(
                label=item.label,
                choices=_item_choices(),
                required=False,
                coerce=int,
                empty_value=None,
            )
        for item in self.text_items:
            self.fields[f"text_{item.key}"] = forms.CharField(label=item.label, required=False, max_length=500)
        self.fields["performed_on"].initial = timezone.localdate()
        if need_pin:
            self.fields["pin"] = forms.CharField(
                label=_("PIN from the email"),
                max_length=8,  # the emailed PIN (6) or a personal signing PIN (6–8)
                min_length=4,
                error_messages={"required": _("Enter the PIN from the email with the link.")},
                widget=forms.TextInput(
                    attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*", "size": 8}
                ),
            )
        harden(self)
        self.fields["performed_on"].widget.attrs.update(min=BT_BEGAN.isoformat(), max=timezone.localdate().isoformat())
        self.fields["overall"].widget.attrs["class"] = "btn-check"
        for name, field in self.fields.items():
            if name == "overall":
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def clean_performed_on(self):
        day = self.cleaned_data.get("performed_on") or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of the assessment cannot be in the future."))
        if day < BT_BEGAN:
            raise forms.ValidationError(
                _("The date of the assessment cannot be before %(date)s, when BT began.")
                % {"date": BT_BEGAN.isoformat()}
            )
        return day

    @property
    def item_fields(self):
        return [self[f"item_{i.key}"] for i in self.items]

    @property
    def text_fields(self):
        return [self[f"text_{i.key}"] for i in self.text_items]

    def sign_data(self) -> dict:
        d = self.cleaned_data
        return {
            "overall": d["overall"],
            "ratings": {i.key: d[f"item_{i.key}"] for i in self.items if d.get(f"item_{i.key}") is not None},
            "details": {i.key: d.get(f"text_{i.key}", "") for i in self.text_items},
            "strengths": d.get("strengths", ""),
            "development": d.get("development", ""),
            "comments": d.get("comments", ""),
            "performed_on": d.get("performed_on"),
        }


class AddendumForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Addendum"), widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 3}))

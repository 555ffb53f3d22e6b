"""Forms of quality reviews and evaluations. Radio buttons for scores: big targets on a phone."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin, DateInput
from organisations.models import Unit

from .models import ActionKind, Agreement, Fulfilment, Grade, NoteKind, SurveyRole

SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]


class EvaluationForm(BootstrapFormMixin, forms.Form):
    supervision = forms.TypedChoiceField(
        label=_("Supervision: I got the supervision I needed"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    learning_climate = forms.TypedChoiceField(
        label=_("Learning climate: it was easy to ask and to learn"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    patient_responsibility = forms.TypedChoiceField(
        label=_("Own patient responsibility: I had my own patients, under supervision"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    workload = forms.TypedChoiceField(
        label=_("Workload: the workload was reasonable"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    goals = forms.MultipleChoiceField(
        label=_("Which delmål could you reach at this placement?"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    free_text = forms.CharField(
        label=_("Anything else (shown to the unit only above the anonymity threshold, without dates)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, goal_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].choices = goal_choices


class SurveyForm(forms.Form):
    """One radio group per statement of the catalogue put to this role."""

    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, statements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = list(statements)
        for s in self.statements:
            self.fields[f"s{s.pk}"] = forms.TypedChoiceField(
                label=s.text,
                choices=Agreement.choices,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
        self.order_fields([f"s{s.pk}" for s in self.statements] + ["comment"])

    def answers(self) -> dict[int, int]:
        return {s.pk: self.cleaned_data[f"s{s.pk}"] for s in self.statements}

    def statement_fields(self):
        return [(s, self[f"s{s.pk}"]) for s in self.statements]


class ReviewForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.filter(active=True).select_related("region", "parent")
    )
    period_start = forms.DateField(label=_("Period reviewed from"), widget=DateInput)
    period_end = forms.DateField(label=_("Period reviewed to"), widget=DateInput)

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_start"] > data["period_end"]:
            raise forms.ValidationError(_("The period must start before it ends."))
        return data


class AssignReviewerForm(BootstrapFormMixin, forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None)
    reason = forms.CharField(
        label=_("Reason, if the reviewer is from the unit's own region"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, reviewers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers


class SurveyLinksForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=SurveyRole.choices)
    count = forms.IntegerField(label=_("Number of links"), min_value=1, max_value=200, initial=5)


class DocumentForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"))


class NoteForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoteKind.choices)
    interviewed_role = forms.ChoiceField(
        label=_("Interviewed"), choices=[("", "–"), *SurveyRole.choices], required=False
    )
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}))


class AreaFindingForm(BootstrapFormMixin, forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    text = forms.CharField(label=_("Assessment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class StatementFindingForm(BootstrapFormMixin, forms.Form):
    fulfilment = forms.ChoiceField(label=_("Fulfilment"), choices=Fulfilment.choices)
    action = forms.ChoiceField(label=_("Action"), choices=ActionKind.choices, required=False)
    action_text = forms.CharField(
        label=_("Requirement or recommendation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_date = forms.DateField(label=_("Remedy due"), required=False, widget=DateInput)


class CalibrationForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("What the calibration meeting concluded"), widget=forms.Textarea(attrs={"rows": 3}))


class RemedyForm(BootstrapFormMixin, forms.Form):
    evidence = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("Evidence (file)"), required=False)


class CopyCatalogueForm(BootstrapFormMixin, forms.Form):
    version = forms.CharField(label=_("New version"), max_length=40)


class StatementForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    source = forms.CharField(label=_("Source"), max_length=200)
    roles = forms.MultipleChoiceField(
        label=_("Asked of"), choices=SurveyRole.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        from .models import StatementKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = StatementKind.choices

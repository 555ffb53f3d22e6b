from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import BootstrapFormMixin, DateInput, VersionedFormMixin, VersionField
from portfolio.evidence import allowed_extensions, allowed_types_text, check_file
from portfolio.models import ActivityKind
from portfolio.progress import goals_for
from portfolio.services import STALE


class VersionedForm(VersionedFormMixin, BootstrapFormMixin, forms.Form):
    """Carries the IUP version the page was rendered with (optimistic locking)."""

    version = VersionField(stale_message=STALE)


class GoalPlanForm(VersionedForm):
    activities = forms.CharField(
        label=_("Planned learning activities"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example clinical service, courses, seminars, self-study."),
    )
    assessment_methods = forms.CharField(
        label=_("How attainment will be checked"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example Mini-CEX, DOPS, CBD, a course examination."),
    )


class ReviewForm(VersionedForm):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ActivityForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    start = forms.DateField(label=_("Date"), widget=DateInput)
    end = forms.DateField(
        label=_("End date"), widget=DateInput, required=False, help_text=_("Leave empty for a single day.")
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals (delmål)"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Link the activity to at least one goal (delmål).")},
    )
    placement = forms.ModelChoiceField(label=_("Placement"), queryset=None, required=False)
    reflection = forms.CharField(
        label=_("Reflection"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What did you learn, and what will you do differently?"),
    )
    files = MultipleFileField(label=_("Evidence files"), required=False)

    def __init__(self, *args, trainee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = goals_for(trainee)
        self.fields["placement"].queryset = trainee.placements.select_related("unit").order_by("start", "pk")
        self.fields["files"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in allowed_extensions())
        self.fields["files"].help_text = _("Allowed types: %(types)s. At most %(limit)s per file.") % {
            "types": allowed_types_text(),
            "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES),
        }

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        errors = [error for error in (check_file(f)[1] for f in files) if error]
        if errors:
            raise forms.ValidationError(errors)
        return files

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date cannot be before the start date."))
        return data


class SupervisionMeetingForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    supervisor = forms.ModelChoiceField(label=_("Supervisor"), queryset=None, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = User.objects.filter(pk__in=[u.pk for u in supervisors]).order_by(
            "last_name", "first_name"
        )

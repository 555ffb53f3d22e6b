import datetime
import re

import django.core.validators
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin, DateInput
from rules.dates import add_months
from scheduling.models import METHOD_LABELS
from trainees.models import Trainee


class StartRunForm(BootstrapFormMixin, forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=None)
    start = forms.DateField(label=_("First month"), widget=DateInput)
    months = forms.IntegerField(label=_("Number of months"), min_value=6, max_value=36, initial=18)
    method = forms.ChoiceField(
        label=_("Method"),
        choices=list(METHOD_LABELS.items()),
        initial="cpsat",
    )
    time_limit = forms.IntegerField(label=_("Time limit (seconds)"), min_value=5, max_value=600, initial=60)
    trainees = forms.ModelMultipleChoiceField(
        label=_("BT doctors to plan"),
        queryset=Trainee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Planned BT doctors without placements."),
    )

    def __init__(self, *args, regions, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        only = list(regions[:2])
        if len(only) == 1:  # one region to choose from (a kansli's): chosen already, no "---------"
            self.fields["region"].initial = only[0].pk
            self.fields["region"].empty_label = None
        self.fields["trainees"].queryset = candidates
        self.fields["start"].initial = (datetime.date.today().replace(day=1) + datetime.timedelta(days=32)).replace(
            day=1
        )

    def clean(self):
        data = super().clean()
        region, trainees = data.get("region"), data.get("trainees")
        if region and trainees and any(t.region_id != region.pk for t in trainees):
            self.add_error("trainees", _("Choose BT doctors of the chosen region."))
        return data


class WeightsForm(BootstrapFormMixin, forms.Form):
    """How much each soft goal of the planner counts (whole numbers; 0 ignores it)."""

    def __init__(self, *args, **kwargs):
        from scheduling.objective import Weights

        super().__init__(*args, prefix="weight", **kwargs)
        defaults = Weights()
        labels = {
            "preference": (
                _("BT doctors' placement wishes"),
                _("Per month short of a wished-for unit, or at a unit to avoid."),
            ),
            "moves": (_("Few moves between units"), _("Per change of unit.")),
            "idle": (_("No idle months"), _("Per month without a placement between the first and the last.")),
            "late": (_("Finishing early"), _("Per month later than the earliest possible end.")),
            "fairness": (
                _("Fair spread of unpopular units"),
                _(
                    "Grows with the number of unpopular placements one BT doctor gets (units someone in the cohort would rather avoid and no one wishes for)."
                ),
            ),
        }
        for name, (label, help_text) in labels.items():
            self.fields[name] = forms.IntegerField(
                label=label,
                help_text=help_text,
                min_value=0,
                max_value=100,
                initial=getattr(defaults, name),
                required=False,
            )

    def weights(self) -> dict[str, int]:
        """The chosen weights (an empty field keeps the default)."""
        return {name: value for name, value in self.cleaned_data.items() if value is not None}


_MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class ProposalRowForm(BootstrapFormMixin, forms.Form):
    """One placement of an edited proposal: a unit (its category follows), the first month
    and the number of whole months."""

    unit = forms.ChoiceField(
        label=_("Unit"),
        error_messages={
            "invalid_choice": _("Choose one of the region's units."),
            "required": _("Choose a unit."),
        },
    )
    start = forms.CharField(
        label=_("First month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "inputmode": "numeric"}),
        error_messages={"required": _("Give the first month.")},
    )
    months = forms.IntegerField(
        label=_("Months"),
        min_value=1,
        error_messages={
            "invalid": _("Give the number of months as a whole number."),
            "min_value": _("A placement is at least 1 month."),
            "max_value": _("A placement cannot be longer than the planning period (%(limit_value)s months)."),
            "required": _("Give the number of months."),
        },
    )

    def __init__(self, *args, unit_choices, first, last, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—")] + unit_choices
        self.fields["months"].max_value = self.fields["months"].widget.attrs["max"] = (
            (last.year - first.year) * 12 + last.month - first.month + 1
        )
        self.fields["months"].validators.append(
            django.core.validators.MaxValueValidator(self.fields["months"].max_value)
        )
        self.fields["months"].widget.attrs["min"] = 1
        self.fields["start"].widget.attrs.update({"min": f"{first:%Y-%m}", "max": f"{last:%Y-%m}"})
        self.first, self.last = first, last

    def clean_start(self):
        match = _MONTH_RE.match(self.cleaned_data["start"])
        month = None
        if match and 1 <= int(match.group(2)) <= 12:
            month = datetime.date(int(match.group(1)), int(match.group(2)), 1)
        if month is None:
            raise forms.ValidationError(
                _("Give the first month as year and month, e.g. %(example)s."),
                params={"example": f"{self.first:%Y-%m}"},
            )
        if not self.first <= month <= self.last:
            raise forms.ValidationError(
                _("Choose a month within the planning period, %(first)s to %(last)s."),
                params={"first": f"{self.first:%Y-%m}", "last": f"{self.last:%Y-%m}"},
            )
        return f"{month:%Y-%m}"


class BaseProposalFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = self.rows()
        problems = self.check_rows(rows) if self.check_rows else []
        if problems:
            raise forms.ValidationError(problems)

    check_rows = None  # set by proposal_formset: editing.validate_rows for the run

    def add_error(self, message: str) -> None:
        """A problem found after validation (e.g. the service refused: a stale form)."""
        self.non_form_errors().append(message)

    def rows(self) -> list[dict]:
        return [
            {"unit": f.cleaned_data["unit"], "start": f.cleaned_data["start"], "months": f.cleaned_data["months"]}
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


ProposalFormSet = forms.formset_factory(
    ProposalRowForm,
    formset=BaseProposalFormSet,
    extra=1,
    can_delete=True,
    max_num=24,
    validate_max=True,
)


def proposal_formset(run, units, *, data=None, initial=None, add_row=False):
    """The edit form of one trainee's proposal (a formset: one form per placement, one empty
    row to add a placement, a "remove" box per row)."""
    from organisations.models import PlacementCategory
    from scheduling import editing, planning

    labels = dict(PlacementCategory.choices)
    grouped: dict[str, list] = {}
    for unit in units:
        grouped.setdefault(labels.get(unit.category, unit.category), []).append((str(unit.pk), str(unit)))
    choices = list(grouped.items())
    choices.append((_("Introduction"), [(planning.INTRODUCTION_UNIT, _("Introduction (the region's course)"))]))
    first = run.horizon_start.replace(day=1)
    last = add_months(first, run.horizon_months - 1)
    if data is not None and add_row:
        data = data.copy()
        total = data.get("rows-TOTAL_FORMS", "")
        if total.isdigit():
            data["rows-TOTAL_FORMS"] = str(int(total) + 1)
    formset = ProposalFormSet(
        data,
        initial=initial,
        prefix="rows",
        form_kwargs={"unit_choices": choices, "first": first, "last": last},
    )
    by_key = {str(u.pk): u for u in units}
    formset.check_rows = lambda rows: editing.validate_rows(run, rows, by_key)
    return formset

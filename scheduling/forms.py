import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from btportal.forms import BootstrapFormMixin
from trainees.models import Trainee


class StartRunForm(BootstrapFormMixin, forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=None)
    start = forms.DateField(label=_("First month"), widget=forms.DateInput(attrs={"type": "date"}))
    months = forms.IntegerField(label=_("Number of months"), min_value=6, max_value=36, initial=18)
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[("cpsat", _("Optimise (CP-SAT)")), ("greedy", _("Quick first fit (greedy)"))],
        initial="cpsat",
    )
    time_limit = forms.IntegerField(label=_("Time limit (seconds)"), min_value=5, max_value=600, initial=60)
    trainees = forms.ModelMultipleChoiceField(
        label=_("BT doctors to plan"), queryset=Trainee.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("Planned BT doctors without placements."),
    )

    def __init__(self, *args, regions, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["trainees"].queryset = candidates
        self.fields["start"].initial = (datetime.date.today().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)

    def clean(self):
        data = super().clean()
        region, trainees = data.get("region"), data.get("trainees")
        if region and trainees and any(t.region_id != region.pk for t in trainees):
            self.add_error("trainees", _("Choose BT doctors of the chosen region."))
        return data

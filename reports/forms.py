"""The dashboard's filters (a GET form: the page, its exports and a background export share it)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin
from reports.cohort import Phase
from trainees.models import BtType, TraineeStatus

ONGOING = ""  # the default: planned, active and paused
ALL = "all"
ONGOING_STATUSES = (TraineeStatus.PLANNED, TraineeStatus.ACTIVE, TraineeStatus.PAUSED)

ATTENTION = [
    ("", _("Everyone")),
    ("any", _("Needs attention")),
    ("overdue", _("Overdue assessments")),
    ("errors", _("Errors in the plan")),
    ("supervisor", _("Supervisor missing")),
]

#: sort key → (label, what the rows are ordered by). "-key" sorts the other way.
SORTS = {
    "name": _("Name"),
    "start": _("Start"),
    "phase": _("Phase"),
    "months": _("Months done"),
    "goals": _("Goals evidenced"),
    "overdue": _("Overdue assessments"),
    "findings": _("Plan findings"),
    "completion": _("Expected completion"),
}


class CohortFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Search by name or email"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(ONGOING, _("Ongoing (planned, active, paused)")), (ALL, _("All")), *TraineeStatus.choices],
    )
    bt_type = forms.ChoiceField(label=_("BT type"), required=False, choices=[("", _("All")), *BtType.choices])
    phase = forms.ChoiceField(label=_("Phase"), required=False, choices=[("", _("All")), *Phase.choices])
    attention = forms.ChoiceField(label=_("Show"), required=False, choices=ATTENTION)
    region = forms.ChoiceField(label=_("Region"), required=False)
    sort = forms.ChoiceField(
        required=False,
        choices=list(SORTS.items()) + [(f"-{key}", label) for key, label in SORTS.items()],
    )

    def __init__(self, data=None, *, regions=()):
        super().__init__(data)
        self.fields["region"].choices = [("", _("All"))] + [(str(r.pk), r.name) for r in regions]
        if len(self.fields["region"].choices) <= 2:
            del self.fields["region"]  # one region: nothing to choose

    def filters(self) -> dict:
        """The valid filters (invalid ones are ignored: a stale link still shows a page)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.permissions import LIST_SUPERVISORS
from api.permissions import IMPORT_RECORD
from goals.permissions import VIEW as VIEW_GOALS
from intake.permissions import MANAGE as MANAGE_INTAKE
from organisations.permissions import VIEW_REGION
from quality.permissions import VIEW_REVIEW
from reports.permissions import DASHBOARD, STATISTICS, UNIT_REPORT
from scheduling.permissions import PLAN
from trainees.permissions import LIST_TRAINEES


def navigation(request):
    """Main navigation: only the links the user may follow."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": []}
    candidates = [
        ("home", _("Home"), reverse("home"), None),
        ("trainees", _("BT doctors"), reverse("trainees:list"), LIST_TRAINEES),
        ("organisations", _("Units"), reverse("organisations:regions"), VIEW_REGION),
        ("supervisors", _("Supervisors"), reverse("accounts:supervisors"), LIST_SUPERVISORS),
        ("planning", _("Cohort planning"), reverse("scheduling:runs"), PLAN),
        ("intake", _("Intake"), reverse("intake:rounds"), MANAGE_INTAKE),
        ("goals", _("Goals"), reverse("goals:list"), VIEW_GOALS),
        ("quality", _("Quality reviews"), reverse("quality:reviews"), VIEW_REVIEW),
    ]
    items = [(key, label, url) for key, label, url, perm in candidates if perm is None or perm.allows(user)]
    reports = _reports_home(user)
    if reports:
        items.append(("reports", _("Reports"), reports))
    # The import of a portable record is the BT office's (api.permissions.IMPORT_RECORD); the
    # trainees app sits below api and cannot ask itself.
    return {"nav_items": items, "can_import_record": IMPORT_RECORD.allows(user)}


def _reports_home(user) -> str:
    """Where "Reports" leads: the cohort dashboard, else the unit reports, else the statistics."""
    for perm, name in (
        (DASHBOARD, "reports:dashboard"),
        (UNIT_REPORT, "reports:units"),
        (STATISTICS, "reports:statistics"),
    ):
        if perm.allows(user):
            return reverse(name)
    return ""
